"""Products: filtered, searchable, cached listing; admin writes with soft delete and restore."""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.infra.pagination import Page, decode_cursor, encode_cursor, page_bounds
from apps.core.infra.precompiled import PrecompiledQuery
from apps.core.infra.response_cache import CachedBody, ListCache, Probe
from apps.core.models.catalog import Category, Product
from apps.core.services.catalog.categories import descendant_ids, subtree_ids_by_slug
from apps.core.services.catalog.product_queries import (  # noqa: F401 - ORDERINGS, uses_postgres are re-exported
    DEFAULT_ORDERING,
    ORDERINGS,
    Key,
    ListPlan,
    Segment,
    bounded_count,
    fetch_keyset,
    fetch_offset,
    list_rows,
    order_fields,
    parse_position,
    search_plan,
    set_trigram_threshold,
    trigram_plan,
    uses_postgres,
)
from apps.core.services.catalog.slugs import unique_slug

PRODUCT_NAMESPACES = ("products", "product")
MAX_PRODUCT_ID = 2**63 - 1  # the primary key is a bigint

# The public detail read, compiled once per connection (see apps.core.infra.precompiled).
_PUBLIC_DETAIL: PrecompiledQuery[Product] = PrecompiledQuery(
    lambda pk: Product.objects.alive().filter(is_active=True, pk=pk).select_related("category").order_by(),
    -7_770_001,
)


_UNSET = object()


@dataclass(frozen=True)
class ProductFilters:
    """Validated filters of the product list; None means "not filtered".

    Attributes:
        category: a category id (digits) or slug; includes its sub-categories.
        min_price / max_price: inclusive bounds, Decimal in the shop's currency.
        in_stock: True for stock > 0, False for stock == 0.
        search: keywords over name, description and SKU.
        ordering: one of ORDERINGS; None means relevance when searching, else "-created_at".
    """

    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    search: str | None = None
    ordering: str | None = None


