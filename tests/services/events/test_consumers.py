"""EventDispatcher and EmailConsumer: fan-out to matching subscriptions, e-mails from templates, once."""

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from apps.core.models.events import EventType, ProcessedEvent, WebhookDelivery
from tests.factories_events import EventFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db

LINES = [{"quantity": 2, "product_name": "Lamp", "sku": "LMP-1", "unit_price": "10.00", "line_total": "20.00"}]


def _order_event(type_=EventType.ORDER_SHIPPED):
    payload = {"number": "NX-42", "email": "ann@example.com", "customer_name": "Ann", "status": "shipped"}
    return EventFactory(type=type_, payload={**payload, "lines": LINES, "total": "20.00", "currency": "USD"})


def test_dispatch_creates_one_delivery_per_matching_active_subscription(container, mailoutbox):
    wants = WebhookSubscriptionFactory(events=[EventType.ORDER_SHIPPED], url="http://93.184.216.34/a")
    WebhookSubscriptionFactory(events=[EventType.ORDER_PAID])  # another type
    WebhookSubscriptionFactory(events=[EventType.ORDER_SHIPPED], is_active=False)
    event = _order_event()
    dispatcher = container.event_dispatcher()
    dispatcher.dispatch(str(event.pk))
    dispatcher.dispatch(str(event.pk))  # at-least-once: the same event again
    assert list(WebhookDelivery.objects.values_list("subscription_id", flat=True)) == [wants.pk]
    assert [m.subject for m in mailoutbox] == ["Order NX-42 has shipped"]  # e-mail once too


def test_email_has_text_and_html_parts_from_templates(container, mailoutbox):
    assert container.email_consumer().handle(str(_order_event().pk)) is True
    [message] = mailoutbox
    assert message.to == ["ann@example.com"]
    assert "Hello Ann," in message.body
    assert "2 x Lamp (LMP-1) @ 10.00 = 20.00" in message.body
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    assert "<td>Lamp</td>" in html


def test_email_is_sent_once_per_event(container, mailoutbox):
    event = _order_event(EventType.ORDER_PLACED)
    consumer = container.email_consumer()
    assert [consumer.handle(str(event.pk)) for _ in range(3)] == [True, False, False]
    assert len(mailoutbox) == 1


def test_events_without_an_email_send_none(container, mailoutbox):
    event = EventFactory(type=EventType.STOCK_LOW, payload={"product_id": 1, "stock": 2})
    assert container.email_consumer().handle(str(event.pk)) is False
    assert mailoutbox == []


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_email_failure_raises_and_records_nothing_so_the_task_retries(container, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    event = _order_event()
    with pytest.raises(ConnectionRefusedError):
        container.email_consumer().handle(str(event.pk))
    assert not ProcessedEvent.objects.exists()


def test_shipped_email_shows_the_carrier_and_tracking_number_when_the_payload_has_them(container, mailoutbox):
    event = _order_event()
    event.payload = {**event.payload, "tracking_number": "1Z999AA10123456784", "carrier": "UPS"}
    event.save()
    assert container.email_consumer().handle(str(event.pk)) is True
    [message] = mailoutbox
    assert "Tracking: 1Z999AA10123456784 (UPS)" in message.body
    [(html, _)] = message.alternatives
    assert "Carrier: <strong>UPS</strong>, tracking number: <strong>1Z999AA10123456784</strong>" in html


def test_shipped_email_without_tracking_says_nothing_about_it(container, mailoutbox):
    container.email_consumer().handle(str(_order_event().pk))
    [message] = mailoutbox
    assert "Tracking" not in message.body
    assert "tracking number" not in message.alternatives[0][0]
