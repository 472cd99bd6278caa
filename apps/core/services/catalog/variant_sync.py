"""Bulk-load helpers that keep products and their variants in step without the variant service.

The API and the admin write variants through `VariantService`/`Inventory` (stock by delta, price
recomputed under the product lock, stock and price events). Imports and seeds that write product
rows directly (DummyJSON loads, `seed_catalog`'s COPY) use these instead: they record no events.
"""

from django.db import connection
from django.db.models import Min, Sum

from apps.core.models.catalog import Product, ProductVariant

_MISSING_DEFAULTS = """
    INSERT INTO core_productvariant
        (product_id, sku, price, stock, is_default, option_signature, position, created_at, updated_at, deleted_at)
    SELECT p.id, p.sku, p.price, p.stock, TRUE, '', 0, p.created_at, p.updated_at, NULL
    FROM core_product p
    WHERE NOT EXISTS (SELECT 1 FROM core_productvariant v WHERE v.product_id = p.id)
"""


def sync_default_variant(product: Product) -> ProductVariant | None:
    """After a direct write of a product row: make its variants and its price/stock agree again.

    No live variant: the default one is created from the product (SKU, price, stock). Exactly one:
    it takes the product's price and stock (a v1 write). Several: the product's price and stock are
    written back from them (lowest price, summed stock); a bulk load cannot split stock over variants.

    Args:
        product: a saved product.

    Returns:
        The default (else first) live variant.
    """
    live = list(ProductVariant.objects.alive().filter(product=product).order_by("-is_default", "id")[:2])
    if not live:
        return ProductVariant.objects.create(
            product=product, sku=product.sku, price=product.price, stock=product.stock, is_default=True
        )
    variant = live[0]
    if len(live) == 1:
        if (variant.price, variant.stock) != (product.price, product.stock):
            variant.price, variant.stock = product.price, product.stock
            variant.save(update_fields=["price", "stock", "updated_at"])
        return variant
    totals = ProductVariant.objects.alive().filter(product=product).aggregate(price=Min("price"), stock=Sum("stock"))
    if (totals["price"], totals["stock"]) != (product.price, product.stock):
        product.price, product.stock = totals["price"], totals["stock"]
        product.save(update_fields=["price", "stock", "updated_at"])
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
    """The live variant a v1 `{product}` line means: the default one, else the first (None: no live variant)."""
    return ProductVariant.objects.alive().filter(product_id=product_id).order_by("-is_default", "id").first()
