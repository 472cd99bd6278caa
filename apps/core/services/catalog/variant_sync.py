"""Interim bridge from v1 products to variants: every product keeps one default variant in step with it.

Until the variant service owns stock and price (issue 11), writes still land on the product row;
these helpers give each product its default variant (SKU, price and stock copied) and keep a
product that has exactly one live variant in step with it.
"""

from django.db import connection

from apps.core.models.catalog import Product, ProductVariant

_MISSING_DEFAULTS = """
    INSERT INTO core_productvariant
        (product_id, sku, price, stock, is_default, option_signature, position, created_at, updated_at, deleted_at)
    SELECT p.id, p.sku, p.price, p.stock, TRUE, '', 0, p.created_at, p.updated_at, NULL
    FROM core_product p
    WHERE NOT EXISTS (SELECT 1 FROM core_productvariant v WHERE v.product_id = p.id)
"""


def sync_default_variant(product: Product) -> ProductVariant:
    """Create the product's default variant, or copy SKU, price and stock onto its only live variant.

    Args:
        product: a saved product.

    Returns:
        The variant now matching the product (with several live variants: the default one, untouched).
    """
    live = list(
        ProductVariant.objects.filter(product=product, deleted_at__isnull=True).order_by("-is_default", "id")[:2]
    )
    if not live:
        return ProductVariant.objects.create(
            product=product, sku=product.sku, price=product.price, stock=product.stock, is_default=True
        )
    variant = live[0]
    if len(live) == 1 and (variant.sku, variant.price, variant.stock) != (product.sku, product.price, product.stock):
        variant.sku, variant.price, variant.stock = product.sku, product.price, product.stock
        variant.save(update_fields=["sku", "price", "stock", "updated_at"])
    return variant


def create_missing_default_variants() -> int:
    """Give every product without a variant its default one in one statement (bulk loads).

    Returns:
        The number of variants created.
    """
    with connection.cursor() as cursor:
        cursor.execute(_MISSING_DEFAULTS)
        return cursor.rowcount


def default_variant(product_id: int) -> ProductVariant | None:
    """The live variant a v1 `{product}` cart line means: the default one, else the first (None: no live variant)."""
    return (
        ProductVariant.objects.filter(product_id=product_id, deleted_at__isnull=True)
        .order_by("-is_default", "id")
        .first()
    )
