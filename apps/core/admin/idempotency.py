"""Admin of idempotency keys (read-only): which request each key first came with and what it made."""

from django.contrib import admin

from apps.core.models.idempotency import IdempotencyKey


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """`Idempotency-Key`s of orders and payments (read-only; old ones are pruned by IdempotencyService.prune)."""

    list_display = ("key", "user", "method", "path", "resource_type", "resource_id", "created_at")
    list_filter = ("resource_type",)
    search_fields = ("key", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("user", "key", "fingerprint", "method", "path", "resource_type", "resource_id", "created_at")

    def has_add_permission(self, request) -> bool:
        """Keys are made by requests only."""
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        """Keys are never edited."""
        return False
