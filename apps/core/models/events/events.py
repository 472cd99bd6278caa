"""The transactional outbox: events written in the same transaction as the change they report.

A relay publishes unpublished rows to the broker after commit (and a periodic sweep catches what
a crash or a broker outage left); consumers record what they processed, keyed by the event id.
"""

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class EventType(models.TextChoices):
    """What happened; the contract's event names (also the webhook subscription filter values)."""

    ORDER_PLACED = "order.placed", "Order placed"
    ORDER_PAID = "order.paid", "Order paid"
    ORDER_SHIPPED = "order.shipped", "Order shipped"
    ORDER_CANCELLED = "order.cancelled", "Order cancelled"
    ORDER_EXPIRED = "order.expired", "Order expired"
    ORDER_REFUNDED = "order.refunded", "Order refunded"
    PRODUCT_BACK_IN_STOCK = "product.back_in_stock", "Product back in stock"
    PRODUCT_PRICE_DROPPED = "product.price_dropped", "Product price dropped"
    STOCK_LOW = "stock.low", "Stock low"


class InternalEventType(models.TextChoices):
    """Events only this shop's own consumers read: never offered to webhooks (not in the contract).

    Their payload is `{"user_id": <int or null>}` only: the worker makes the link's token when it
    sends, so no usable token is ever stored in the outbox.
    """

    PASSWORD_RESET_REQUESTED = "account.password_reset_requested", "Password reset requested"
    EMAIL_VERIFICATION_REQUESTED = "account.email_verification_requested", "E-mail verification requested"


ALL_EVENT_TYPES = [*EventType.choices, *InternalEventType.choices]


class Event(models.Model):
    """One outbox row. `published_at` is null until a worker dispatched it or the sweep published it (UTC).

    `attempts` counts the sweep's publishes and every refused publish; `payload` is the JSON body
    that consumers and webhook receivers get under `data`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=64, choices=ALL_EVENT_TYPES)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)  # Decimals become strings
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            # The sweep's scan: unpublished rows, oldest first (a partial index stays small).
            models.Index(
                fields=["created_at"], name="event_unpublished_idx", condition=models.Q(published_at__isnull=True)
            ),
            models.Index(fields=["published_at"], name="event_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class ProcessedEvent(models.Model):
    """A consumer's receipt for one event: its unique (consumer, event) makes effects happen once."""

    consumer = models.CharField(max_length=64)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consumer", "event"], name="processedevent_consumer_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.consumer}:{self.event_id}"
