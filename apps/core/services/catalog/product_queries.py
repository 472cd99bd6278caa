"""Query building for the product list: orderings, search plans, bounded counts, offset and keyset fetches.

A list is described by a `ListPlan`: one or more `Segment`s (a queryset and its sort key) whose
concatenation, in order, is the full result. A plain list is one segment ordered by
`(ordering, id)`. A search ordered by relevance is three segments: the exact-SKU match, products
whose name/SKU match every search term, then products that match only through the description
or brand; each ordered newest first. Every segment's order is a total order on an index, so a
page is an index range scan (page mode skips `offset` entries of that index; keyset mode seeks
to the last key) and only the page's ids leave the index: `ProductService._load` then reads those
rows with their categories.

Relevance is defined this way, rather than by `ts_rank_cd`, because a rank must be computed
for every matching row before the first page can be returned: ~280,000 rows for a common word
on a million products. Tiers keep the "name and SKU above description" weighting and stay index
ordered, with exact results (see README, "Performance"). The search plans themselves are built
in `product_search`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery

from apps.core.exceptions import InvalidInputError
from apps.core.models.catalog import Product, ProductImage

ORDERINGS = ("price", "-price", "created_at", "-created_at", "name", "-name", "rating", "-rating")
DEFAULT_ORDERING = "-created_at"
RELEVANCE = "relevance"

_FIELD_TYPES = {"created_at": "datetime", "price": "decimal", "name": "str", "id": "int", "rating": "decimal"}
NULLABLE_ORDERINGS = frozenset({"rating"})  # null values sort last in both directions


def uses_postgres() -> bool:
    """True when the default database is PostgreSQL (full-text search, typo tolerance, estimates)."""
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Segment:
    """A part of a list: `qs` (unordered public rows) sorted by `order` (e.g. ("-created_at", "-id"))."""

    qs: QuerySet
    order: tuple[str, ...]


@dataclass(frozen=True)
class ListPlan:
    """How to read one list.

    Attributes:
        ordering: the name cursors are bound to (an ORDERINGS value or RELEVANCE).
        segments: concatenated in order, they are the list.
        matches: every row of the list, unordered (what `count` counts).
        estimate_parts: querysets whose union is `matches`, for the count's estimate (see
            `bounded_count`); empty when `matches` is estimated as a whole.
    """

    ordering: str
    segments: list[Segment]
    matches: QuerySet
    estimate_parts: tuple[QuerySet, ...] = ()


@dataclass(frozen=True)
class Key:
    """A row's position in a plan: its segment, id and JSON-able sort-key values (in `order`'s order)."""

    segment: int
    id: int
    values: list
    row: Any = None  # the loaded Product, when the segment's query loaded it already


def order_fields(ordering: str) -> tuple[str, str]:
    """The total order of a public ordering: the field plus `id` in the same direction."""
    return ordering, "-id" if ordering.startswith("-") else "id"


def ordered_segments(qs: QuerySet, ordering: str) -> list[Segment]:
    """The segments listing `qs` in `ordering`: one, or for a nullable field (rating) the rows having a
    value in that order, then the rows without one, newest first (nulls last in both directions)."""
    field = ordering.lstrip("-")
    if field not in NULLABLE_ORDERINGS:
        return [Segment(qs, order_fields(ordering))]
    return [
        Segment(qs.filter(**{f"{field}__isnull": False}), order_fields(ordering)),
        Segment(qs.filter(**{f"{field}__isnull": True}), ("-id",)),
    ]


def bounded_count(matches: QuerySet, parts: Sequence[QuerySet] = (), *, limit: int) -> tuple[int, bool]:
    """(count, is_estimate) of `matches`, never a scan of every match.

    PostgreSQL: the planner's row estimate E comes first (EXPLAIN, no execution). When E is
    above twice `limit`, E is the answer (an estimate). Otherwise the rows are
    counted, stopping after limit + 1: at most `limit` is exact, more returns max(E, limit + 1),
    an estimate. Other databases (SQLite, small catalogs) always count exactly.

    Args:
        matches: the rows to count.
        limit: up to how many matches the count is exact (PRODUCT_COUNT_EXACT_LIMIT).
        parts: querysets whose union is `matches` and which mostly overlap (a search word as a
            stem and as a prefix); E is then the largest of their estimates, which the union
            cannot be below, instead of the planner's estimate of the OR, which adds them up.
    """
    ids = matches.order_by().values("id")
    if not uses_postgres():
        return ids.count(), False
    estimates = [row_estimate(qs.order_by().values("id")) for qs in parts or (matches,)]
    if None in estimates:  # e.g. category__in=[]: nothing can match and Django sends no query
        return 0, False
    estimate = max(estimates)
    if estimate > 2 * limit:
        return estimate, True
    counted = ids[: limit + 1].count()
    if counted <= limit:
        return counted, False
    return max(estimate, counted), True


def row_estimate(ids: QuerySet) -> int | None:
    """The planner's row estimate of a query (EXPLAIN, nothing run); None when nothing can match.

    PostgreSQL only.
    """
    try:
        statement = ids.query.sql_with_params()
    except EmptyResultSet:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*explained(statement))
        return planned_rows(cursor.fetchall())


def explained(statement: tuple[str, Sequence]) -> tuple[str, Sequence]:
    """`statement` (sql, params) as `EXPLAIN (FORMAT JSON)`: its plan, nothing run (PostgreSQL).

    The facets send several in one round trip; read each result with `planned_rows`.
    """
    sql, params = statement
    return f"EXPLAIN (FORMAT JSON) {sql}", params


def planned_rows(rows: Sequence[tuple]) -> int:
    """The planner's row estimate from the result rows of an `explained` statement (the json column comes decoded)."""
    return int(rows[0][0][0]["Plan"]["Plan Rows"])


