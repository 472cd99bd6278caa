"""Indexes for the product list at a million rows (PostgreSQL only; nothing happens on SQLite).

Chosen from EXPLAIN ANALYZE on a 1,000,000-product catalog (see README, "Performance"):

* `name_vector`: a generated tsvector of name and SKU only, with its own GIN index. Search
  relevance puts name/SKU hits before description-only hits; a separate column gives the planner
  exact statistics for "matches in the name" (weight-restricted queries on `search_vector` are
  estimated like unrestricted ones and pick bad plans).
* The per-ordering partial B-tree indexes keep their names but gain the tie-breaker `id` and
  `INCLUDE` the filter columns (category, price, stock), so a filtered page, a bounded count and
  the deferred join of a deep page are index-only scans instead of heap visits.
"""

from django.db import migrations

PUBLIC = "WHERE deleted_at IS NULL AND is_active"

FORWARD_SQL = f"""
ALTER TABLE core_product ADD COLUMN name_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('english'::regconfig, coalesce(name, '')) || to_tsvector('simple'::regconfig, coalesce(sku, ''))
) STORED;
CREATE INDEX product_name_vector_gin ON core_product USING gin (name_vector) {PUBLIC};

DROP INDEX IF EXISTS product_pub_created_idx;
CREATE INDEX product_pub_created_idx ON core_product (created_at DESC, id DESC)
    INCLUDE (category_id, price, stock) {PUBLIC};
DROP INDEX IF EXISTS product_pub_price_idx;
CREATE INDEX product_pub_price_idx ON core_product (price, id) INCLUDE (category_id, stock) {PUBLIC};
DROP INDEX IF EXISTS product_pub_name_idx;
CREATE INDEX product_pub_name_idx ON core_product (name, id) INCLUDE (category_id, price, stock) {PUBLIC};
DROP INDEX IF EXISTS product_pub_cat_price_idx;
CREATE INDEX product_pub_cat_price_idx ON core_product (category_id, price, id) INCLUDE (stock) {PUBLIC};
DROP INDEX IF EXISTS product_pub_cat_created_idx;
CREATE INDEX product_pub_cat_created_idx ON core_product (category_id, created_at DESC, id DESC)
    INCLUDE (price, stock) {PUBLIC};
"""

REVERSE_SQL = f"""
DROP INDEX IF EXISTS product_name_vector_gin;
ALTER TABLE core_product DROP COLUMN IF EXISTS name_vector;
DROP INDEX IF EXISTS product_pub_created_idx;
CREATE INDEX product_pub_created_idx ON core_product (created_at DESC, id DESC) {PUBLIC};
DROP INDEX IF EXISTS product_pub_price_idx;
CREATE INDEX product_pub_price_idx ON core_product (price, id) {PUBLIC};
DROP INDEX IF EXISTS product_pub_name_idx;
CREATE INDEX product_pub_name_idx ON core_product (name, id) {PUBLIC};
DROP INDEX IF EXISTS product_pub_cat_price_idx;
CREATE INDEX product_pub_cat_price_idx ON core_product (category_id, price) {PUBLIC};
DROP INDEX IF EXISTS product_pub_cat_created_idx;
CREATE INDEX product_pub_cat_created_idx ON core_product (category_id, created_at DESC) {PUBLIC};
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_shopping")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
