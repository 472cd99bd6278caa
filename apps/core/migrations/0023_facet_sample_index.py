# The facets' sample of a category becomes an index range: product_pub_cat_sample_idx (category, hashed id
# bucket) replaces product_pub_cat_facet_idx (category), with the same INCLUDE columns (see FacetService).
# PostgreSQL keeps no statistics on a partial index's expression, so without product_sample_bucket_stats the
# planner guesses 1/3 of the rows pass `bucket < t` (not t/1024) and joins the option links by a sequential scan.

from django.db import migrations, models

import apps.core.models.catalog.products


class AddIndexIfMissing(migrations.AddIndex):
    """AddIndex that leaves an index of that name alone when the database has it already (built by hand
    with CREATE INDEX CONCURRENTLY on a large catalog before migrating)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            existing = connection.introspection.get_constraints(cursor, model._meta.db_table)
        if self.index.name not in existing:
            super().database_forwards(app_label, schema_editor, from_state, to_state)


SAMPLE_BUCKET_STATS = "product_sample_bucket_stats"


def create_bucket_statistics(apps, schema_editor):
    """Expression statistics of the sample bucket (PostgreSQL), then ANALYZE so the planner has them now."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE STATISTICS IF NOT EXISTS {SAMPLE_BUCKET_STATS} ON ((hashint8("id") & 1023)) FROM "core_product"'
    )
    schema_editor.execute('ANALYZE "core_product"')


def drop_bucket_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {SAMPLE_BUCKET_STATS}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0022_order_checkout_figures"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="product",
            name="product_pub_cat_facet_idx",
        ),
        AddIndexIfMissing(
            model_name="product",
            index=models.Index(
                models.F("category"),
                apps.core.models.catalog.products.SampleBucket("id"),
                condition=models.Q(("deleted_at__isnull", True), ("is_active", True)),
                include=("id", "price", "stock", "rating"),
                name="product_pub_cat_sample_idx",
            ),
        ),
        migrations.RunPython(create_bucket_statistics, drop_bucket_statistics, elidable=False),
    ]
