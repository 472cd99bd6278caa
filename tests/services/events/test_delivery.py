"""WebhookSender against a real HTTP receiver on loopback: signatures, attempts, backoff, SSRF, redirects."""

from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from apps.core.models.events import DeliveryStatus
from apps.core.services.events.delivery import backoff_s
from tests.events_support import webhook_receiver
from tests.factories_events import WebhookDeliveryFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db


def _delivery_to(url: str, **kwargs):
    return WebhookDeliveryFactory(subscription=WebhookSubscriptionFactory(url=url), **kwargs)


def test_deliver_signs_per_standard_webhooks_and_records_success(webhook_sender):
    with webhook_receiver() as receiver:
        delivery = _delivery_to(receiver.url)
        assert webhook_sender.deliver(str(delivery.pk)) == DeliveryStatus.SUCCEEDED
    [request] = receiver.requests
    payload = Webhook(delivery.subscription.secret).verify(request.body, request.headers)  # raises if forged
    assert request.headers["webhook-id"] == str(delivery.event_id)
    assert payload["type"] == "order.placed"
    assert payload["data"] == delivery.event.payload
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status, delivery.next_attempt_at) == (1, 200, None)
    [attempt] = delivery.attempt_rows.all()
    assert (attempt.response_status, attempt.response_body) == (200, '{"ok": true}')


def test_deliver_failure_schedules_the_next_try_and_keeps_1kb_of_the_body(webhook_sender, settings):
    with webhook_receiver([500]) as receiver:
        delivery = _delivery_to(receiver.url)
        before = timezone.now()
        assert webhook_sender.deliver(str(delivery.pk)) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    first_delay = settings.WEBHOOK_RETRY_SCHEDULE_S[0]
    assert before + timedelta(seconds=first_delay - 1) < delivery.next_attempt_at
    assert delivery.next_attempt_at < timezone.now() + timedelta(seconds=first_delay + 1)
    [attempt] = delivery.attempt_rows.all()
    assert attempt.response_status == 500
    assert len(attempt.response_body) == 1024


def test_deliver_does_nothing_before_the_next_try_is_due(webhook_sender):
    with webhook_receiver() as receiver:
        delivery = _delivery_to(receiver.url, next_attempt_at=timezone.now() + timedelta(minutes=5))
        assert webhook_sender.deliver(str(delivery.pk)) is None
    assert receiver.requests == []


def test_deliver_marks_failed_after_the_last_scheduled_try(container, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_RETRY_SCHEDULE_S = [0.0, 0.0]
    sender = container.webhook_sender()
    with webhook_receiver([503, 503, 503, 200]) as receiver:
        delivery = _delivery_to(receiver.url)
        outcomes = [sender.deliver(str(delivery.pk)) for _ in range(4)]
    assert outcomes == [DeliveryStatus.PENDING, DeliveryStatus.PENDING, DeliveryStatus.FAILED, None]
    assert len(receiver.requests) == 3


def test_deliver_does_not_follow_redirects(webhook_sender):
    with webhook_receiver([302]) as receiver:
        delivery = _delivery_to(receiver.url)
        assert webhook_sender.deliver(str(delivery.pk)) == DeliveryStatus.PENDING
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.response_status == 302


def test_deliver_rechecks_the_url_at_delivery_time(container, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False  # e.g. DNS now points the host at an internal address
    with webhook_receiver() as receiver:
        delivery = _delivery_to(receiver.url)
        assert container.webhook_sender().deliver(str(delivery.pk)) == DeliveryStatus.PENDING
    assert receiver.requests == []
    [attempt] = delivery.attempt_rows.all()
    assert attempt.response_status is None
    assert attempt.error.startswith("refused: ")


def test_deliver_records_a_connection_error_as_a_failed_try(webhook_sender):
    from tests.live import free_port

    delivery = _delivery_to(f"http://127.0.0.1:{free_port()}/hook")
    assert webhook_sender.deliver(str(delivery.pk)) == DeliveryStatus.PENDING
    [attempt] = delivery.attempt_rows.all()
    assert attempt.response_status is None
    assert "ConnectError" in attempt.error


def test_backoff_follows_the_schedule_within_the_jitter():
    schedule = [5.0, 300.0, 1800.0]
    assert 4.0 <= backoff_s(1, schedule, 0.2) <= 6.0
    assert 240.0 <= backoff_s(2, schedule, 0.2) <= 360.0
    assert backoff_s(4, schedule, 0.2) is None


def test_due_ids_lists_only_pending_due_deliveries(webhook_sender):
    due = WebhookDeliveryFactory(next_attempt_at=timezone.now() - timedelta(seconds=1))
    WebhookDeliveryFactory(next_attempt_at=timezone.now() + timedelta(minutes=1))
    WebhookDeliveryFactory(status=DeliveryStatus.SUCCEEDED, next_attempt_at=None)
    assert webhook_sender.due_ids() == [str(due.pk)]


def test_embedded_mode_retries_due_deliveries_at_the_next_event(
    event_service, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    with webhook_receiver() as receiver:
        earlier = _delivery_to(receiver.url, next_attempt_at=timezone.now() - timedelta(seconds=1), attempts=1)
        with django_capture_on_commit_callbacks(execute=True):
            event_service.record("stock.low", {"product_id": 1})  # nobody subscribes to it
    assert receiver.ids() == [str(earlier.event_id)]
