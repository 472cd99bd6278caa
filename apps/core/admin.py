"""Django admin for every model of the core app."""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.core.exceptions import ServiceError
from apps.core.models.accounts import User
from apps.core.models.catalog import Category, Product, Review
from apps.core.models.payments import Payment, WebhookEvent
from apps.core.models.shopping import Cart, CartItem, IdempotencyKey, Order, OrderLine, OrderStatus, WishlistItem


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts keyed by e-mail."""

    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "created_at")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("created_at", "updated_at", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone_number")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined", "created_at", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The category tree, deleted rows included."""

    list_display = ("name", "slug", "parent", "deleted_at", "updated_at")
    list_filter = (("deleted_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """Products, soft-deleted ones included (filter on deleted_at)."""

    list_display = ("name", "sku", "price", "stock", "category", "is_active", "deleted_at")
    list_filter = ("is_active", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("sku", "name")
    list_select_related = ("category",)
    raw_id_fields = ("category",)
    readonly_fields = ("rating", "review_count", "created_at", "updated_at")
    show_full_result_count = False


# --- shopping ---------------------------------------------------------------------------------
class OrderLineInline(admin.TabularInline):
    """An order's lines: snapshots, never edited after checkout."""

    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("product", "product_name", "sku", "unit_price", "quantity", "line_total")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = ("reference", "provider", "method", "amount", "currency", "status", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _status_action(status: str, label: str):
    """An admin action moving the selected orders through the order state machine."""

    def action(modeladmin, request, queryset):
        service = apps.get_app_config("core").container.order_service()
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

    list_display = ("number", "user", "status", "total", "currency", "created_at")
    list_filter = ("status",)
    search_fields = ("number", "user__email")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, PaymentInline]
    readonly_fields = (
        "number",
        "user",
        "status",
        "total",
        "currency",
        "created_at",
        "updated_at",
        "paid_at",
        "shipped_at",
        "delivered_at",
        "cancelled_at",
    )
    actions = [
        _status_action(OrderStatus.PAID, "Mark selected orders paid"),
        _status_action(OrderStatus.SHIPPED, "Mark selected orders shipped"),
        _status_action(OrderStatus.DELIVERED, "Mark selected orders delivered"),
        _status_action(OrderStatus.CANCELLED, "Cancel selected orders (stock goes back)"),
    ]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False  # orders come from checkout

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancel instead: deleting would lose the stock movement


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


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews; deleting goes through ReviewService, so the product's rating and count follow at once."""

    list_display = ("product", "user", "rating", "created_at")
    list_filter = ("rating",)
    search_fields = ("product__name", "product__sku", "user__email", "comment")
    list_select_related = ("product", "user")
    raw_id_fields = ("product", "user")
    readonly_fields = ("created_at", "updated_at")

    def delete_model(self, request, obj) -> None:
        _review_service().delete(obj.pk)

    def delete_queryset(self, request, queryset) -> None:
        service = _review_service()
        for review_id in queryset.values_list("pk", flat=True):
            service.delete(review_id)


def _review_service():
    return apps.get_app_config("core").container.review_service()


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


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """Checkout idempotency keys (read-only)."""

    list_display = ("key", "user", "order", "created_at")
    search_fields = ("key", "user__email")
    list_select_related = ("user", "order")
    readonly_fields = ("user", "key", "fingerprint", "order", "created_at")

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
