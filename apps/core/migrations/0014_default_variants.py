"""Every product gets a default variant carrying its SKU, price and stock; cart and order lines point at it."""

from django.db import migrations

FORWARD = [
    """
    INSERT INTO core_productvariant
        (product_id, sku, price, stock, is_default, option_signature, position, created_at, updated_at, deleted_at)
    SELECT p.id, p.sku, p.price, p.stock, TRUE, '', 0, p.created_at, p.updated_at, NULL
    FROM core_product p
    WHERE NOT EXISTS (SELECT 1 FROM core_productvariant v WHERE v.product_id = p.id)
    """,
    """
    UPDATE core_cartitem SET variant_id = (
        SELECT v.id FROM core_productvariant v WHERE v.product_id = core_cartitem.product_id AND v.is_default
    ) WHERE variant_id IS NULL
    """,
    """
    UPDATE core_orderline SET variant_id = (
        SELECT v.id FROM core_productvariant v WHERE v.product_id = core_orderline.product_id AND v.is_default
    ) WHERE variant_id IS NULL
    """,
]


class Migration(migrations.Migration):
    dependencies = [("core", "0013_catalog_variants")]

    operations = [migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in FORWARD]
