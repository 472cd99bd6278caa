"""Payments of orders through a gateway, and the provider events already applied."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from apps.core.models.base import TimeStampedModel
from apps.core.models.shopping import Order

ZERO = Decimal("0")


class PaymentStatus(models.TextChoices):
    """A payment's state at the provider."""

    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class Payment(TimeStampedModel):
    """An attempt to pay an order through a gateway; `reference` is the provider's id for it."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=32)
    provider = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    reference = models.CharField(max_length=128, unique=True)
    failure_reason = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=ZERO), name="payment_amount_gte_0"),
            models.CheckConstraint(condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"),
            # An order is charged successfully at most once.
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="succeeded"), name="payment_one_succeeded_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"


class WebhookEvent(models.Model):
    """A provider event already applied; the unique `event_id` makes a redelivery a no-op."""

    event_id = models.CharField(max_length=128, unique=True)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-received_at", "-id")

    def __str__(self) -> str:
        return f"{self.event_id} ({self.event_type})"
