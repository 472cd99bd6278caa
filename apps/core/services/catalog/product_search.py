"""Search plans of the product list: full text (websearch syntax, prefix on the last word) and typo tolerance.

`search_plan` builds the relevance tiers described in `product_queries` from the stored
`search_vector`/`name_vector` columns. When full text finds nothing, `corrected_search` replaces
the words no product name holds by name words within a bounded number of typos (none below 5
characters, one from 5 to 8, two from 9) and the caller searches again with them; a text with
nothing to correct finds nothing. PostgreSQL only: SQLite searches with a plain case-insensitive
contains.
"""

import re

from django.db import connection, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from rapidfuzz.distance import OSA

from apps.core.services.catalog.product_queries import RELEVANCE, ListPlan, Segment, ordered_segments

SEARCH_CONFIG = "english"

_LAST_WORD = re.compile(r"(?:^|\s)([0-9A-Za-z]+)$")
_WORD = re.compile(r"[^\W_]+")
_MAX_WORD = 64  # longer words are not in core_search_word
# A word within k typos of a query word of n characters shares at least n + 1 - 4k of its n + 1
# padded trigrams (an edit changes at most 3, a swap 4), so its pg_trgm similarity is at least
# 2/11 for n = 5, k = 1 and 2/20 for n = 9, k = 2 (the lowest cases): 0.1 loses no candidate.
_CANDIDATE_SIMILARITY = 0.1
# Name words sharing trigrams with each query word, within two characters of its length.
_CANDIDATES_SQL = """
SELECT q, w.word FROM unnest(%s::text[]) AS q
CROSS JOIN LATERAL (
    SELECT word FROM core_search_word
    WHERE word %% q AND length(word) BETWEEN length(q) - 2 AND length(q) + 2
) AS w
"""


def tsquery_sql(text: str) -> tuple[str, list[str]]:
    """SQL (and params) of the tsquery for a search box text.

    `websearch_to_tsquery` semantics ("quoted phrases", `or`, `-excluded`), and the last word,
    when it is a plain word still being typed, also matches as a prefix ("ipho" finds "iPhone").
    The prefix is the word as typed, not its stem: "apple" must not find "apply" ('appl':*).
    """
    split = _prefix_split(text)
    if split is None:
        return f"websearch_to_tsquery('{SEARCH_CONFIG}', %s)", [text]
    head, word = split
    (stem_sql, stem_params), (prefix_sql, prefix_params) = _last_word_tsqueries(word)
    return _and_head(head, f"({stem_sql} || {prefix_sql})", [*stem_params, *prefix_params])


def tsquery_alternatives(text: str) -> list[tuple[str, list[str]]]:
    """The two tsqueries whose OR is `tsquery_sql(text)` when its last word is also a prefix, else [].

    The last word as a stem, and as a prefix (each with the rest of the text). They mostly match
    the same rows ("semi" and 'semi':*), which the planner, taking OR branches as independent,
    cannot know: for a word in 27% of the rows it estimates the OR at 46%.
    """
    split = _prefix_split(text)
    if split is None:
        return []
    head, word = split
    return [_and_head(head, sql, params) for sql, params in _last_word_tsqueries(word)]


def _last_word_tsqueries(word: str) -> list[tuple[str, list[str]]]:
    """The last word as a stem, and as a prefix (the word as typed, not its stem): (SQL, params) each."""
    return [(f"to_tsquery('{SEARCH_CONFIG}', %s)", [word]), ("to_tsquery('simple', %s)", [f"{word.lower()}:*"])]


def _and_head(head: str, sql: str, params: list[str]) -> tuple[str, list[str]]:
    """The tsquery `sql` ANDed with the text before the last word (websearch semantics), when there is one."""
    if not head:
        return sql, params
    return f"(websearch_to_tsquery('{SEARCH_CONFIG}', %s) && {sql})", [head, *params]


def _prefix_split(text: str) -> tuple[str, str] | None:
    """(the text before the last word, the last word) when that word also matches as a prefix."""
    match = _LAST_WORD.search(text)
    if not match or text.count('"') % 2:
        return None
    head, word = text[: match.start(1)].rstrip(), match.group(1)
    if word.lower() == "or" or head.lower().endswith(" or") or head.lower() == "or":
        return None
    return head, word


