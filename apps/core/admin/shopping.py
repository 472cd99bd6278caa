"""Admin of the shopping domain: orders (status moves through the state machine), carts, wishlists.

Tracking numbers are recorded with `PATCH /api/orders/{id}/` (`status: shipped`); the admin shows them.
"""

from dependency_injector.wiring import Provide, inject
from django.contrib import admin, messages

from apps.core.admin.payments import PaymentInline, RefundInline
from apps.core.exceptions import ServiceError
from apps.core.models.shopping import Cart, CartItem, Order, OrderLine, OrderStatus, WishlistItem
from apps.core.services.shopping import OrderService


class OrderLineInline(admin.TabularInline):
    """An order's lines: snapshots, never edited after checkout (`id` is what refunds name)."""

    model = OrderLine
    extra = 0
    can_delete = False
    fields = (
        "id",
        "product",
        "variant",
        "product_name",
        "sku",
        "variant_options",
        "unit_price",
        "quantity",
        "line_total",
        "discount_amount",
        "tax_rate",
        "tax_amount",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@inject
def _order_service(service: OrderService = Provide["order_service"]) -> OrderService:
    return service


def _status_action(status: str, label: str):
    """An admin action moving the selected orders through the order state machine."""

    def action(modeladmin, request, queryset):
        service = _order_service()
        moved = 0
        for order in queryset.order_by("pk"):
            try:
                service.set_status(order.pk, status)
                moved += 1
            except ServiceError as exc:
                modeladmin.message_user(request, f"{order.number}: {exc.detail}", messages.WARNING)
        modeladmin.message_user(request, f"{moved} order(s) moved to {status}.")

    action.__name__ = f"mark_{status}"
    action.short_description = label
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders with their lines and payments; status changes only through the workflow actions."""

    list_display = ("number", "user", "status", "total", "currency", "carrier", "tracking_number", "created_at")
    list_filter = ("status", "carrier")
    search_fields = ("number", "user__email", "tracking_number")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, PaymentInline, RefundInline]
    readonly_fields = (
        "number",
        "user",
        "status",
        "subtotal",
        "discount_total",
        "shipping_total",
        "tax_total",
        "total",
        "currency",
        "shipping_address",
        "billing_address",
        "shipping_method",
        "shipping_method_name",
        "voucher",
        "voucher_code",
        "created_at",
        "updated_at",
        "paid_at",
        "shipped_at",
        "delivered_at",
        "cancelled_at",
        "processing_at",
        "expires_at",
        "expired_at",
        "carrier",
        "tracking_number",
    )
    actions = [
        _status_action(OrderStatus.PAID, "Mark selected orders paid"),
        _status_action(OrderStatus.PROCESSING, "Mark selected orders processing"),
        _status_action(OrderStatus.SHIPPED, "Mark selected orders shipped"),
        _status_action(OrderStatus.DELIVERED, "Mark selected orders delivered"),
        _status_action(OrderStatus.CANCELLED, "Cancel selected orders (stock goes back)"),
    ]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False  # orders come from checkout

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancel instead: deleting would lose the stock movement


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    raw_id_fields = ("product",)


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    """Carts and their lines."""

    list_display = ("user", "updated_at")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    inlines = [CartItemInline]


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    list_display = ("user", "product", "created_at")
    search_fields = ("user__email", "product__name", "product__sku")
    list_select_related = ("user", "product")
    raw_id_fields = ("user", "product")
