"""Building one page of the public product list: filters, plan, bounded count, page or keyset fetch.

See README, "Performance": the rows of a page are found by an id-only query on a covering index
(a deferred join: deep OFFSETs walk the index, not the table), then loaded with their categories
in one query. Keyset pages (`cursor`) seek from the last row's sort key instead. The `count` is
exact up to `count_exact_limit` matches and the planner's estimate above it (flagged
`count_is_estimate`); it is cached per filter set under the product lists' namespace, so any
write to the catalog makes the next read recount.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, QuerySet

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.infra.pagination import Page, decode_cursor, encode_cursor, page_bounds
from apps.core.infra.versioned_cache import VersionedCache
from apps.core.models.catalog import Product
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.catalog.categories import descendant_ids, subtree_ids_by_slug
from apps.core.services.catalog.option_filters import OptionSelection, option_q
from apps.core.services.catalog.product_queries import (
    DEFAULT_ORDERING,
    Key,
    ListPlan,
    bounded_count,
    fetch_keyset,
    fetch_offset,
    list_rows,
    ordered_segments,
    parse_position,
    uses_postgres,
)
from apps.core.services.catalog.product_search import corrected_search, search_plan


@dataclass(frozen=True)
class ProductFilters:
    """Validated filters of the product list; None means "not filtered".

    Attributes:
        category: a category id (digits) or slug; includes its sub-categories.
        min_price / max_price: inclusive bounds, Decimal in the shop's currency.
        in_stock: True for stock > 0, False for stock == 0.
        search: keywords over name, description and SKU.
        ordering: one of ORDERINGS; None means relevance when searching, else "-created_at".
        options: option filters ((option type slug, (value, ...)), ...) from `option_filters.selection_from`:
            one live variant must have one of the values of every listed type.
        min_rating: products rated at least this (1-5); unrated products never match.
        status: staff only: ProductStatus values to list (any status among them) instead of the
            public's active products.
    """

    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    search: str | None = None
    ordering: str | None = None
    options: OptionSelection = ()
    min_rating: int | None = None
    status: tuple[str, ...] | None = None

    @property
    def effective_ordering(self) -> str | None:
        """The ordering the list uses: the default when none is given and nothing is searched."""
        return self.ordering if self.ordering is not None or self.search else DEFAULT_ORDERING


class CountedPlan(NamedTuple):
    """A list plan with the number of rows it matches."""

    plan: ListPlan
    count: int
    count_is_estimate: bool


class ProductLister:
    """Builds pages of public products (active, not deleted); used by `ProductService`.

    Args:
        cache: where counts are cached (under the product lists' namespace).
        count_exact_limit: up to how many matches a count is exact (PRODUCT_COUNT_EXACT_LIMIT).
    """

    def __init__(self, cache: VersionedCache, count_exact_limit: int) -> None:
        self._cache = cache
        self._count_exact_limit = count_exact_limit

    def page(self, filters: ProductFilters, *, page: int, page_size: int, cursor: str | None) -> Page[Product]:
        """See `ProductService.list_page`."""
        counted = self._plan_and_count(filters)
        extra = {"count_is_estimate": True} if counted.count_is_estimate else {}
        if cursor is not None:
            return self._cursor_page(counted, cursor, page_size, extra)
        offset = (page - 1) * page_size
        if not counted.count_is_estimate:
            page_bounds(counted.count, page=page, page_size=page_size)
        keys = fetch_offset(counted.plan.segments, offset, page_size + 1)
        if page > 1 and not keys:
            raise NotFoundError("Invalid page: that page contains no results.", code="invalid_page", attr="page")
        shown = keys[:page_size]
        return Page(
            items=self._load(shown),
            count=max(counted.count, offset + len(shown)) if counted.count_is_estimate else counted.count,
            number=page,
            size=page_size,
            more=len(keys) > page_size,
            extra=extra,
        )

    def matches(self, filters: ProductFilters) -> QuerySet[Product]:
        """Every public product the list with these filters shows, unordered (search included, no typo fallback)."""
        return self._plan(filters, self._public_queryset(filters)).matches

    def _public_queryset(self, f: ProductFilters) -> QuerySet[Product]:
        """Public rows matching every filter but the search, unordered, without joins."""
        qs = Product.objects.alive()
        # `is_active` for the active ones: the public lists' partial indexes are on it.
        qs = qs.filter(is_active=True) if f.status in (None, ("active",)) else qs.filter(status__in=f.status)
        if f.category is not None:
            qs = qs.filter(category_id__in=self._category_ids(f.category))
        if f.min_price is not None:
            qs = qs.filter(price__gte=f.min_price)
        if f.max_price is not None:
            qs = qs.filter(price__lte=f.max_price)
        if f.in_stock is not None:
            qs = qs.filter(stock__gt=0) if f.in_stock else qs.filter(stock=0)
        if f.min_rating is not None:
            qs = qs.filter(rating__gte=f.min_rating)
        if f.options:
            qs = qs.filter(option_q(f.options))
        return qs

    @staticmethod
    def _plan(f: ProductFilters, qs: QuerySet[Product]) -> ListPlan:
        """The ordered segments whose concatenation is the list (see `ListPlan`); `qs` is `_public_queryset(f)`."""
        if not f.search:
            ordering = f.effective_ordering
            return ListPlan(ordering, ordered_segments(qs, ordering), qs)
        if not uses_postgres():
            matches = qs.filter(
                Q(name__icontains=f.search) | Q(description__icontains=f.search) | Q(sku__icontains=f.search)
            )
            ordering = f.ordering or DEFAULT_ORDERING
            return ListPlan(ordering, ordered_segments(matches, ordering), matches)
        return search_plan(qs, f.search, f.ordering)

    def _plan_and_count(self, f: ProductFilters) -> CountedPlan:
        """The plan and its (cached) count; a search that finds nothing in full text is retried with its
        typos corrected (`corrected_search`), and finds nothing when there is nothing to correct."""
        public = self._public_queryset(f)
        plan = self._plan(f, public)

        def compute() -> tuple[int, bool, str | None]:
            """(count, is_estimate, the corrected search text when the typo fallback is used)."""
            count, estimated = bounded_count(plan.matches, plan.estimate_parts, limit=self._count_exact_limit)
            corrected = corrected_search(f.search) if count == 0 and f.search and uses_postgres() else None
            if corrected is not None:
                fallback = search_plan(public, corrected, f.ordering)
                return (
                    *bounded_count(fallback.matches, fallback.estimate_parts, limit=self._count_exact_limit),
                    corrected,
                )
            return count, estimated, None

        key = CatalogCache.product_list_key(**{**asdict(f), "ordering": None}, kind="count")  # any ordering
        count, estimated, corrected = self._cache.get_or_compute(key, compute)
        if isinstance(corrected, str):
            plan = search_plan(public, corrected, f.ordering)
        return CountedPlan(plan, count, estimated)

    def _cursor_page(self, counted: CountedPlan, token: str, page_size: int, extra: dict) -> Page[Product]:
        plan = counted.plan
        if token:
            position = decode_cursor(token)
            if position.get("ordering") != plan.ordering or position.get("direction") not in ("next", "previous"):
                raise InvalidInputError("The cursor belongs to another ordering.", code="invalid_cursor", attr="cursor")
            segment_index, values = parse_position(plan, position)
            forward = position["direction"] == "next"
        else:
            segment_index, values, forward = 0, None, True
        keys = fetch_keyset(plan.segments, segment_index, values, page_size + 1, forward=forward)
        more = len(keys) > page_size
        keys = keys[:page_size]
        if not forward:
            keys.reverse()
        has_next = more if forward else bool(token)
        has_previous = bool(token) if forward else more
        return Page(
            items=self._load(keys),
            count=counted.count,
            number=None,
            size=page_size,
            next_cursor=self._cursor(plan, "next", keys[-1]) if keys and has_next else None,
            previous_cursor=self._cursor(plan, "previous", keys[0]) if keys and has_previous else None,
            extra=extra,
        )

    @staticmethod
    def _cursor(plan: ListPlan, direction: str, key: Key) -> str:
        """A signed cursor: read `direction` ("next"/"previous") from `key`'s position in `plan`."""
        return encode_cursor(
            {"ordering": plan.ordering, "direction": direction, "segment": key.segment, "key": key.values}
        )

    @staticmethod
    def _load(keys: list[Key]) -> list[Product]:
        """The products of these keys in order; rows not loaded by the fetch come in one query."""
        missing = [k.id for k in keys if k.row is None]
        rows = list_rows().in_bulk(missing) if missing else {}
        return [k.row if k.row is not None else rows[k.id] for k in keys if k.row is not None or k.id in rows]

    @staticmethod
    def _category_ids(value: str) -> list[int]:
        """Ids of the live category `value` (id or slug) and its live descendants, in one query.

        Raises:
            InvalidInputError: no live category is `value` (code "does_not_exist", attr "category"):
                a typo must not look like an empty category.
        """
        ids = descendant_ids(int(value)) if value.isdigit() else subtree_ids_by_slug(value)
        if not ids:  # also an id beyond the bigint range
            raise InvalidInputError(f"Category {value!r} does not exist.", code="does_not_exist", attr="category")
        return ids
