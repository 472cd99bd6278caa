"""The events domain's models: what other domains may use."""

from apps.core.models.events.events import Event, EventType, InternalEventType, ProcessedEvent
from apps.core.models.events.webhooks import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "DeliveryStatus",
    "Event",
    "EventType",
    "InternalEventType",
    "ProcessedEvent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
