"""Admin of payments and the provider events already applied."""

from django.contrib import admin

from apps.core.models.payments import Payment, WebhookEvent


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("reference", "provider", "method", "amount", "currency", "status", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payment attempts as reported by the gateway (read-only)."""

    list_display = ("reference", "order", "provider", "method", "amount", "currency", "status", "created_at")
    list_filter = ("status", "provider", "method")
    search_fields = ("reference", "order__number")
    list_select_related = ("order",)
    readonly_fields = (
        "order",
        "amount",
        "currency",
        "method",
        "provider",
        "status",
        "reference",
        "failure_reason",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    """Applied provider events (read-only)."""

    list_display = ("event_id", "event_type", "received_at")
    list_filter = ("event_type",)
    search_fields = ("event_id",)
    readonly_fields = ("event_id", "event_type", "payload", "received_at")

    def has_add_permission(self, request) -> bool:
        return False
