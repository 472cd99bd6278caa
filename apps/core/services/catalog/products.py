"""Products: public reads (lists through `ProductLister`, cached details) and staff writes with soft delete."""

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.exceptions import ConflictError, InvalidInputError, NotFoundError
from apps.core.infra.pagination import Page
from apps.core.infra.precompiled import PrecompiledQuery, run_together
from apps.core.infra.versioned_cache import CacheKey
from apps.core.models.base import MAX_ID
from apps.core.models.catalog import DETAIL_VISIBLE, Category, Product, ProductStatus, ProductVariant
from apps.core.services.accounts import has_staff_permission
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.catalog.images import PRODUCT_IMAGE_ROWS, images_from_rows, product_images
from apps.core.services.catalog.product_listing import ProductFilters, ProductLister
from apps.core.services.catalog.product_queries import ORDERINGS  # noqa: F401 - re-exported
from apps.core.services.catalog.slugs import unique_slug
from apps.core.services.catalog.variant_reads import PRODUCT_VARIANT_ROWS, product_variants, variants_from_rows
from apps.core.services.catalog.variants import VariantService

# Statuses `publish` moves to active.
PUBLISHABLE = (ProductStatus.DRAFT, ProductStatus.INACTIVE)

# The public detail read, compiled once per connection (see apps.core.infra.precompiled).
_PUBLIC_DETAIL: PrecompiledQuery[Product] = PrecompiledQuery(
    lambda pk: Product.objects.alive().filter(DETAIL_VISIBLE, pk=pk).select_related("category").order_by()
)


_UNSET = object()