@dataclass(frozen=True)
class ProductInput:
    """Validated fields of a product write; `_UNSET` fields are left unchanged (PATCH)."""

    name: str | object = _UNSET
    slug: str | None | object = _UNSET
    sku: str | object = _UNSET
    description: str | object = _UNSET
    brand: str | object = _UNSET
    price: Decimal | object = _UNSET
    stock: int | object = _UNSET
    category: int | object = _UNSET
    is_active: bool | object = _UNSET

    @classmethod
    def from_mapping(cls, data: dict) -> "ProductInput":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ProductService:
    """Lists, reads and writes products; owns their query building and cache invalidation.

    Listing (see README, "Performance"): the rows of a page are found by an id-only query on a
    covering index (a deferred join: deep OFFSETs walk the index, not the table), then loaded
    with their categories in one query. Keyset pages (`cursor`) seek from the last row's sort
    key instead. The `count` is exact up to `PRODUCT_COUNT_EXACT_LIMIT` matches and the planner's
    estimate above it (flagged `count_is_estimate`); it is cached per filter set under the same
    versioned invalidation as the pages, so any write makes the next read recount.

    Args:
        list_cache: versioned response cache for public lists and details.
    """

    def __init__(self, list_cache: ListCache) -> None:
        self._list_cache = list_cache

    # --- reads ---------------------------------------------------------------------------
    def list_page(
        self,
        filters: ProductFilters,
        *,
        page: int = 1,
        page_size: int,
        cursor: str | None = None,
        cache_count: bool = False,
    ) -> Page[Product]:
        """One page of public products (active, not deleted) matching the filters.

        Two modes: page numbers (`page`, 1-based) or keyset (`cursor` not None: "" is the first
        page, else a token from a previous page's `next_cursor`/`previous_cursor`). Runs a constant
        number of queries whatever the page size or depth (2 to 6, see README "Performance").
        `cache_count` reuses the count of the same filters from the list cache (`cached_list` does;
        it is invalidated with the pages, so it is never stale after a committed write).

        Returns:
            A Page; `extra["count_is_estimate"]` is True when `count` is the planner's estimate
            (more than PRODUCT_COUNT_EXACT_LIMIT matches).

        Raises:
            NotFoundError: the page is past the last one (page mode).
            InvalidInputError: the cursor is malformed, forged, or made for another ordering.
        """
        plan, count, estimated = self._plan_and_count(filters, cache_count=cache_count)
        extra = {"count_is_estimate": True} if estimated else {}
        if cursor is not None:
            return self._cursor_page(plan, cursor, page_size, count, extra)
        offset = (page - 1) * page_size
        if not estimated:
            page_bounds(count, page=page, page_size=page_size)
        keys = fetch_offset(plan.segments, offset, page_size + 1)
        if page > 1 and not keys:
            raise NotFoundError("Invalid page: that page contains no results.", code="invalid_page", attr="page")
        items = self._load(keys[:page_size])
        return Page(
            items=items,
            count=max(count, offset + len(keys[:page_size])) if estimated else count,
            number=page,
            size=page_size,
            more=len(keys) > page_size,
            extra=extra,
        )

    def cached_list(
        self,
        filters: ProductFilters,
        *,
        page: int,
        page_size: int,
        render: Callable[[Page[Product]], bytes],
        variant: str = "",
        cursor: str | None = None,
        alias: Mapping[str, Any] | None = None,
    ) -> CachedBody:
        """`list_page` rendered by `render`, served from the cache when the same query was rendered before.

        Args:
            variant: anything else the body depends on (the request's base URL for links).
            alias: another key for the same body (the raw request URL), read back by `peek_list`.
        """
        params = {**asdict(filters), "page": page, "page_size": page_size, "variant": variant, "cursor": cursor}
        if params["ordering"] is None and not filters.search:
            params["ordering"] = DEFAULT_ORDERING  # no ordering = the default: one cache key for both
        return self._list_cache.get_or_build(
            "products",
            params,
            lambda: render(self.list_page(filters, page=page, page_size=page_size, cursor=cursor, cache_count=True)),
            aliases=[alias] if alias else (),
        )

    def peek_list(self, alias: Mapping[str, Any]) -> CachedBody | None:
        """A list body cached under `alias` by `cached_list` and still current, else None (one cache read)."""
        return self._list_cache.peek("products", alias)

    def probe_detail(self, product_id: int) -> Probe:
        """Look the public detail of a product up in the cache (one round trip, nothing built).

        Returns:
            A Probe: `hit` is the cached body when current; on a miss, pass the probe to
            `cached_detail` in the same request so it does not look up again.
        """
        return self._list_cache.probe("product", {"id": product_id})

    def get(self, product_id: int, *, include_inactive: bool = False) -> Product:
        """Return a live product; inactive ones only when `include_inactive` (admins).

        Raises:
            NotFoundError: no such live (and, for the public, active) product.
        """
        if not 0 < product_id <= MAX_PRODUCT_ID:
            product = None
        elif not include_inactive:
            product = _PUBLIC_DETAIL.first(product_id)
        else:
            product = self._base_queryset().filter(pk=product_id).first()
        if product is None:
            raise NotFoundError(f"Product {product_id} does not exist.")
        return product

    def cached_detail(
        self, product_id: int, *, render: Callable[[Product], bytes], probe: Probe | None = None
    ) -> CachedBody:
        """The public detail body of a product, from the cache when present.

        Args:
            render: turns the product into the response body (bytes).
            probe: this request's `probe_detail(product_id)`, which then stands for the cache lookup.

        Raises:
            NotFoundError: no such live, active product (nothing is cached).
        """
        return self._list_cache.get_or_build(
            "product", {"id": product_id}, lambda: render(self.get(product_id)), probe=probe
        )

    # --- writes --------------------------------------------------------------------------
    @transaction.atomic
    def create(self, data: ProductInput) -> Product:
        """Create a product; the slug is generated from the name when not given.

        Raises:
            InvalidInputError: unknown category (attr "category"), SKU or slug already taken.
        """
        product = Product()
        self._apply(product, data, creating=True)
        return product

    @transaction.atomic
    def update(self, product_id: int, data: ProductInput) -> Product:
        """Change the given fields of a live product (admins; inactive ones included).

        Raises:
            NotFoundError: no live product has that id.
            InvalidInputError: unknown category, SKU or slug already taken.
        """
        product = self._locked(self._base_queryset(), product_id)
        self._apply(product, data, creating=False)
        return product

    @transaction.atomic
    def soft_delete(self, product_id: int) -> None:
        """Hide a product from everyone but the admin site; it can be restored.

        Raises:
            NotFoundError: no live product has that id.
        """
        if not Product.objects.alive().filter(pk=product_id).update(deleted_at=timezone.now()):
            raise NotFoundError(f"Product {product_id} does not exist.")
        self._list_cache.invalidate(*PRODUCT_NAMESPACES)

    @transaction.atomic
    def restore(self, product_id: int) -> Product:
        """Bring a soft-deleted product back; restoring a live one is a no-op.

        Raises:
            NotFoundError: no product has that id.
            InvalidInputError: its category was deleted meanwhile (code "category_deleted", attr
                "category"); nothing changed.
        """
        product = self._locked(Product.objects.select_related("category"), product_id)
        if product.category.deleted_at is not None:
            raise InvalidInputError(
                "The product's category was deleted; restore or change the category first.",
                code="category_deleted",
                attr="category",
            )
        if product.deleted_at is not None:
            product.deleted_at = None
            product.save(update_fields=["deleted_at", "updated_at"])
            self._list_cache.invalidate(*PRODUCT_NAMESPACES)
        return product

    # --- query building ------------------------------------------------------------------
    def _base_queryset(self) -> QuerySet[Product]:
        return Product.objects.alive().select_related("category")

    def _public_queryset(self, f: ProductFilters) -> QuerySet[Product]:
        """Public rows matching every filter but the search, unordered, without joins."""
        qs = Product.objects.alive().filter(is_active=True)
        if f.category is not None:
            qs = qs.filter(category_id__in=self._category_ids(f.category))
        if f.min_price is not None:
            qs = qs.filter(price__gte=f.min_price)
        if f.max_price is not None:
            qs = qs.filter(price__lte=f.max_price)
        if f.in_stock is not None:
            qs = qs.filter(stock__gt=0) if f.in_stock else qs.filter(stock=0)
        return qs

    @staticmethod
    def _plan(f: ProductFilters, qs: QuerySet[Product]) -> ListPlan:
        """The ordered segments whose concatenation is the list (see `ListPlan`); `qs` is `_public_queryset(f)`."""
        if not f.search:
            ordering = f.ordering or DEFAULT_ORDERING
            return ListPlan(ordering, [Segment(qs, order_fields(ordering))], qs)
        if not uses_postgres():
            matches = qs.filter(
                Q(name__icontains=f.search) | Q(description__icontains=f.search) | Q(sku__icontains=f.search)
            )
            ordering = f.ordering or DEFAULT_ORDERING
            return ListPlan(ordering, [Segment(matches, order_fields(ordering))], matches)
        return search_plan(qs, f.search, f.ordering)

    def _plan_and_count(self, f: ProductFilters, *, cache_count: bool) -> tuple[ListPlan, int, bool]:
        """(plan, count, is_estimate); a search that finds nothing in full text falls back to trigrams."""
        public = self._public_queryset(f)
        plan = self._plan(f, public)

        def compute() -> tuple[int, bool, bool]:
            count, estimated = bounded_count(plan.matches, plan.estimate_parts)
            if count == 0 and f.search and uses_postgres():
                set_trigram_threshold()
                return (*bounded_count(trigram_plan(public, f.search, f.ordering).matches), True)
            return count, estimated, False

        if cache_count:
            params = {**asdict(f), "ordering": None, "kind": "count"}
            count, estimated, fallback = self._list_cache.get_or_compute("products", params, compute)
        else:
            count, estimated, fallback = compute()
        if fallback:
            set_trigram_threshold()
            plan = trigram_plan(public, f.search, f.ordering)
        return plan, count, estimated

    def _cursor_page(self, plan: ListPlan, token: str, page_size: int, count: int, extra: dict) -> Page[Product]:
        if token:
            position = decode_cursor(token)
            if position.get("o") != plan.ordering or position.get("d") not in ("n", "p"):
                raise InvalidInputError("The cursor belongs to another ordering.", code="invalid_cursor", attr="cursor")
            segment_index, values = parse_position(plan, position)
            forward = position["d"] == "n"
        else:
            segment_index, values, forward = 0, None, True
        keys = fetch_keyset(plan.segments, segment_index, values, page_size + 1, forward=forward)
        more = len(keys) > page_size
        keys = keys[:page_size]
        if not forward:
            keys.reverse()
        has_next = more if forward else bool(token)
        has_previous = bool(token) if forward else more
        next_cursor = previous_cursor = None
        if keys and has_next:
            next_cursor = encode_cursor({"o": plan.ordering, "d": "n", "s": keys[-1].segment, "k": keys[-1].values})
        if keys and has_previous:
            previous_cursor = encode_cursor({"o": plan.ordering, "d": "p", "s": keys[0].segment, "k": keys[0].values})
        return Page(
            items=self._load(keys),
            count=count,
            number=None,
            size=page_size,
            next_cursor=next_cursor,
            previous_cursor=previous_cursor,
            extra=extra,
        )

    def _load(self, keys: list[Key]) -> list[Product]:
        """The products of these keys in order; rows not loaded by the fetch come in one query."""
        missing = [k.id for k in keys if k.row is None]
        rows = list_rows().in_bulk(missing) if missing else {}
        return [k.row if k.row is not None else rows[k.id] for k in keys if k.row is not None or k.id in rows]

    @staticmethod
    def _category_ids(value: str) -> list[int]:
        """Ids of the live category `value` (id or slug) and its live descendants, in one query."""
        if value.isdigit():
            return descendant_ids(int(value))  # [] for an id beyond the bigint range
        return subtree_ids_by_slug(value)

    @staticmethod
    def _locked(qs: QuerySet[Product], product_id: int) -> Product:
        try:
            return qs.select_for_update(of=("self",)).get(pk=product_id)
        except Product.DoesNotExist:
            raise NotFoundError(f"Product {product_id} does not exist.") from None

    def _apply(self, product: Product, data: ProductInput, *, creating: bool) -> None:
        for name in ("name", "sku", "description", "brand", "price", "stock", "is_active"):
            value = getattr(data, name)
            if value is not _UNSET:
                setattr(product, name, value)
        if data.category is not _UNSET:
            category = Category.objects.alive().filter(pk=data.category).first()
            if category is None:
                raise InvalidInputError(
                    f"Category {data.category} does not exist.", code="does_not_exist", attr="category"
                )
            product.category = category
        if data.sku is not _UNSET and Product.objects.filter(sku=data.sku).exclude(pk=product.pk).exists():
            raise InvalidInputError("A product with this SKU already exists.", code="unique", attr="sku")
        if data.slug is not _UNSET and data.slug:
            if Product.objects.filter(slug=data.slug).exclude(pk=product.pk).exists():
                raise InvalidInputError("A product with this slug already exists.", code="unique", attr="slug")
            product.slug = data.slug
        elif creating or data.slug is None:
            product.slug = unique_slug(Product, product.name, max_length=280, exclude_pk=product.pk)
        try:
            with transaction.atomic():
                product.save()
        except IntegrityError as exc:
            attr = "sku" if "sku" in str(exc) else "slug"
            raise InvalidInputError(f"A product with this {attr} already exists.", code="unique", attr=attr) from None
        self._list_cache.invalidate(*PRODUCT_NAMESPACES)
