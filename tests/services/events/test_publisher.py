"""LingeringPublisher: the on-commit ids of several transactions go to the broker (real RabbitMQ) in one message."""

import json

import pytest
from django.db import transaction
from kombu import Connection

from apps.core.models.events import Event, EventType
from apps.core.services.events import EventService, EventTasks, LingeringPublisher, OutboxRelay
from apps.core.services.events.tasks import dispatch_events
from tests.events_support import RABBITMQ_URL, celery_broker, free_port, queue_length

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def messages(queue: str) -> list[tuple[str, list]]:
    """Every message waiting in `queue`, as (task name, args), consumed."""
    out = []
    with Connection(RABBITMQ_URL, connect_timeout=2) as conn:
        channel = conn.default_channel
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            args, _kwargs, _embed = json.loads(message.body)
            out.append((message.headers["task"], args))
    return out


def committed_events(service: EventService, count: int) -> list[Event]:
    """`count` events, each recorded and committed in its own transaction (its on-commit publish runs)."""
    events = []
    for n in range(count):
        with transaction.atomic():
            events.append(service.record(EventType.ORDER_PAID, {"number": f"NX-{n}"}))
    return events


def test_the_ids_of_several_commits_go_out_in_one_message_after_the_linger(queue):
    publisher = LingeringPublisher(EventTasks(), linger_s=0.3)
    service = EventService(OutboxRelay(EventTasks(), publisher=publisher))
    with celery_broker(RABBITMQ_URL, queue):
        events = committed_events(service, 3)
        assert publisher.flush(timeout_s=5)
        sent = messages(queue)
    assert sent == [("events.dispatch_many", [[str(event.pk) for event in events]])]
    assert set(Event.objects.values_list("published_at", "attempts")) == {(None, 0)}  # the worker marks them


def test_a_full_batch_does_not_wait_for_the_linger(queue):
    publisher = LingeringPublisher(EventTasks(), linger_s=30, max_batch=2)
    with celery_broker(RABBITMQ_URL, queue):
        publisher.submit(["a", "b"])
        assert publisher.flush(timeout_s=5)  # well under the 30 s linger
        assert queue_length(RABBITMQ_URL, queue) == 1


def test_with_the_broker_down_the_rows_stay_for_the_sweep_with_the_attempt_counted(queue):
    publisher = LingeringPublisher(EventTasks(), linger_s=0.01)
    service = EventService(OutboxRelay(EventTasks(), publisher=publisher))
    with celery_broker(f"amqp://guest:guest@127.0.0.1:{free_port()}//", queue):
        events = committed_events(service, 2)
        assert publisher.flush(timeout_s=30)
    assert list(Event.objects.filter(pk__in=[e.pk for e in events]).values_list("published_at", "attempts")) == [
        (None, 1),
        (None, 1),
    ]
    assert OutboxRelay(EventTasks()).sweep(min_age_s=0) == 2  # the sweep takes them (eager here: dispatched inline)
    assert not Event.objects.filter(published_at__isnull=True).exists()


def test_the_workers_task_dispatches_every_id_of_the_message(container):
    events = committed_events(container.event_service(), 2)  # eager: already dispatched inline
    Event.objects.update(published_at=None)
    assert dispatch_events.run([str(event.pk) for event in events] + ["00000000-0000-0000-0000-000000000000"]) == 0
    assert Event.objects.filter(published_at__isnull=True).count() == 0  # both marked; the unknown id skipped


def test_the_deployed_default_batches_and_tests_publish_inline(settings):
    from apps.core.containers import lingering_publisher

    assert isinstance(lingering_publisher(EventTasks(), 25.0), LingeringPublisher)
    assert lingering_publisher(EventTasks(), 0) is None
    assert settings.OUTBOX_PUBLISH_LINGER_MS == 0  # config/settings/test.py