@dataclass(frozen=True)
class ProductInput:
    """Validated fields of a product write; `_UNSET` fields are left unchanged (PATCH).

    `status` is a ProductStatus value; `is_active` (v1) is its shorthand: true means `active`,
    false `inactive`. Given together they must agree.
    """

    name: str | object = _UNSET
    slug: str | None | object = _UNSET
    sku: str | object = _UNSET
    description: str | object = _UNSET
    brand: str | object = _UNSET
    price: Decimal | object = _UNSET
    stock: int | object = _UNSET
    category: int | object = _UNSET
    is_active: bool | object = _UNSET
    status: str | object = _UNSET
    meta_title: str | object = _UNSET
    meta_description: str | object = _UNSET
    requires_shipping: bool | object = _UNSET

    @classmethod
    def from_mapping(cls, data: dict) -> "ProductInput":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ProductService:
    """Lists, reads and writes products; says which cached reads each read fills and each write changes.

    A product's `price` and `stock` are its variants' (lowest price, summed stock), denormalized
    by the variant service; writing them writes the product's only variant (v1 clients).

    Args:
        lister: builds list pages (and caches their counts).
        catalog_cache: keys and invalidation of the catalog's cached reads.
        variants: creates the default variant and writes a single variant's price and stock.
    """

    def __init__(self, lister: ProductLister, catalog_cache: CatalogCache, variants: VariantService) -> None:
        self._lister = lister
        self._catalog_cache = catalog_cache
        self._variants = variants

    # --- reads ---------------------------------------------------------------------------
    def list_page(
        self, filters: ProductFilters, *, page: int = 1, page_size: int, cursor: str | None = None
    ) -> Page[Product]:
        """One page of public products (active, not deleted) matching the filters.

        Two modes: page numbers (`page`, 1-based) or keyset (`cursor` not None: "" is the first
        page, else a token from a previous page's `next_cursor`/`previous_cursor`). Runs a constant
        number of queries whatever the page size or depth (2 to 6, see README "Performance").

        Returns:
            A Page; `extra["count_is_estimate"]` is True when `count` is the planner's estimate
            (more than PRODUCT_COUNT_EXACT_LIMIT matches).

        Raises:
            NotFoundError: the page is past the last one (page mode).
            InvalidInputError: the cursor is malformed, forged, or made for another ordering.
        """
        return self._lister.page(filters, page=page, page_size=page_size, cursor=cursor)

    @staticmethod
    def list_key(filters: ProductFilters, *, page: int = 1, page_size: int, cursor: str | None = None) -> CacheKey:
        """The cache key of `list_page(filters, ...)`: equal for requests that give the same page."""
        params = {**asdict(filters), "ordering": filters.effective_ordering}
        return CatalogCache.product_list_key(**params, page=page, page_size=page_size, cursor=cursor)

    @staticmethod
    def detail_key(product_id: int) -> CacheKey:
        """The cache key of the public detail of a product (`get(product_id)`)."""
        return CatalogCache.product_detail_key(product_id)

    @staticmethod
    def sees_unpublished(user) -> bool:
        """Whether `user` may read inactive products (those who may change products: catalog managers).

        Their reads never use the public cache.
        """
        return has_staff_permission(user, "core.change_product")

    def get(self, product_id: int, *, include_inactive: bool = False) -> Product:
        """Return a live product: for the public an active or discontinued one; any status when
        `include_inactive` (see `sees_unpublished`).

        The product carries `variant_data` (`ProductVariants`: its live variants and the options they
        offer) and `image_data` (`list[ImageView]`, by position), one more query each; for the public
        the three queries are compiled once per connection and sent in one round trip on PostgreSQL
        (`apps.core.infra.precompiled.run_together`).

        Raises:
            NotFoundError: no such live product (for the public: draft and inactive ones are absent).
        """
        if not 0 < product_id <= MAX_ID:
            raise NotFoundError(f"Product {product_id} does not exist.")
        if not include_inactive:  # the public detail: the three reads in one round trip
            product, variant_rows, image_rows = run_together(
                (_PUBLIC_DETAIL, (product_id,)),
                (PRODUCT_VARIANT_ROWS, (product_id,)),
                (PRODUCT_IMAGE_ROWS, (product_id,)),
            )
            if product is None:
                raise NotFoundError(f"Product {product_id} does not exist.")
            product.variant_data = variants_from_rows(variant_rows)
            product.image_data = images_from_rows(image_rows)
            return product
        product = self._base_queryset().filter(pk=product_id).first()
        if product is None:
            raise NotFoundError(f"Product {product_id} does not exist.")
        product.variant_data = product_variants(product.pk)
        product.image_data = product_images(product.pk)
        return product

    # --- writes --------------------------------------------------------------------------
    @transaction.atomic
    def create(self, data: ProductInput) -> Product:
        """Create a product and its default variant (the product's SKU, price and stock, no options).

        The slug is generated from the name when not given.

        Raises:
            InvalidInputError: unknown category (attr "category"), SKU (of a product or a variant) or
                slug already taken.
        """
        product = Product()
        self._apply(product, data, creating=True)
        return product

    @transaction.atomic
    def update(self, product_id: int, data: ProductInput) -> Product:
        """Change the given fields of a live product (admins; inactive ones included).

        `price` and `stock` write the product's only live variant (its stock moves the product's by
        delta, events included). With several live variants they are read-only: a different value is
        a 400 naming the field, the current value is accepted (a PUT echoing a read).

        Raises:
            NotFoundError: no live product has that id.
            InvalidInputError: unknown category, SKU or slug already taken; price or stock written on a
                product with several variants (code "read_only_with_variants").
        """
        if data.price is not _UNSET or data.stock is not _UNSET or data.sku is not _UNSET:
            self._variants.lock_for_product_write(product_id)  # the lock order: variants, then the product
        product = self._locked(self._base_queryset(), product_id)
        self._apply(product, data, creating=False)
        return product

    @transaction.atomic
    def publish(self, product_id: int) -> Product:
        """Make a draft or inactive product active (listed and for sale).

        Raises:
            NotFoundError: no live product has that id.
            ConflictError: the product is active or discontinued already (code "not_publishable").
        """
        product = self._locked(self._base_queryset(), product_id)
        if product.status not in PUBLISHABLE:
            raise ConflictError(
                f"Only a draft or inactive product can be published; this one is {product.status}.",
                code="not_publishable",
                attr="status",
            )
        product.status, product.is_active = ProductStatus.ACTIVE, True
        product.save(update_fields=["status", "is_active", "updated_at"])
        self._catalog_cache.products_changed()
        return product

    @transaction.atomic
    def soft_delete(self, product_id: int) -> None:
        """Hide a product from everyone but the admin site; it can be restored.

        Raises:
            NotFoundError: no live product has that id.
        """
        if not Product.objects.alive().filter(pk=product_id).update(deleted_at=timezone.now()):
            raise NotFoundError(f"Product {product_id} does not exist.")
        self._catalog_cache.products_changed()

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
            self._catalog_cache.products_changed()
        return product

    # --- query building ------------------------------------------------------------------
    def _base_queryset(self) -> QuerySet[Product]:
        return Product.objects.alive().select_related("category")

    @staticmethod
    def _locked(qs: QuerySet[Product], product_id: int) -> Product:
        try:
            return qs.select_for_update(of=("self",)).get(pk=product_id)
        except Product.DoesNotExist:
            raise NotFoundError(f"Product {product_id} does not exist.") from None

    def _apply(self, product: Product, data: ProductInput, *, creating: bool) -> None:
        old_sku = product.sku
        fields = ("name", "sku", "description", "brand", "meta_title", "meta_description", "requires_shipping")
        for name in fields + (("price", "stock") if creating else ()):
            value = getattr(data, name)
            if value is not _UNSET:
                setattr(product, name, value)
        status = resolve_status(data.status, data.is_active)
        if status is not None:  # else both stay as they are (bulk loaders may write is_active alone)
            product.status = status
            product.is_active = status == ProductStatus.ACTIVE
        if data.category is not _UNSET:
            category = Category.objects.alive().filter(pk=data.category).first()
            if category is None:
                raise InvalidInputError(
                    f"Category {data.category} does not exist.", code="does_not_exist", attr="category"
                )
            product.category = category
        if data.sku is not _UNSET and (
            Product.objects.filter(sku=data.sku).exclude(pk=product.pk).exists()
            or ProductVariant.objects.filter(sku=data.sku).exclude(product_id=product.pk).exists()
        ):
            raise InvalidInputError("A product or variant with this SKU already exists.", code="unique", attr="sku")
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
        if creating:
            self._variants.create_default(product)
        else:
            figures = {name: getattr(data, name) for name in ("price", "stock") if getattr(data, name) is not _UNSET}
            sku = data.sku if data.sku is not _UNSET and data.sku != old_sku else None
            if figures or sku:
                self._variants.write_product_figures(product, sku=sku, old_sku=old_sku, **figures)
        self._catalog_cache.products_changed()


def resolve_status(status: str | object, is_active: bool | object) -> str | None:
    """The status a write asks for: `status`, else the one `is_active` maps to; None when neither is given.

    Raises:
        InvalidInputError: both are given and disagree, e.g. status "draft" with is_active true
            (code "status_conflict", attr "is_active").
    """
    mapped = None
    if isinstance(is_active, bool):
        mapped = ProductStatus.ACTIVE if is_active else ProductStatus.INACTIVE
    if not isinstance(status, str):
        return mapped
    if mapped is not None and (status == ProductStatus.ACTIVE) != is_active:
        raise InvalidInputError(
            f"is_active {str(is_active).lower()} contradicts status {status!r}.",
            code="status_conflict",
            attr="is_active",
        )
    return status
