"""Products: filtered, searchable, cached listing; admin writes with soft delete and restore."""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.models import Category, Product
from apps.core.services.categories import descendant_ids
from apps.core.services.list_cache import CachedBody, ListCache
from apps.core.services.pagination import Page, paginate
from apps.core.services.slugs import unique_slug

ORDERINGS = ("price", "-price", "created_at", "-created_at", "name", "-name")
DEFAULT_ORDERING = "-created_at"
PRODUCT_NAMESPACES = ("products", "product")
SEARCH_CONFIG = "english"

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


def uses_postgres() -> bool:
    """True when the default database is PostgreSQL (full-text search, row locks)."""
    return connection.vendor == "postgresql"


class ProductService:
    """Lists, reads and writes products; owns their query building and cache invalidation.

    Args:
        list_cache: versioned response cache for public lists and details.
    """

    def __init__(self, list_cache: ListCache) -> None:
        self._list_cache = list_cache

    # --- reads ---------------------------------------------------------------------------
    def list_page(self, filters: ProductFilters, *, page: int, page_size: int) -> Page[Product]:
        """One page of public products (active, not deleted) matching the filters.

        Runs a constant number of queries whatever the page size: the category subtree (when
        filtering by category), the count, and the page with its categories joined.

        Raises:
            NotFoundError: the page is past the last one.
        """
        return paginate(self._filtered_queryset(filters), page=page, page_size=page_size)

    def cached_list(
        self,
        filters: ProductFilters,
        *,
        page: int,
        page_size: int,
        render: Callable[[Page[Product]], bytes],
        variant: str = "",
    ) -> CachedBody:
        """`list_page` rendered by `render`, served from the cache when the same query was rendered before.

        Args:
            variant: anything else the body depends on (the request's base URL for links).
        """
        params = {**asdict(filters), "page": page, "page_size": page_size, "variant": variant}
        if params["ordering"] is None and not filters.search:
            params["ordering"] = DEFAULT_ORDERING  # no ordering = the default: one cache key for both
        return self._list_cache.get_or_build(
            "products", params, lambda: render(self.list_page(filters, page=page, page_size=page_size))
        )

    def get(self, product_id: int, *, include_inactive: bool = False) -> Product:
        """Return a live product; inactive ones only when `include_inactive` (admins).

        Raises:
            NotFoundError: no such live (and, for the public, active) product.
        """
        qs = self._base_queryset()
        if not include_inactive:
            qs = qs.filter(is_active=True)
        try:
            return qs.get(pk=product_id)
        except Product.DoesNotExist:
            raise NotFoundError(f"Product {product_id} does not exist.") from None

    def cached_detail(self, product_id: int, *, render: Callable[[Product], bytes]) -> CachedBody:
        """The public detail body of a product, from the cache when present.

        Raises:
            NotFoundError: no such live, active product (nothing is cached).
        """
        return self._list_cache.get_or_build("product", {"id": product_id}, lambda: render(self.get(product_id)))

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
            NotFoundError: no product has that id, or its category was deleted meanwhile.
        """
        product = self._locked(Product.objects.select_related("category"), product_id)
        if product.category.deleted_at is not None:
            raise InvalidInputError(
                "The product's category was deleted; restore or change the category first.", attr="category"
            )
        if product.deleted_at is not None:
            product.deleted_at = None
            product.save(update_fields=["deleted_at", "updated_at"])
            self._list_cache.invalidate(*PRODUCT_NAMESPACES)
        return product

    # --- query building ------------------------------------------------------------------
    def _base_queryset(self) -> QuerySet[Product]:
        return Product.objects.alive().select_related("category")

    def _filtered_queryset(self, f: ProductFilters) -> QuerySet[Product]:
        qs = self._base_queryset().filter(is_active=True)
        if f.category is not None:
            qs = qs.filter(category_id__in=self._category_ids(f.category))
        if f.min_price is not None:
            qs = qs.filter(price__gte=f.min_price)
        if f.max_price is not None:
            qs = qs.filter(price__lte=f.max_price)
        if f.in_stock is not None:
            qs = qs.filter(stock__gt=0) if f.in_stock else qs.filter(stock=0)
        if f.search:
            qs = self._search(qs, f.search)
            if f.ordering is None:
                return (
                    qs.order_by(F("search_rank").desc(), "-id")
                    if uses_postgres()
                    else qs.order_by("-created_at", "-id")
                )
        ordering = f.ordering or DEFAULT_ORDERING
        return qs.order_by(ordering, f"{'-' if ordering.startswith('-') else ''}id")

    def _search(self, qs: QuerySet[Product], text: str) -> QuerySet[Product]:
        if not uses_postgres():
            return qs.filter(Q(name__icontains=text) | Q(description__icontains=text) | Q(sku__icontains=text))
        query = f"websearch_to_tsquery('{SEARCH_CONFIG}', %s)"
        return qs.filter(
            RawSQL(f"core_product.search_vector @@ {query}", [text], output_field=BooleanField())
        ).annotate(
            search_rank=RawSQL(f"ts_rank_cd(core_product.search_vector, {query})", [text], output_field=FloatField())
        )

    @staticmethod
    def _category_ids(value: str) -> list[int]:
        qs = Category.objects.alive()
        category_id = int(value) if value.isdigit() else qs.filter(slug=value).values_list("pk", flat=True).first()
        return descendant_ids(category_id) if category_id else []

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
