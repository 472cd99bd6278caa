"""Search plans of the product list: full text (websearch syntax, prefix on the last word) and typo tolerance.

`search_plan` builds the relevance tiers described in `product_queries` from the stored
`search_vector`/`name_vector` columns; `trigram_plan` is the fallback used when full text finds
nothing. PostgreSQL only: SQLite searches with a plain case-insensitive contains.
"""

import re

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from apps.core.services.catalog.product_queries import RELEVANCE, SIMILARITY, ListPlan, Segment, order_fields

SEARCH_CONFIG = "english"

_LAST_WORD = re.compile(r"(?:^|\s)([0-9A-Za-z]+)$")


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
    docstring). When this finds nothing the caller switches to `trigram_plan`.
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
        return ListPlan(ordering, [Segment(matches, order_fields(ordering))], matches, parts)
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


def trigram_plan(qs: QuerySet, text: str, ordering: str | None) -> ListPlan:
    """Names within a typo or so of the text: pg_trgm `<%` (word_similarity at least
    SEARCH_TRIGRAM_THRESHOLD, see `set_trigram_threshold`) on the GIN trigram index of lower(name)."""
    lowered = text.lower()
    near = RawSQL("%s <%% lower(name)", [lowered], output_field=BooleanField())
    similarity = RawSQL("word_similarity(%s, lower(name))", [lowered], output_field=FloatField())
    matches = qs.filter(near).annotate(similarity=similarity)
    if ordering is not None:
        return ListPlan(ordering, [Segment(matches, order_fields(ordering))], matches)
    return ListPlan(SIMILARITY, [Segment(matches, ("-similarity", "-id"))], matches)


def set_trigram_threshold() -> None:
    """Set pg_trgm's word_similarity_threshold (the `<%` operator) to SEARCH_TRIGRAM_THRESHOLD.

    Session-level on the current connection: only the typo fallback uses `<%`, and setting it
    inside a transaction instead would cost three extra statements on every list request.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
            [str(settings.SEARCH_TRIGRAM_THRESHOLD)],
        )