def search_plan(qs: QuerySet, text: str, ordering: str | None) -> ListPlan:
    """The plan of a PostgreSQL search over the public rows `qs` (already filtered).

    Full text over the stored, weighted `search_vector` (name, SKU, brand, description) or an
    exact, case-insensitive SKU match. Without an explicit `ordering`: relevance (see the module
    docstring). When this finds nothing the caller tries `corrected_search`.
    """
    sql, params = tsquery_sql(text)
    fts = RawSQL(f"search_vector @@ {sql}", params, output_field=BooleanField())
    by_sku = Q(sku__iexact=text)
    matches = qs.filter(Q(fts) | by_sku)
    parts = tuple(
        qs.filter(Q(RawSQL(f"search_vector @@ {part_sql}", part_params, output_field=BooleanField())) | by_sku)
        for part_sql, part_params in tsquery_alternatives(text)
    )
    if ordering is not None:
        return ListPlan(ordering, ordered_segments(matches, ordering), matches, parts)
    sku_id = qs.filter(by_sku).values_list("id", flat=True).first()
    in_name = RawSQL(f"name_vector @@ {sql}", params, output_field=BooleanField())
    text_matches = qs.filter(fts).exclude(pk=sku_id) if sku_id else qs.filter(fts)
    return ListPlan(
        RELEVANCE,
        [
            Segment(qs.filter(pk=sku_id) if sku_id else qs.none(), ("-id",)),
            Segment(text_matches.filter(in_name), ("-created_at", "-id")),
            Segment(text_matches.filter(~Q(in_name)), ("-created_at", "-id")),
        ],
        matches,
        parts,
    )


def typo_budget(word: str) -> int:
    """How many typos a query word may carry (Meilisearch's and Typesense's defaults).

    None below 5 characters, one from 5 to 8, two from 9; a typo is an insertion, deletion,
    substitution or swap of two adjacent characters (optimal string alignment distance).
    """
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def corrected_search(text: str) -> str | None:
    """The search text with each word that no product name holds replaced by the nearest name word
    within its `typo_budget`, or None when no word can be corrected (the search then finds nothing).

    Words are runs of letters and digits, compared lower-cased; the rest of the text (websearch
    syntax) is kept. A word a name holds is kept, as is a word with no close enough name word (it
    may still match a description). Among candidates the nearest wins, then one with the same first
    letter, then the nearest length, then alphabetical order. PostgreSQL only: one indexed query on
    `core_search_word` (see migration 0007_search_words).
    """
    words = {w.lower() for w in _WORD.findall(text)}
    fixable = sorted(w for w in words if typo_budget(w) and len(w) <= _MAX_WORD)
    if not fixable:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(_CANDIDATE_SIMILARITY)])
        cursor.execute(_CANDIDATES_SQL, [fixable])
        candidates: dict[str, list[str]] = {}
        for query_word, word in cursor.fetchall():
            candidates.setdefault(query_word, []).append(word)
    corrections = {}
    for word in fixable:
        near = candidates.get(word, [])
        if word in near:
            continue
        budget = typo_budget(word)
        scored = [
            (OSA.distance(word, c, score_cutoff=budget), c[0] != word[0], abs(len(c) - len(word)), c) for c in near
        ]
        within = [item for item in scored if item[0] <= budget]
        if within:
            corrections[word] = min(within)[3]
    if not corrections:
        return None
    return _WORD.sub(lambda m: corrections.get(m.group(0).lower(), m.group(0)), text)


def rebuild_search_words() -> tuple[int, int]:
    """Make `core_search_word` exactly the words of the names of public products (PostgreSQL only).

    Triggers add the words of new and renamed products as they are written (migration
    0007_search_words) but never remove any; this drops the stale ones and adds any missing, in
    one transaction that readers do not wait for (a few seconds on a million products).

    Returns:
        (words added, words removed).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE fresh_search_word ON COMMIT DROP AS SELECT DISTINCT w AS word FROM core_product, "
            "regexp_split_to_table(lower(name), '[^[:alnum:]]+') AS w "
            f"WHERE length(w) BETWEEN 4 AND {_MAX_WORD} AND deleted_at IS NULL AND is_active"
        )
        cursor.execute(
            "DELETE FROM core_search_word AS s "
            "WHERE NOT EXISTS (SELECT 1 FROM fresh_search_word AS f WHERE f.word = s.word)"
        )
        removed = cursor.rowcount
        cursor.execute(
            "INSERT INTO core_search_word (word) "
            "SELECT word FROM fresh_search_word ORDER BY word ON CONFLICT DO NOTHING"
        )
        return cursor.rowcount, removed