def _key_values(row: Sequence[Any]) -> list:
    out = []
    for value in row:
        if isinstance(value, datetime):
            out.append(value.isoformat())
        elif isinstance(value, Decimal):
            out.append(str(value))
        else:
            out.append(value)
    return out


def list_rows() -> QuerySet:
    """Products with the category fields a list shows (id, name, slug) joined; nothing else of it.

    Skipping the category's timestamps and description saves parsing three datetimes per row.
    The main image's storage names come as `main_image_name`/`main_thumbnail_name` (subqueries on
    the one-main-image index: no query per row).
    """
    main = ProductImage.objects.filter(product=OuterRef("pk"), is_main=True)
    return (
        Product.objects.select_related("category")
        .annotate(
            main_image_name=Subquery(main.values("image")[:1]),
            main_thumbnail_name=Subquery(main.values("thumbnail")[:1]),
        )
        .defer(
            "deleted_at",
            "category__created_at",
            "category__updated_at",
            "category__deleted_at",
            "category__description",
            "category__parent",
        )
    )


def _fetch(segment: Segment, qs: QuerySet, order: Sequence[str], index: int, start: int, stop: int) -> list[Key]:
    """Rows start..stop-1 of `qs` sorted by `order`, as keys of segment `index` (one query).

    Plain segments load the page's rows with their categories in the same statement, through a
    deferred join: `WHERE id IN (SELECT id ... ORDER BY ... LIMIT/OFFSET)`, whose inner part is
    an index-only range scan. Annotated segments (computed sort keys) return ids and keys; the
    caller loads their rows.
    """
    fields = [f.lstrip("-") for f in segment.order]
    if qs.query.annotations:
        rows = qs.order_by(*order).values_list("id", *fields)[start:stop]
        return [Key(index, row[0], _key_values(row[1:])) for row in rows]
    ids = qs.order_by(*order).values("id")[start:stop]
    products = list_rows().filter(pk__in=ids).order_by(*order)
    return [Key(index, p.pk, _key_values([getattr(p, f) for f in fields]), p) for p in products]


def fetch_offset(segments: Sequence[Segment], offset: int, limit: int) -> list[Key]:
    """Up to `limit` keys starting `offset` rows into the concatenated segments (one query per segment touched)."""
    keys: list[Key] = []
    skip = offset
    for index, segment in enumerate(segments):
        need = limit - len(keys)
        if need <= 0:
            break
        found = _fetch(segment, segment.qs, segment.order, index, skip, skip + need)
        if found:
            keys += found
            skip = 0
        elif skip:
            skip -= segment.qs.order_by().values("id")[:skip].count()  # the whole segment lies before
    return keys


def _seek(order: Sequence[str], values: Sequence[Any], forward: bool) -> Q:
    """Rows strictly after (forward) or before the key `values` in `order` (one or two fields)."""

    def op(name: str, strict: bool) -> str:
        ascending = not name.startswith("-")
        greater = ascending == forward
        return f"{name.lstrip('-')}__{'g' if greater else 'l'}{'t' if strict else 'te'}"

    if len(order) == 1:
        return Q(**{op(order[0], True): values[0]})
    first, tie = order
    return Q(**{op(first, False): values[0]}) & (Q(**{op(first, True): values[0]}) | Q(**{op(tie, True): values[1]}))


def _reverse(order: Sequence[str]) -> tuple[str, ...]:
    return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in order)


def fetch_keyset(
    segments: Sequence[Segment], segment: int, values: list | None, limit: int, *, forward: bool
) -> list[Key]:
    """Up to `limit` keys after (forward) or before the position (segment, values); None values: the start.

    Backward results come nearest-first (the caller reverses them).
    """
    keys: list[Key] = []
    indexes = range(segment, len(segments)) if forward else range(segment, -1, -1)
    for index in indexes:
        need = limit - len(keys)
        if need <= 0:
            break
        current = segments[index]
        qs = current.qs
        if values is not None and index == segment:
            qs = qs.filter(_seek(current.order, values, forward))
        order = current.order if forward else _reverse(current.order)
        keys += _fetch(current, qs, order, index, 0, need)
    return keys


def parse_position(plan: ListPlan, payload: dict) -> tuple[int, list]:
    """(segment index, typed key values) of a decoded cursor payload.

    Raises:
        InvalidInputError: the payload does not fit the plan (code "invalid_cursor", attr "cursor").
    """
    index, raw = payload.get("segment"), payload.get("key")
    invalid = InvalidInputError("Invalid cursor.", code="invalid_cursor", attr="cursor")
    if not isinstance(index, int) or not 0 <= index < len(plan.segments) or not isinstance(raw, list):
        raise invalid
    order = plan.segments[index].order
    if len(raw) != len(order):
        raise invalid
    values = []
    for name, value in zip(order, raw, strict=True):
        kind = _FIELD_TYPES.get(name.lstrip("-"))
        try:
            if kind == "datetime":
                parsed = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError(value)
            elif kind == "decimal":
                parsed = Decimal(value)
                if not parsed.is_finite():
                    raise ValueError(value)
            elif kind == "int":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(value)
                parsed = value
            elif kind == "str" and isinstance(value, str):
                parsed = value
            else:
                raise ValueError(value)
        except (TypeError, ValueError, InvalidOperation):
            raise invalid from None
        values.append(parsed)
    return index, values
