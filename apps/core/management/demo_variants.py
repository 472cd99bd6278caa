"""Demo variants and statuses: sizes for clothes and shoes, colours where the data suggests them.

Runs after the demo catalog is loaded (`load_demo`) and, like it, only inserts: a product is
given variants only while it still has its single default variant without options (as the
catalog load made it), so a second run, a sale or an admin edit is never undone.

Each variant gets its own SKU (the product's SKU and a suffix, e.g. `MEN-SHI-001-XL`), price
and stock (the product's stock spread over its variants); the product row then carries the
lowest live variant price and the sum of the stock, as the variant service keeps them. The
variant that was the product's default keeps that role (with a suffixed SKU too) and takes the
middle size (or the first colour). A few converted products become `draft` or `discontinued`,
so the shop shows every status.
"""

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Q

from apps.core.models.catalog import OptionType, OptionValue, Product, ProductStatus, ProductVariant, VariantOption

_CENT = Decimal("0.01")

CLOTHES = ("XS", "S", "M", "L", "XL", "XXL")
SHOES = ("38", "39", "40", "41", "42", "43", "44", "45")  # EU sizes
COLOURS = ("Black", "White", "Silver", "Space Grey", "Blue", "Red", "Brown", "Gold", "Rose Gold")


@dataclass(frozen=True)
class Scheme:
    """How a category's products vary.

    Attributes:
        option: the option type slug ("size" or "color").
        values: the option values offered, in display order.
        default: the value of the default variant.
        surcharge: values priced above the base price, with the factor (1.10 = 10 % more).
    """

    option: str
    values: tuple[str, ...]
    default: str
    surcharge: dict[str, Decimal]


_CLOTHES = Scheme("size", CLOTHES, "M", {"XXL": Decimal("1.10")})
_SHOES = Scheme("size", SHOES, "42", {"44": Decimal("1.05"), "45": Decimal("1.05")})


def _colours(*values: str, premium: str | None = None) -> Scheme:
    return Scheme("color", values, values[0], {premium: Decimal("1.10")} if premium else {})


# DummyJSON category slug -> how its products vary; other categories keep their single variant.
SCHEMES: dict[str, Scheme] = {
    "mens-shirts": _CLOTHES,
    "womens-dresses": _CLOTHES,
    "tops": _CLOTHES,
    "mens-shoes": _SHOES,
    "womens-shoes": _SHOES,
    "smartphones": _colours("Black", "White", "Blue"),
    "tablets": _colours("Silver", "Space Grey"),
    "laptops": _colours("Silver", "Space Grey"),
    "sunglasses": _colours("Black", "Brown", "Gold", premium="Gold"),
    "womens-bags": _colours("Black", "Brown", "Red"),
    "mens-watches": _colours("Black", "Silver", "Gold", premium="Gold"),
    "womens-watches": _colours("Silver", "Gold", "Rose Gold", premium="Rose Gold"),
}
OPTION_NAMES = {"size": "Size", "color": "Color"}

# Category slug -> status given to the last product (by SKU) converted there in a run, when the
# run converted at least two products of that category (so the category keeps an active one).
DEMO_STATUSES = {
    "tops": ProductStatus.DRAFT,
    "womens-bags": ProductStatus.DRAFT,
    "mens-shoes": ProductStatus.DISCONTINUED,
    "smartphones": ProductStatus.DISCONTINUED,
}


@dataclass(frozen=True)
class VariantSummary:
    """What one run did: products given variants, variants created, products whose status changed."""

    products: int
    variants: int
    statuses: dict[str, str]

    def __str__(self) -> str:
        statuses = ", ".join(f"{sku} {status}" for sku, status in self.statuses.items()) or "none changed"
        return f"{self.products} products given {self.variants} more variants; statuses: {statuses}"


