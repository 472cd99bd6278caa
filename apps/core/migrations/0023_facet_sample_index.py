# The facets' sample of a category becomes an index range: product_pub_cat_sample_idx (category, hashed id
# bucket) replaces product_pub_cat_facet_idx (category), with the same INCLUDE columns (see FacetService).

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
    ]
