"""Each product's option values on its own row, so the facets count options of a category in one index range.

`core_product.option_value_ids` (bigint[], sorted, distinct) holds the option value ids of the product's
live variants: what `VariantOption` rows of live variants say, kept there by triggers, so that every
write path (services, admin, `COPY` loads, test factories) keeps it current:
- option links inserted (statement level, `COPY` included): their live variants' values are added;
- option links deleted or changed, a variant soft-deleted or restored: the products' arrays are recomputed.
Every path first locks the products' rows (`FOR NO KEY UPDATE`, in id order: concurrent writers cannot
deadlock on them), then updates them in a new statement, whose snapshot sees what any writer that held
those locks before committed: two transactions changing one product's options cannot lose an update.

`product_pub_cat_options_idx` keys public products on (category, sample bucket) and includes id, price,
stock, rating and the array: every facet of a category (or of its sample) is an index-only range scan,
the option counts an `unnest` of the array, not one probe of the option links per product; with option
filters the array drops most products before their links are probed (see FacetService). It replaces
`product_pub_cat_sample_idx` (the same keys, without the array). Column and index are not Django's:
the facets service reaches them through SQL. On SQLite only that old index goes (the facets count the
links there and never sample).

On a large catalog the backfill rewrites most product rows: run `VACUUM ANALYZE core_product` after
migrating, so index-only scans need no heap fetches again.
"""

from django.db import migrations

REFRESH = """
CREATE FUNCTION core_refresh_option_value_ids(product_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM core_product WHERE id = ANY(product_ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE core_product p SET option_value_ids = s.ids
    FROM (
        SELECT q.id, ARRAY(
            SELECT DISTINCT l.option_value_id
            FROM core_variantoption l JOIN core_productvariant v ON v.id = l.variant_id AND v.deleted_at IS NULL
            WHERE l.product_id = q.id ORDER BY 1
        ) AS ids
        FROM unnest(product_ids) AS q(id)
    ) s
    WHERE p.id = s.id AND p.option_value_ids IS DISTINCT FROM s.ids;
END $$;
"""

LINKS_INSERTED = """
CREATE FUNCTION core_option_links_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM core_product WHERE id IN (SELECT product_id FROM new_rows) ORDER BY id FOR NO KEY UPDATE;
    UPDATE core_product p
    SET option_value_ids = ARRAY(SELECT DISTINCT x FROM unnest(p.option_value_ids || s.ids) AS x ORDER BY 1)
    FROM (
        SELECT n.product_id, array_agg(DISTINCT n.option_value_id) AS ids
        FROM new_rows n JOIN core_productvariant v ON v.id = n.variant_id AND v.deleted_at IS NULL
        GROUP BY n.product_id
    ) s
    WHERE p.id = s.product_id AND NOT p.option_value_ids @> s.ids;
    RETURN NULL;
END $$;
"""

LINKS_CHANGED = """
CREATE FUNCTION core_option_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM core_refresh_option_value_ids(ARRAY(SELECT DISTINCT product_id FROM old_rows));
    ELSE
        PERFORM core_refresh_option_value_ids(
            ARRAY(SELECT product_id FROM old_rows UNION SELECT product_id FROM new_rows)
        );
    END IF;
    RETURN NULL;
END $$;
"""

VARIANT_LIVENESS = """
CREATE FUNCTION core_variant_liveness_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM core_refresh_option_value_ids(ARRAY[NEW.product_id]);
    RETURN NULL;
END $$;
"""

FORWARD_SQL = f"""
SET LOCAL statement_timeout = 0;  -- the app's per-statement limit is for requests, not this backfill
ALTER TABLE core_product ADD COLUMN option_value_ids bigint[] NOT NULL DEFAULT '{{}}';
{REFRESH}
{LINKS_INSERTED}
{LINKS_CHANGED}
{VARIANT_LIVENESS}
CREATE TRIGGER option_links_inserted AFTER INSERT ON core_variantoption
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core_option_links_inserted();
CREATE TRIGGER option_links_deleted AFTER DELETE ON core_variantoption
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION core_option_links_changed();
CREATE TRIGGER option_links_updated AFTER UPDATE ON core_variantoption
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core_option_links_changed();
CREATE TRIGGER variant_liveness_changed AFTER UPDATE OF deleted_at ON core_productvariant
    FOR EACH ROW WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
    EXECUTE FUNCTION core_variant_liveness_changed();

UPDATE core_product p SET option_value_ids = s.ids
FROM (
    SELECT l.product_id, array_agg(DISTINCT l.option_value_id ORDER BY l.option_value_id) AS ids
    FROM core_variantoption l JOIN core_productvariant v ON v.id = l.variant_id AND v.deleted_at IS NULL
    GROUP BY l.product_id
) s
WHERE p.id = s.product_id;

CREATE INDEX product_pub_cat_options_idx ON core_product (category_id, (hashint8(id) & 1023))
    INCLUDE (id, price, stock, rating, option_value_ids) WHERE deleted_at IS NULL AND is_active;
ANALYZE core_product;
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS product_pub_cat_options_idx;
DROP TRIGGER IF EXISTS variant_liveness_changed ON core_productvariant;
DROP TRIGGER IF EXISTS option_links_updated ON core_variantoption;
DROP TRIGGER IF EXISTS option_links_deleted ON core_variantoption;
DROP TRIGGER IF EXISTS option_links_inserted ON core_variantoption;
DROP FUNCTION IF EXISTS core_variant_liveness_changed();
DROP FUNCTION IF EXISTS core_option_links_changed();
DROP FUNCTION IF EXISTS core_option_links_inserted();
DROP FUNCTION IF EXISTS core_refresh_option_value_ids(bigint[]);
ALTER TABLE core_product DROP COLUMN IF EXISTS option_value_ids;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0023_facet_sample_index")]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.RemoveIndex(model_name="product", name="product_pub_cat_sample_idx"),
    ]
