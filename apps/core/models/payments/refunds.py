"""Refunds of paid orders: what was given back, per order line and quantity, through the payment gateway.

Money is Decimal(12, 2) in the order's currency. A refund row exists only for a refund the gateway
accepted: a declined refund rolls its transaction back and leaves nothing behind.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models.payments.payments import Payment
from apps.core.models.shopping import Order, OrderLine

ZERO = Decimal("0")


class RefundStatus(models.TextChoices):
    """A refund's state at the provider (`pending`: a provider that settles refunds later)."""

    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Refund(models.Model):
    """Money given back on an order: `amount` = its lines' amounts + the shipping paid when `shipping_refunded`.

    `restocked` says whether the refunded quantities went back into stock; `reference` is the
    gateway's id for the refund; `created_by` the staff member who made it (null once deleted).
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    restocked = models.BooleanField(default=False)
    shipping_refunded = models.BooleanField(default=False)
    reason = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(max_length=16, choices=RefundStatus.choices, default=RefundStatus.SUCCEEDED)
    reference = models.CharField(max_length=128, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["order", "-created_at", "-id"], name="refund_order_created_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=ZERO), name="refund_amount_gte_0"),
            models.CheckConstraint(condition=Q(status__in=RefundStatus.values), name="refund_status_valid"),
            # Shipping is refunded at most once per order.
            models.UniqueConstraint(
                fields=["order"], condition=Q(shipping_refunded=True), name="refund_shipping_once_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Refund {self.pk} of {self.amount} {self.currency} on order {self.order_id}"


class RefundLine(models.Model):
    """`quantity` units of one order line given back in a refund, for `amount` (part of the refund's amount)."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="refundline_quantity_gte_1"),
            models.CheckConstraint(condition=Q(amount__gte=ZERO), name="refundline_amount_gte_0"),
            models.UniqueConstraint(fields=["refund", "order_line"], name="refundline_refund_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.order_line_id}"
