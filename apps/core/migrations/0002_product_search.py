"""PostgreSQL full-text search for products: a stored, weighted tsvector and trigram typo tolerance.

`search_vector` is a generated column (name and SKU weight A, brand B, description C), so every
write path, `COPY` included, keeps it current. It is not a Django field; queries reach it
through RawSQL in ProductService. On SQLite this migration does nothing.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SEARCH_VECTOR_SQL = """
ALTER TABLE core_product ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') ||
    setweight(to_tsvector('simple'::regconfig, coalesce(sku, '')), 'A') ||
    setweight(to_tsvector('english'::regconfig, coalesce(brand, '')), 'B') ||
    setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
) STORED;
CREATE INDEX product_search_vector_gin ON core_product USING gin (search_vector)
    WHERE deleted_at IS NULL AND is_active;
CREATE INDEX product_name_trgm_gin ON core_product USING gin (lower(name) gin_trgm_ops)
    WHERE deleted_at IS NULL AND is_active;
CREATE INDEX product_sku_upper ON core_product (upper(sku));
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS product_sku_upper;
DROP INDEX IF EXISTS product_name_trgm_gin;
DROP INDEX IF EXISTS product_search_vector_gin;
ALTER TABLE core_product DROP COLUMN IF EXISTS search_vector;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_VECTOR_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
