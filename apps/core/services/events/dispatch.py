"""Fans a published event out to its consumers: one webhook delivery per matching subscription, e-mail."""

import logging

from django.utils import timezone

from apps.core.models.events import (
    DeliveryStatus,
    Event,
    EventType,
    InternalEventType,
    WebhookDelivery,
    WebhookSubscription,
)
from apps.core.services.events.queue import EventTasks

logger = logging.getLogger(__name__)

EMAIL_EVENTS = frozenset(
    {
        EventType.ORDER_PLACED,
        EventType.ORDER_PAID,
        EventType.ORDER_SHIPPED,
        EventType.ORDER_CANCELLED,
        EventType.ORDER_EXPIRED,
        EventType.ORDER_REFUNDED,
    }
)
WISHLIST_EVENTS = frozenset({EventType.PRODUCT_BACK_IN_STOCK, EventType.PRODUCT_PRICE_DROPPED})


class EventDispatcher:
    """Turns one event into delivery rows and tasks; safe to run twice for the same event.

    Args:
        tasks: enqueues webhook tries and the e-mail task.
    """

    def __init__(self, tasks: EventTasks) -> None:
        self._tasks = tasks

    def dispatch(self, event_id: str) -> int:
        """Create the event's deliveries (unique per subscription) and enqueue their first try and its e-mails.

        Order events: the customer e-mail. Product back in stock / price dropped: the wishlist
        fan-out. Internal account events: the account e-mail only (no subscription can name them).
        First it marks the outbox row published (`published_at`, when still unset): the broker
        delivered it, so the sweep need not publish it again (see OutboxRelay).

        Returns:
            How many webhook deliveries were enqueued (0 for an unknown event id).
        """
        Event.objects.filter(pk=event_id, published_at__isnull=True).update(published_at=timezone.now())
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            logger.info("dispatch of an unknown (pruned?) event", extra={"event": str(event_id)})
            return 0
        if event.type in InternalEventType.values:
            self._tasks.send_account_email(str(event.pk))
            return 0
        enqueued = 0
        for subscription in WebhookSubscription.objects.filter(is_active=True).order_by("pk"):
            if event.type not in subscription.events:
                continue
            delivery, _ = WebhookDelivery.objects.get_or_create(
                event=event, subscription=subscription, defaults={"next_attempt_at": timezone.now()}
            )
            if delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0:
                self._tasks.deliver(str(delivery.pk))
                enqueued += 1
        if event.type in EMAIL_EVENTS:
            self._tasks.send_email(str(event.pk))
        elif event.type in WISHLIST_EVENTS:
            self._tasks.fan_out_wishlist_emails(str(event.pk))
        return enqueued
