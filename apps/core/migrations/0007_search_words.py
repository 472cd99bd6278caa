"""Bounded typo tolerance for search: the distinct words of product names, with a trigram index.

`core_search_word` holds every lower-cased word (letters and digits, 4 to 64 characters) of
every product name. A search that full text cannot match looks its words up here (trigram
candidates, then an edit-distance check in Python, see `product_search.corrected_search`).

Maintenance: statement-level triggers with transition tables add the words of inserted
products and of renamed ones (`COPY` included, one `INSERT ... ON CONFLICT DO NOTHING` per
statement, in word order so that concurrent loads cannot deadlock). Words are never removed on
writes: a stale word only costs a correction that then finds nothing. `manage.py
rebuild_search_words` rebuilds the table from the live catalog (seconds on a million products).

The trigram index on `lower(name)` served the old similarity fallback, which is gone: dropped.
On SQLite this migration does nothing.
"""

from django.db import migrations

WORDS_OF = r"regexp_split_to_table(lower({name}), '[^[:alnum:]]+')"
KEEP = "length(w) BETWEEN 4 AND 64"

FORWARD_SQL = f"""
CREATE TABLE core_search_word (word text PRIMARY KEY);
CREATE INDEX search_word_trgm_gin ON core_search_word USING gin (word gin_trgm_ops);

CREATE FUNCTION core_add_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO core_search_word (word)
        SELECT DISTINCT w FROM new_rows, {WORDS_OF.format(name="new_rows.name")} AS w
        WHERE {KEEP} ORDER BY w
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO core_search_word (word)
        SELECT DISTINCT w
        FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id AND old_rows.name IS DISTINCT FROM new_rows.name,
             {WORDS_OF.format(name="new_rows.name")} AS w
        WHERE {KEEP} ORDER BY w
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER product_search_words_insert AFTER INSERT ON core_product
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core_add_search_words();
CREATE TRIGGER product_search_words_update AFTER UPDATE ON core_product
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core_add_search_words();

INSERT INTO core_search_word (word)
SELECT DISTINCT w FROM core_product, {WORDS_OF.format(name="core_product.name")} AS w WHERE {KEEP};

DROP INDEX IF EXISTS product_name_trgm_gin;
"""

REVERSE_SQL = """
CREATE INDEX IF NOT EXISTS product_name_trgm_gin ON core_product USING gin (lower(name) gin_trgm_ops)
    WHERE deleted_at IS NULL AND is_active;
DROP TRIGGER IF EXISTS product_search_words_update ON core_product;
DROP TRIGGER IF EXISTS product_search_words_insert ON core_product;
DROP FUNCTION IF EXISTS core_add_search_words();
DROP TABLE IF EXISTS core_search_word;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_checkout_addresses_shipping_tax_vouchers")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
