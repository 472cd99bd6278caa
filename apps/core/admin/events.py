"""Admin of the outbox and webhook deliveries (read-only: subscriptions are managed through the API,
whose URL check the admin would bypass)."""

from django.contrib import admin

from apps.core.models.events import Event, WebhookAttempt, WebhookDelivery


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; never adds, changes or deletes them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The outbox: what happened, and whether the relay published it."""

    list_display = ("id", "type", "created_at", "published_at", "attempts")
    list_filter = ("type",)
    date_hierarchy = "created_at"


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = ("at", "response_status", "error", "response_body")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """Webhook deliveries with their attempts."""

    list_display = ("id", "event", "subscription", "status", "attempts", "response_status", "next_attempt_at")
    list_filter = ("status",)
    list_select_related = ("event", "subscription")
    inlines = [WebhookAttemptInline]
