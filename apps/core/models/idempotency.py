"""Idempotency keys: a client's `Idempotency-Key`, the request it first came with, and what that request made.

Used by every endpoint that accepts the header (`POST /api/orders/`, `POST /api/orders/{id}/payments/`)
through `apps.core.services.idempotency.IdempotencyService`. Not a domain of its own: a record names
the resource it made by type and id (`order` 17, `payment` 4).
"""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` of one user (unique together) and the first request that carried it.

    `fingerprint` is the sha256 hex of the request's method, path and canonical JSON body (never of
    server state); `method` and `path` are kept for people reading the admin. The record is written
    in the transaction that makes the resource, so a committed record always names its
    `resource_type`/`resource_id`; a failed request leaves no record and the key can be used again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=16)
    path = models.TextField()
    resource_type = models.CharField(max_length=32)
    resource_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_user_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="idempotencykey_created_idx")]  # prune()

    def __str__(self) -> str:
        return self.key
