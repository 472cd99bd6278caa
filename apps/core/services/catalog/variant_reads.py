"""Reads of variants as clients see them: option maps, a product's variants in one query, cart/checkout snapshots.

A variant's `options` is a dict `{option type slug: value}` (`{"size": "XL", "color": "black"}`),
keys in option type name order. A product's `options` is `{option type slug: [values]}`: the values
its live variants offer, in the option values' `position` order.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from apps.core.infra.precompiled import PrecompiledRows
from apps.core.models.catalog import ProductVariant, VariantOption


@dataclass
class VariantView:
    """A live variant as the variants list and the product detail show it.

    Attributes:
        price: Decimal, shop currency.
        options: `{option type slug: value}`.
        low_stock_threshold: the variant's own threshold, None when the LOW_STOCK_THRESHOLD setting applies.
    """

    id: int
    sku: str
    price: Decimal
    stock: int
    is_default: bool
    low_stock_threshold: int | None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


def option_links(prefix: str = "") -> Prefetch:
    """A prefetch of `<prefix>option_links` with their types and values (one query for many variants).

    Args:
        prefix: the path to the variant from the queried model, e.g. "variant__" for cart lines.
    """
    links = VariantOption.objects.select_related("option_type", "option_value")
    return Prefetch(f"{prefix}option_links", queryset=links)


def option_map(variant: ProductVariant) -> dict[str, str]:
    """`{option type slug: value}` of a variant whose options were read with it: attached by
    `attach_option_maps`, or its `option_links` prefetched (see `option_links`)."""
    attached = variant.__dict__.get(_ATTACHED)
    if attached is not None:
        return dict(attached)
    links = sorted(variant.option_links.all(), key=lambda link: (link.option_type.name, link.option_type_id))
    return {link.option_type.slug: link.option_value.value for link in links}


_ATTACHED = "_option_map"


def attach_option_maps(variants: list[ProductVariant], rows: list[tuple]) -> None:
    """Give each variant its `{option type slug: value}` for `option_map`, from rows read in one query.

    Args:
        variants: the variants (repeats allowed); those without rows get `{}`.
        rows: `(variant_id, option type name, option type id, option type slug, value)` tuples, any order.
    """
    found: dict[int, list[tuple]] = {}
    for variant_id, type_name, type_id, slug, value in rows:
        found.setdefault(variant_id, []).append(((type_name, type_id), slug, value))
    for variant in variants:
        links = sorted(found.get(variant.pk, ()))
        variant.__dict__[_ATTACHED] = {slug: value for _, slug, value in links}


def with_options(qs: QuerySet[ProductVariant]) -> QuerySet[ProductVariant]:
    """`qs` with each variant's options prefetched, ready for `option_map`."""
    return qs.prefetch_related(option_links())


@dataclass(frozen=True)
class ProductVariants:
    """A product's live variants and the options they offer.

    Attributes:
        variants: position, then id order.
        options: `{option type slug: [values]}`, values in their `position` order.
    """

    variants: list[VariantView]
    options: dict[str, list[str]]


# A product's live variants joined with their options (a row per option, one row for a variant without),
# compiled once per connection (see apps.core.infra.precompiled).
PRODUCT_VARIANT_ROWS = PrecompiledRows(
    lambda product_id: (
        ProductVariant.objects.filter(product_id=product_id, deleted_at__isnull=True)
        .order_by("position", "id", "option_links__option_type__name", "option_links__option_type_id")
        .values_list(
            "id",
            "sku",
            "price",
            "stock",
            "is_default",
            "low_stock_threshold",
            "option_links__option_type__slug",
            "option_links__option_value__value",
            "option_links__option_value__position",
        )
    )
)


def product_variants(product_id: int) -> ProductVariants:
    """The live variants of a product with their options, in ONE query.

    A LEFT JOIN of the variants with their option links, types and values, folded in Python; no
    ORM instances are built and the SQL is compiled once per connection (the product detail's
    budget is a few milliseconds).
    """
    return variants_from_rows(PRODUCT_VARIANT_ROWS.all(product_id))


def variants_from_rows(rows: list[tuple]) -> ProductVariants:
    """`product_variants`' answer from the rows of `PRODUCT_VARIANT_ROWS` (run with others, see `run_together`)."""
    views: dict[int, VariantView] = {}
    offered: dict[str, dict[str, int]] = {}
    for vid, sku, price, stock, is_default, threshold, type_slug, value, position in rows:
        view = views.get(vid)
        if view is None:
            view = views[vid] = VariantView(vid, sku, price, stock, is_default, threshold)
        if type_slug is not None:
            view.options[type_slug] = value
            offered.setdefault(type_slug, {})[value] = position
    options = {
        type_slug: sorted(values, key=lambda v, by=values: (by[v], v))  # type: ignore[misc]
        for type_slug, values in offered.items()
    }
    return ProductVariants(list(views.values()), options)
