"""The events tasks run eagerly (no broker in these tests): sweep, due retries, pruning, scheduled hooks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models.events import DeliveryStatus, Event
from apps.core.services.events import tasks
from tests.events_support import webhook_receiver
from tests.factories_events import EventFactory, WebhookDeliveryFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


def scheduled_job() -> None:
    """Stands in for a job another domain provides (e.g. expiring unpaid orders)."""
    CALLS.append("ran")


def test_sweep_task_publishes_what_the_relay_left(settings):
    EventFactory.create_batch(2)
    assert tasks.sweep_outbox.apply(kwargs={"min_age_s": 0}).get() == 2
    assert not Event.objects.filter(published_at__isnull=True).exists()


def test_due_task_retries_deliveries_whose_time_has_come(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    with webhook_receiver() as receiver:
        subscription = WebhookSubscriptionFactory(url=receiver.url)
        due = WebhookDeliveryFactory(subscription=subscription, next_attempt_at=timezone.now(), attempts=1)
        WebhookDeliveryFactory(subscription=subscription, next_attempt_at=timezone.now() + timedelta(hours=1))
        assert tasks.deliver_due_webhooks.apply().get() == 1
    assert receiver.ids() == [str(due.event_id)]
    due.refresh_from_db()
    assert due.status == DeliveryStatus.SUCCEEDED


def test_prune_task_keeps_recent_events(settings):
    settings.EVENTS_RETENTION_DAYS = 30
    EventFactory(published_at=timezone.now() - timedelta(days=31))
    kept = EventFactory(published_at=timezone.now() - timedelta(days=1))
    tasks.prune_events.apply().get()
    assert list(Event.objects.values_list("pk", flat=True)) == [kept.pk]


def test_scheduled_hook_is_a_no_op_until_its_code_exists(settings):
    settings.SCHEDULED_HOOKS = {"expire-unpaid-orders": {"path": "apps.core.not_yet.expire_orders", "every_s": 60}}
    assert tasks.run_hook.apply(args=["expire-unpaid-orders"]).get() is False


def test_scheduled_hook_runs_once_present(settings):
    settings.SCHEDULED_HOOKS = {"expire-unpaid-orders": {"path": f"{__name__}.scheduled_job", "every_s": 60}}
    CALLS.clear()
    assert tasks.run_hook.apply(args=["expire-unpaid-orders"]).get() is True
    assert CALLS == ["ran"]


def test_beat_schedules_the_sweep_retries_pruning_and_hooks(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {"events.sweep_outbox", "events.deliver_due_webhooks", "events.prune_events", "events.run_hook"}
    hooks = [e["args"][0] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "events.run_hook"]
    assert sorted(hooks) == ["expire-unpaid-orders", "prune-idempotency-keys"]
