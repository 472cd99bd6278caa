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
    """A placed order. `number` is human-readable (e.g. `NX-20261121-7K3F9QAB`); `total` sums the lines.

    `expires_at` (UTC) is when an unpaid (`pending`) order expires: placed + ORDER_PAYMENT_TIMEOUT_MIN
    (null for orders placed before expiry existed, which never expire). `tracking_number` and
    `carrier` are recorded when staff ship the order.
    """

    number = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=32, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
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
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_valid"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """One variant of an order with the name, SKU, options and unit price it had when the order was placed.

    `variant_options` snapshots the variant's options (`{"size": "XL"}`); `variant` is null only if
    the variant row was purged later (soft-deleted variants keep their rows).
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

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_gte_1"),
            models.CheckConstraint(condition=Q(unit_price__gte=ZERO), name="orderline_unit_price_gte_0"),
            models.CheckConstraint(condition=Q(line_total__gte=ZERO), name="orderline_line_total_gte_0"),
            models.UniqueConstraint(fields=["order", "variant"], name="orderline_order_variant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"
