"""Product variants: the unit that is priced, stocked and sold (public reads, staff writes).

Writes lock rows in the one lock order of every stock writer (see `inventory`): the variant rows
they touch in ascending id, then the product row; `Inventory` then moves the product's stock by
delta and recomputes its price, recording the stock and price events, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.exceptions import DuplicateVariantError, InvalidInputError, LastVariantError, NotFoundError
from apps.core.models.catalog import OptionType, OptionValue, Product, ProductVariant, VariantOption
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.catalog.inventory import Inventory
from apps.core.services.catalog.variant_reads import VariantView, product_variants

_UNSET = object()


@dataclass(frozen=True)
class VariantInput:
    """Validated fields of a variant write; `_UNSET` fields are left unchanged (PATCH).

    Attributes:
        price: Decimal, shop currency.
        options: `{option type slug: value}` (the value or its slug), e.g. {"size": "XL"}.
        low_stock_threshold: units; None means the LOW_STOCK_THRESHOLD setting.
    """

    sku: str | object = _UNSET
    price: Decimal | object = _UNSET
    stock: int | object = _UNSET
    options: dict | object = _UNSET
    is_default: bool | object = _UNSET
    low_stock_threshold: int | None | object = _UNSET
    position: int | object = _UNSET

    @classmethod
    def from_mapping(cls, data: dict) -> VariantInput:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def signature_of(value_ids) -> str:
    """A variant's `option_signature`: its option value ids sorted ascending, joined by "." ("" for none)."""
    return ".".join(str(pk) for pk in sorted(value_ids))


