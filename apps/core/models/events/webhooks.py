"""Outbound webhooks: subscriptions, one delivery per (event, subscription), one row per attempt."""

import uuid

from django.db import models
from django.db.models import Q

from apps.core.models.base import TimeStampedModel
from apps.core.models.events.events import Event


class WebhookSubscription(TimeStampedModel):
    """A receiver URL and the event types it wants; `secret` (`whsec_<base64>`) signs its deliveries."""

    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)  # list of EventType values
    is_active = models.BooleanField(default=True)
    secret = models.CharField(max_length=128)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    """Where a delivery is: still trying (`pending`), answered 2xx, or out of tries."""

    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent to one subscription. `id` is the Standard Webhooks `webhook-id` of every attempt.

    `next_attempt_at` is when the next try is due (null once succeeded or failed).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="webhookdelivery_event_subscription_unique"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="webhookdelivery_status_valid"),
        ]
        indexes = [
            models.Index(fields=["subscription", "-created_at"], name="webhookdel_sub_created_idx"),
            models.Index(
                fields=["next_attempt_at"], name="webhookdel_due_idx", condition=Q(status=DeliveryStatus.PENDING)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.subscription_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP try of a delivery: the status code (null when no answer), first 1 KB of the body, error."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_rows")
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, default="")
    error = models.CharField(max_length=255, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at}: {self.response_status or self.error}"
