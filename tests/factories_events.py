"""factory-boy factories of the events domain (outbox events, webhook subscriptions and deliveries)."""

import factory
from django.utils import timezone

from apps.core.models.events import Event, EventType, WebhookDelivery, WebhookSubscription
from apps.core.services.events.webhooks import new_secret


class EventFactory(factory.django.DjangoModelFactory):
    """An unpublished `order.placed` event for a made-up order."""

    class Meta:
        model = Event

    type = EventType.ORDER_PLACED
    payload = factory.Sequence(
        lambda n: {"order_id": n, "number": f"NX-TEST-{n:05d}", "email": f"buyer{n}@example.com", "status": "pending"}
    )


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    """An active subscription to order events at a public (documentation-range free) IP literal."""

    class Meta:
        model = WebhookSubscription

    url = factory.Sequence(lambda n: f"http://93.184.216.34/hooks/{n}")
    events = factory.LazyFunction(lambda: [EventType.ORDER_PLACED, EventType.ORDER_PAID])
    is_active = True
    secret = factory.LazyFunction(new_secret)


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    """A pending delivery, due now."""

    class Meta:
        model = WebhookDelivery

    event = factory.SubFactory(EventFactory)
    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    next_attempt_at = factory.LazyFunction(timezone.now)
