"""Idempotency keys fingerprint the request (method, path, body), not the cart, and serve every endpoint.

The key row names the resource it made by type and id instead of an order foreign key. Existing
keys were all made by `POST /api/orders/` with no body (the checkout takes none), so they are kept
as such: their fingerprint becomes that request's (apps.core.services.idempotency.request_fingerprint,
computed here so this migration never changes with the service), and a retry of them still replays.
"""

import hashlib

from django.db import migrations, models
from django.db.models import F

ORDERS_PATH = "/api/orders/"
EMPTY_POST_ORDERS = hashlib.sha256(f"POST {ORDERS_PATH}\n{{}}".encode()).hexdigest()


def keys_name_their_orders(apps, schema_editor):
    """Old rows: resource = their order, fingerprint = that of an empty `POST /api/orders/`."""
    IdempotencyKey = apps.get_model("core", "IdempotencyKey")
    IdempotencyKey.objects.update(
        resource_id=F("order_id"), resource_type="order", method="POST", path=ORDERS_PATH,
        fingerprint=EMPTY_POST_ORDERS,
    )  # fmt: skip


def keys_point_at_orders_again(apps, schema_editor):
    """Reverse: order = resource (fingerprints of carts cannot be rebuilt; a retry may then be a 422)."""
    IdempotencyKey = apps.get_model("core", "IdempotencyKey")
    IdempotencyKey.objects.filter(resource_type="order").update(order_id=F("resource_id"))


class Migration(migrations.Migration):
    dependencies = [("core", "0004_perf_indexes")]

    operations = [
        migrations.AddField(
            model_name="idempotencykey", name="method", field=models.CharField(default="POST", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="idempotencykey", name="path", field=models.TextField(default=ORDERS_PATH),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="idempotencykey", name="resource_type",
            field=models.CharField(default="order", max_length=32), preserve_default=False,
        ),
        migrations.AddField(
            model_name="idempotencykey", name="resource_id", field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(keys_name_their_orders, keys_point_at_orders_again),
        migrations.RemoveField(model_name="idempotencykey", name="order"),
        migrations.AddIndex(
            model_name="idempotencykey",
            index=models.Index(fields=["created_at"], name="idempotencykey_created_idx"),
        ),
    ]  # fmt: skip