def add_demo_variants() -> VariantSummary:
    """Give the demo products of the categories in SCHEMES their variants, then a few demo statuses.

    Returns:
        The summary (nothing happens for products converted by an earlier run).
    """
    candidates = (
        Product.objects.alive()
        .filter(category__slug__in=SCHEMES)
        .annotate(
            live_variants=Count("variants", filter=Q(variants__deleted_at__isnull=True)),
            with_options=Count(
                "variants", filter=Q(variants__deleted_at__isnull=True) & ~Q(variants__option_signature="")
            ),
        )
        .filter(live_variants=1, with_options=0)
        .select_related("category")
        .order_by("sku")
    )
    values = _option_values()
    converted: dict[str, list[Product]] = {}
    variants = 0
    with transaction.atomic():
        for product in candidates:
            created = _convert(product, SCHEMES[product.category.slug], values)
            if created:
                variants += created
                converted.setdefault(product.category.slug, []).append(product)
        statuses = _set_statuses(converted)
    if converted:
        apps.get_app_config("core").container.catalog_cache().products_changed()
    return VariantSummary(sum(len(rows) for rows in converted.values()), variants, statuses)


def _option_values() -> dict[tuple[str, str], OptionValue]:
    """(option slug, value) -> OptionValue for every value of SCHEMES, created when missing."""
    found: dict[tuple[str, str], OptionValue] = {}
    for slug, order in (("size", CLOTHES + SHOES), ("color", COLOURS)):
        option_type, _ = OptionType.objects.get_or_create(slug=slug, defaults={"name": OPTION_NAMES[slug]})
        for position, value in enumerate(order):
            found[slug, value], _ = OptionValue.objects.get_or_create(
                option_type=option_type,
                value=value,
                defaults={"slug": value.lower().replace(" ", "-"), "position": position},
            )
    return found


def _convert(product: Product, scheme: Scheme, values: dict[tuple[str, str], OptionValue]) -> int:
    """Turn the product's default variant into one of the scheme's variants and add the others.

    Returns:
        The number of variants created (0: skipped, because a SKU it would use is taken).
    """
    default = ProductVariant.objects.select_for_update().get(product=product, deleted_at__isnull=True)
    skus = {value: f"{product.sku}-{value.upper().replace(' ', '')}"[:64] for value in scheme.values}
    if ProductVariant.objects.filter(sku__in=skus.values()).exclude(pk=default.pk).exists():
        return 0
    rng = random.Random(product.sku)  # the same catalog gives the same demo shop
    stocks = _spread(product.stock, len(scheme.values), rng)
    rows: list[ProductVariant] = []
    for position, (value, stock) in enumerate(zip(scheme.values, stocks, strict=True)):
        option = values[scheme.option, value]
        factor = scheme.surcharge.get(value, Decimal(1))
        price = (product.price * factor).quantize(_CENT, rounding=ROUND_HALF_UP)
        variant = default if value == scheme.default else ProductVariant(product=product)
        variant.sku, variant.price, variant.stock, variant.position = skus[value], price, stock, position
        variant.option_signature = str(option.pk)
        variant.is_default = value == scheme.default
        rows.append(variant)
    default.save(update_fields=["sku", "price", "stock", "position", "option_signature", "is_default", "updated_at"])
    ProductVariant.objects.bulk_create([row for row in rows if row.pk is None])
    VariantOption.objects.bulk_create(
        VariantOption(
            variant=row,
            option_type_id=values[scheme.option, value].option_type_id,
            option_value=values[scheme.option, value],
            product=product,
        )
        for row, value in zip(rows, scheme.values, strict=True)
    )
    product.price = min(row.price for row in rows)
    product.stock = sum(row.stock for row in rows)
    product.save(update_fields=["price", "stock", "updated_at"])
    return len(rows) - 1


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` units split into `parts` random shares (middle ones weigh more, as sizes sell)."""
    weights = [rng.uniform(0.5, 1.5) * (1 + min(i, parts - 1 - i)) for i in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[max(range(parts), key=lambda i: weights[i])] += total - sum(shares)
    return shares


def _set_statuses(converted: dict[str, list[Product]]) -> dict[str, str]:
    """Apply DEMO_STATUSES to this run's converted products; returns {sku: status}."""
    changed: dict[str, str] = {}
    for slug, status in DEMO_STATUSES.items():
        products = converted.get(slug, [])
        if len(products) < 2:
            continue
        product = products[-1]
        product.status, product.is_active = status, False
        product.save(update_fields=["status", "is_active", "updated_at"])
        changed[product.sku] = status
    return changed
