"""EventService.record and the OutboxRelay: same-transaction writes, on-commit publish, sweep, prune."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from apps.core.models.events import DeliveryStatus, Event, EventType
from tests.events_support import RABBITMQ_URL, celery_broker, free_port, queue_length, unique_queue
from tests.factories_events import EventFactory, WebhookDeliveryFactory

pytestmark = pytest.mark.django_db


def test_record_is_rolled_back_with_the_callers_transaction(event_service):
    @transaction.atomic
    def failing_change() -> None:
        event_service.record(EventType.ORDER_PAID, {"number": "NX-1"})
        raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not Event.objects.exists()


def test_record_publishes_after_commit(event_service, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = event_service.record(EventType.ORDER_PAID, {"number": "NX-1", "total": "9.50"})
    event.refresh_from_db()
    assert event.published_at is None  # nothing leaves before the commit
    for callback in callbacks:
        callback()  # embedded mode: the dispatch runs inline and marks the row
    event.refresh_from_db()
    assert event.published_at is not None
    assert event.attempts == 0  # attempts count the sweep's publishes and refused ones
    assert event.payload == {"number": "NX-1", "total": "9.50"}


def record_and_commit(event_service, capture_on_commit) -> Event:
    """Record an event and run its on-commit publish (to the broker the caller set up)."""
    with capture_on_commit(execute=True):
        return event_service.record(EventType.ORDER_PAID, {"number": "NX-1"})


@pytest.mark.postgres
def test_the_on_commit_publish_writes_nothing_and_the_dispatch_marks_the_row(
    event_service, container, django_capture_on_commit_callbacks, queue
):
    with celery_broker(RABBITMQ_URL, queue):
        event = record_and_commit(event_service, django_capture_on_commit_callbacks)
        assert queue_length(RABBITMQ_URL, queue) == 1  # handed to RabbitMQ
        event.refresh_from_db()
        assert (event.published_at, event.attempts) == (None, 0)  # no UPDATE on the request's path
        container.event_dispatcher().dispatch(str(event.pk))  # what the worker's task runs
        event.refresh_from_db()
        assert event.published_at is not None
        marked = event.published_at
        container.event_dispatcher().dispatch(str(event.pk))  # a redelivery keeps the first mark
        event.refresh_from_db()
        assert event.published_at == marked
        assert container.outbox_relay().sweep(min_age_s=0) == 0  # nothing left for the sweep


@pytest.mark.postgres
def test_the_sweep_publishes_again_an_event_no_worker_dispatched_in_time(
    event_service, container, django_capture_on_commit_callbacks, queue
):
    with celery_broker(RABBITMQ_URL, queue):
        event = record_and_commit(event_service, django_capture_on_commit_callbacks)
        relay = container.outbox_relay()
        assert relay.sweep(min_age_s=60) == 0  # young: left to the worker's dispatch
        assert relay.sweep(min_age_s=0) == 1  # a lost publish or a worker backlog: published again
        assert queue_length(RABBITMQ_URL, queue) == 2  # consumers are idempotent by event id
    event.refresh_from_db()
    assert event.published_at is not None
    assert event.attempts == 1


def test_record_refuses_an_unknown_type(event_service):
    with pytest.raises(ValueError, match="order.teleported"):
        event_service.record("order.teleported", {})


def test_sweep_publishes_leftovers_in_batches(container):
    relay = container.outbox_relay(batch_size=2)
    EventFactory.create_batch(5)
    assert relay.sweep(min_age_s=0) == 5
    assert not Event.objects.filter(published_at__isnull=True).exists()
    assert relay.sweep(min_age_s=0) == 0  # nothing twice


def test_sweep_leaves_fresh_rows_to_the_on_commit_relay(outbox_relay):
    EventFactory()
    assert outbox_relay.sweep(min_age_s=60) == 0
    assert Event.objects.filter(published_at__isnull=True).count() == 1


def test_sweep_with_the_broker_down_keeps_events_and_counts_the_attempt(outbox_relay):
    event = EventFactory()
    with celery_broker(f"amqp://guest:guest@127.0.0.1:{free_port()}//", unique_queue()):
        assert outbox_relay.sweep(min_age_s=0) == 0
    event.refresh_from_db()
    assert event.published_at is None
    assert event.attempts == 1


def test_prune_deletes_old_published_events_without_pending_deliveries(outbox_relay):
    long_ago = timezone.now() - timedelta(days=40)
    old = EventFactory(published_at=long_ago)
    old_with_pending = WebhookDeliveryFactory(event=EventFactory(published_at=long_ago)).event
    WebhookDeliveryFactory(event=old, status=DeliveryStatus.SUCCEEDED)
    recent = EventFactory(published_at=timezone.now())
    unpublished = EventFactory()
    outbox_relay.prune(older_than=timedelta(days=30))
    assert set(Event.objects.values_list("pk", flat=True)) == {old_with_pending.pk, recent.pk, unpublished.pk}
