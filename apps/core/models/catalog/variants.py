"""Option types (size, color), their values, and product variants: the unit that is priced, stocked and sold.

A product has one or more variants; each has its own SKU (unique across the catalog), price and
stock. The product's `price` (lowest live variant price) and `stock` (sum of live variant stock)
are denormalized onto the product row by the variant service so list pages never aggregate
variants per request. `VariantOption` links a variant to one value per option type and repeats the
product id so option filters and facet counts read one index (`option_value`, `product`).
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from apps.core.models.base import SoftDeleteModel, TimeStampedModel
from apps.core.models.catalog.products import Product

LIVE_VARIANT = Q(deleted_at__isnull=True)


class OptionType(TimeStampedModel):
    """A dimension variants differ by, e.g. `size` or `color`; its `slug` is also a product-list parameter."""

    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class OptionValue(models.Model):
    """One value of an option type (`XL` of `size`), shown in `position` order (XS, S, M, L, XL, XXL)."""

    option_type = models.ForeignKey(OptionType, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(max_length=64)
    slug = models.SlugField(max_length=64)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("option_type", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=["option_type", "slug"], name="option_value_type_slug_unique"),
            models.UniqueConstraint(fields=["option_type", "value"], name="option_value_type_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.option_type_id}:{self.value}"


class ProductVariant(SoftDeleteModel):
    """A sellable version of a product: its own SKU, price (shop currency) and units in stock.

    `option_signature` is the variant's option value ids, sorted and joined (`"3.17"`, empty for a
    product without options); a partial unique index makes two live variants of one product with
    the same options impossible. `low_stock_threshold` null means the `LOW_STOCK_THRESHOLD` setting.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=64, unique=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)  # shop currency
    stock = models.PositiveIntegerField(default=0)
    is_default = models.BooleanField(default=False)
    low_stock_threshold = models.PositiveIntegerField(null=True, blank=True)
    option_signature = models.CharField(max_length=255, blank=True, default="")
    position = models.PositiveIntegerField(default=0)
    options = models.ManyToManyField(OptionValue, through="VariantOption", related_name="variants")

    class Meta:
        ordering = ("position", "id")
        indexes = [
            models.Index(fields=["product", "position", "id"], name="variant_product_idx", condition=LIVE_VARIANT),
            # The low-stock list: a range scan from the lowest stock up (see LowStockService).
            models.Index(fields=["stock", "id"], name="variant_low_stock_idx", condition=LIVE_VARIANT),
            # The largest own threshold in use, which bounds that range.
            models.Index(
                fields=["low_stock_threshold"],
                name="variant_threshold_idx",
                condition=LIVE_VARIANT & Q(low_stock_threshold__isnull=False),
            ),
            # the few soft-deleted variants: facets exclude their options with an anti-join on this
            models.Index(fields=["id"], name="variant_deleted_idx", condition=Q(deleted_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=Decimal("0")), name="variant_price_gte_0"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="variant_stock_gte_0"),
            models.UniqueConstraint(
                fields=["product", "option_signature"], condition=LIVE_VARIANT, name="variant_product_options_unique"
            ),
            models.UniqueConstraint(
                fields=["product"], condition=LIVE_VARIANT & Q(is_default=True), name="variant_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class VariantOption(models.Model):
    """The value a variant has for one option type; `product` repeats the variant's product for filters and facets."""

    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="option_links")
    option_type = models.ForeignKey(OptionType, on_delete=models.PROTECT, related_name="+")
    option_value = models.ForeignKey(OptionValue, on_delete=models.PROTECT, related_name="variant_links")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ("option_type", "id")
        indexes = [
            models.Index(fields=["option_value", "product"], name="variant_opt_value_product_idx"),
            # option facets: a product's option values and variants in an index-only scan
            models.Index(fields=["product"], include=["option_value", "variant"], name="variant_opt_product_cover_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["variant", "option_type"], name="variant_option_one_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}:{self.option_value_id}"
