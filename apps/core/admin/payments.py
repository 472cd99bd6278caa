"""Admin of payments and the provider events already applied."""

from django.contrib import admin

from apps.core.models.payments import Payment, Refund, RefundLine, WebhookEvent


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("reference", "provider", "method", "amount", "currency", "status", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    """An order's refunds (made through the API, which calls the gateway): read-only."""

    model = Refund
    fk_name = "order"
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "amount",
        "currency",
        "refunded_lines",
        "restocked",
        "shipping_refunded",
        "status",
        "reference",
        "reason",
        "created_by",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by").prefetch_related("lines__order_line")

    @admin.display(description="lines")
    def refunded_lines(self, refund: Refund) -> str:
        return ", ".join(f"{line.quantity} x {line.order_line.sku} ({line.amount})" for line in refund.lines.all())


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    extra = 0
    can_delete = False
    fields = ("order_line", "quantity", "amount")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds as the gateway accepted them (read-only; refunds are made through the API)."""

    list_display = ("id", "order", "amount", "currency", "status", "restocked", "shipping_refunded", "created_at")
    list_filter = ("status", "restocked", "shipping_refunded")
    search_fields = ("order__number", "reference")
    list_select_related = ("order",)
    readonly_fields = (
        "order",
        "payment",
        "amount",
        "currency",
        "restocked",
        "shipping_refunded",
        "reason",
        "status",
        "reference",
        "created_by",
        "created_at",
    )
    inlines = [RefundLineInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
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