class VariantService:
    """Lists a product's variants and writes them (staff), keeping the product's price and stock right.

    Args:
        inventory: moves product stock by delta, recomputes price, records stock and price events.
        catalog_cache: product reads embed variants, so writes invalidate them.
    """

    def __init__(self, inventory: Inventory, catalog_cache: CatalogCache) -> None:
        self._inventory = inventory
        self._catalog_cache = catalog_cache

    # --- reads ---------------------------------------------------------------------------
    def list(self, product_id: int, *, include_inactive: bool = False) -> list[VariantView]:
        """The live variants of a live product (position order); inactive products only for staff.

        Raises:
            NotFoundError: no such live (for the public: active) product.
        """
        products = Product.objects.alive().filter(pk=product_id)
        if not include_inactive:
            products = products.filter(is_active=True)
        if not products.exists():
            raise NotFoundError(f"Product {product_id} does not exist.")
        return product_variants(product_id).variants

    # --- writes --------------------------------------------------------------------------
    @transaction.atomic
    def create(self, product_id: int, data: VariantInput) -> VariantView:
        """Add a variant to a live product; the product's stock grows by its stock, its price follows.

        Raises:
            NotFoundError: no live product has that id.
            InvalidInputError: SKU taken by any product or variant (attr "sku"), unknown option (attr "options").
            DuplicateVariantError: a live variant of the product has the same options (409).
        """
        if data.is_default is True:
            self._locked_variants(product_id)  # the current default changes too: variants before the product
        product = self._locked_product(product_id)
        values = self._resolve(data.options if data.options is not _UNSET else {})
        variant = ProductVariant(
            product=product,
            sku=data.sku,
            price=data.price,
            stock=0 if data.stock is _UNSET else data.stock,
            low_stock_threshold=None if data.low_stock_threshold is _UNSET else data.low_stock_threshold,
            position=0 if data.position is _UNSET else data.position,
            option_signature=signature_of(v.pk for v in values),
        )
        self._check_unique(variant)
        if data.is_default is True:
            ProductVariant.objects.alive().filter(product=product, is_default=True).update(is_default=False)
            variant.is_default = True
        self._save(variant)
        VariantOption.objects.bulk_create(
            VariantOption(variant=variant, option_type_id=v.option_type_id, option_value=v, product=product)
            for v in values
        )
        self._inventory.variant_added_or_removed(product.pk, variant.stock)
        self._catalog_cache.products_changed()
        return self._view(variant)

    @transaction.atomic
    def update(self, product_id: int, variant_id: int, data: VariantInput) -> VariantView:
        """Change the given fields of a live variant; product stock moves by the difference, price follows.

        Raises:
            NotFoundError: no live variant with that id on that live product.
            InvalidInputError: SKU taken (attr "sku"), unknown option (attr "options").
            DuplicateVariantError: another live variant of the product has the same options (409).
        """
        locked = self._locked_variants(product_id, only=None if data.is_default is True else variant_id)
        variant = next((v for v in locked if v.pk == variant_id), None)
        if variant is None:
            raise NotFoundError(f"Variant {variant_id} of product {product_id} does not exist.")
        self._locked_product(product_id)
        before_stock, before_price = variant.stock, variant.price
        for name in ("sku", "price", "stock", "low_stock_threshold", "position"):
            if getattr(data, name) is not _UNSET:
                setattr(variant, name, getattr(data, name))
        values = None
        if data.options is not _UNSET:
            values = self._resolve(data.options)
            variant.option_signature = signature_of(v.pk for v in values)
        self._check_unique(variant)
        if data.is_default is True and not variant.is_default:
            ProductVariant.objects.alive().filter(product_id=product_id, is_default=True).update(is_default=False)
            variant.is_default = True
        self._save(variant)
        if values is not None:
            VariantOption.objects.filter(variant=variant).delete()
            VariantOption.objects.bulk_create(
                VariantOption(variant=variant, option_type_id=v.option_type_id, option_value=v, product_id=product_id)
                for v in values
            )
        self._inventory.variant_stock_changed(variant, before_stock)
        if variant.price != before_price:
            self._inventory.refresh_price(product_id)
        self._catalog_cache.products_changed()
        return self._view(variant)

    @transaction.atomic
    def soft_delete(self, product_id: int, variant_id: int) -> None:
        """Retire a variant (its row stays for order history); its stock leaves the product's, price follows.

        A deleted default variant hands `is_default` to the first remaining one.

        Raises:
            NotFoundError: no live variant with that id on that live product.
            LastVariantError: it is the product's last live variant (409).
        """
        live = self._locked_variants(product_id)
        variant = next((v for v in live if v.pk == variant_id), None)
        if variant is None:
            raise NotFoundError(f"Variant {variant_id} of product {product_id} does not exist.")
        self._locked_product(product_id)
        if len(live) == 1:
            raise LastVariantError("A product keeps at least one variant; this is its last one.", attr=None)
        ProductVariant.objects.filter(pk=variant.pk).update(
            deleted_at=timezone.now(), is_default=False, updated_at=timezone.now()
        )
        if variant.is_default:
            heir = min((v for v in live if v.pk != variant.pk), key=lambda v: (v.position, v.pk))
            ProductVariant.objects.filter(pk=heir.pk).update(is_default=True)
        self._inventory.variant_added_or_removed(product_id, -variant.stock)
        self._catalog_cache.products_changed()

    # --- the product's own price and stock (v1 clients) ------------------------------------
    def create_default(self, product: Product) -> ProductVariant:
        """Give a new product its default variant: the product's SKU, price and stock (no options)."""
        variant = ProductVariant(product=product, sku=product.sku, price=product.price, stock=product.stock)
        variant.is_default = True
        self._check_unique(variant)
        self._save(variant)
        return variant

    def lock_for_product_write(self, product_id: int) -> None:
        """Lock a product's live variants (ascending id) before the product row is locked (the lock order)."""
        self._locked_variants(product_id)

    def write_product_figures(
        self, product: Product, *, price=_UNSET, stock=_UNSET, sku: str | None = None, old_sku: str = ""
    ) -> None:
        """A product write of `price`/`stock`/`sku`: it writes its only live variant's (caller holds the locks).

        A new product SKU is carried to the only variant when that variant had the old product SKU.
        With several live variants, a `price` or `stock` equal to the product's current one is
        accepted (a PUT echoing a read); a different one is refused.

        Raises:
            InvalidInputError: the product has several live variants and price or stock differs
                (attr "price" or "stock", code "read_only_with_variants").
        """
        live = list(ProductVariant.objects.alive().filter(product=product).order_by("id")[:2])
        if len(live) != 1:
            for name, value in (("price", price), ("stock", stock)):
                if value is not _UNSET and value != getattr(product, name):
                    raise InvalidInputError(
                        f"This product has several variants: its {name} comes from them; write the variants.",
                        code="read_only_with_variants",
                        attr=name,
                    )
            return
        variant_sku = sku if sku and live[0].sku == old_sku else _UNSET
        if price is _UNSET and stock is _UNSET and variant_sku is _UNSET:
            return
        self.update(product.pk, live[0].pk, VariantInput(price=price, stock=stock, sku=variant_sku))
        product.refresh_from_db(fields=["price", "stock", "updated_at"])

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _locked_variants(product_id: int, only: int | None = None) -> list[ProductVariant]:
        qs = ProductVariant.objects.alive().filter(product_id=product_id)
        if only is not None:
            qs = qs.filter(pk=only)
        return list(qs.select_for_update().order_by("id"))

    @staticmethod
    def _locked_product(product_id: int) -> Product:
        product = Product.objects.alive().select_for_update(of=("self",)).filter(pk=product_id).first()
        if product is None:
            raise NotFoundError(f"Product {product_id} does not exist.")
        return product

    @staticmethod
    def _resolve(options: dict) -> list[OptionValue]:
        """The option values named by `{type slug: value or value slug}`.

        Raises:
            InvalidInputError: an unknown option type or value (attr "options", code "unknown_option").
        """
        if not options:
            return []
        types = {t.slug: t for t in OptionType.objects.filter(slug__in=list(options))}
        values = []
        for slug, wanted in options.items():
            option_type = types.get(slug)
            found = None
            if option_type is not None:
                candidates = OptionValue.objects.filter(option_type=option_type)
                found = candidates.filter(value__iexact=wanted).first() or candidates.filter(slug=wanted).first()
            if found is None:
                raise InvalidInputError(
                    f"Unknown option {slug}={wanted}; add it with POST /api/option-types/.",
                    code="unknown_option",
                    attr="options",
                )
            values.append(found)
        return values

    @staticmethod
    def _check_unique(variant: ProductVariant) -> None:
        taken = ProductVariant.objects.filter(sku=variant.sku).exclude(pk=variant.pk).exists()
        taken = taken or Product.objects.filter(sku=variant.sku).exclude(pk=variant.product_id).exists()
        if taken:
            raise InvalidInputError("A product or variant with this SKU already exists.", code="unique", attr="sku")
        twins = ProductVariant.objects.alive().filter(
            product_id=variant.product_id, option_signature=variant.option_signature
        )
        if twins.exclude(pk=variant.pk).exists():
            raise DuplicateVariantError("Another variant of this product has the same options.", attr="options")

    @staticmethod
    def _save(variant: ProductVariant) -> None:
        try:
            with transaction.atomic():
                variant.save()
        except IntegrityError as exc:  # a concurrent write took the SKU or the options
            if "sku" in str(exc):
                raise InvalidInputError(
                    "A product or variant with this SKU already exists.", code="unique", attr="sku"
                ) from None
            raise DuplicateVariantError(
                "Another variant of this product has the same options.", attr="options"
            ) from None

    @staticmethod
    def _view(variant: ProductVariant) -> VariantView:
        return next(v for v in product_variants(variant.product_id).variants if v.id == variant.pk)
