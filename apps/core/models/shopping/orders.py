"""The order aggregate: orders and their lines (snapshots).

Money is Decimal(12, 2) in the order's currency. Every rule a single row can state is a
database constraint; the status workflow lives in `apps/core/services/shopping/order_status.py`.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models.base import TimeStampedModel
from apps.core.models.catalog import Product, ProductVariant

ZERO = Decimal("0")


class OrderStatus(models.TextChoices):
    """Where an order is in fulfilment; transitions are decided by the order state machine."""

    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    PROCESSING = "processing", "Processing"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


class Order(TimeStampedModel):
    """A placed order. `number` is human-readable (e.g. `NX-20261121-7K3F9QAB`).

    Figures (Decimal in `currency`, stored at checkout, never recomputed from today's prices):
    `total = subtotal - discount_total + shipping_total + tax_total` when prices exclude tax, and
    `total = subtotal - discount_total + shipping_total` when they include it (PRICES_INCLUDE_TAX).
    `shipping_address` / `billing_address` are snapshots shaped like the address API's object
    without `id` and the `is_default_*` flags (`{}` when none); `shipping_method_name` and
    `voucher_code` snapshot the method and voucher, whose foreign keys may be nulled later.

    `expires_at` (UTC) is when an unpaid (`pending`) order expires: placed + ORDER_PAYMENT_TIMEOUT_MIN
    (null for orders placed before expiry existed, which never expire). `tracking_number` and
    `carrier` are recorded when staff ship the order.
    """

    number = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=32, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    discount_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    shipping_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    tax_total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_method = models.ForeignKey(
        "core.ShippingMethod", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    shipping_method_name = models.CharField(max_length=120, blank=True, default="")
    voucher = models.ForeignKey("core.Voucher", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    voucher_code = models.CharField(max_length=64, blank=True, default="")
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    processing_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True, default="")
    carrier = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="order_user_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="order_created_idx"),
            # The expiry job's scan: pending orders by deadline (a partial index stays small).
            models.Index(fields=["expires_at"], name="order_pending_expiry_idx", condition=Q(status="pending")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=ZERO), name="order_total_gte_0"),
            models.CheckConstraint(condition=Q(subtotal__gte=ZERO), name="order_subtotal_gte_0"),
            models.CheckConstraint(
                condition=Q(discount_total__gte=ZERO, discount_total__lte=models.F("subtotal")),
                name="order_discount_within_subtotal",
            ),
            models.CheckConstraint(condition=Q(shipping_total__gte=ZERO), name="order_shipping_total_gte_0"),
            models.CheckConstraint(condition=Q(tax_total__gte=ZERO), name="order_tax_total_gte_0"),
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """One variant of an order with the name, SKU, options and unit price it had when the order was placed.

    `variant_options` snapshots the variant's options (`{"size": "XL"}`); `variant` is null only if
    the variant row was purged later (soft-deleted variants keep their rows).
    Money (Decimal, the order's currency): `line_total = unit_price x quantity` (before discount, as
    the quote shows it); `discount_amount` is the line's share of the order's discount;
    `tax_amount` the tax on `line_total - discount_amount` at `tax_rate` (a fraction, "0.2000").
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    variant = models.ForeignKey(
        ProductVariant, null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    variant_options = models.JSONField(default=dict, blank=True)
    product_name = models.CharField(max_length=255)
    sku = models.CharField("SKU", max_length=64)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=4, default=ZERO)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_gte_1"),
            models.CheckConstraint(condition=Q(unit_price__gte=ZERO), name="orderline_unit_price_gte_0"),
            models.CheckConstraint(condition=Q(line_total__gte=ZERO), name="orderline_line_total_gte_0"),
            models.CheckConstraint(
                condition=Q(discount_amount__gte=ZERO, discount_amount__lte=models.F("line_total")),
                name="orderline_discount_within_total",
            ),
            models.CheckConstraint(condition=Q(tax_rate__gte=ZERO), name="orderline_tax_rate_gte_0"),
            models.CheckConstraint(condition=Q(tax_amount__gte=ZERO), name="orderline_tax_amount_gte_0"),
            models.UniqueConstraint(fields=["order", "variant"], name="orderline_order_variant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"
