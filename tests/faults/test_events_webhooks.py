"""Webhook faults with a real `celery worker` (and embedded beat) on RabbitMQ.

- A worker's pool process is SIGKILLed while the receiver holds the request open: the task is
  redelivered (`acks_late`, `task_reject_on_worker_lost`) and the receiver sees the same
  `webhook-id` again, at most once more; the delivery ends `succeeded`.
- The receiver answers 500 three times, then 200: four attempts, `succeeded`, and the attempt
  history is visible through `GET /api/webhooks/{id}/deliveries/`.
"""

import os
import signal
import threading

import pytest
from django.db import transaction

from apps.core.models.events import DeliveryStatus, EventType, WebhookDelivery
from tests.conftest import client_for
from tests.events_support import (
    RABBITMQ_URL,
    celery_broker,
    celery_worker,
    pool_children,
    webhook_receiver,
    worker_env,
)
from tests.factories import AdminFactory
from tests.factories_events import WebhookSubscriptionFactory
from tests.live import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _record(event_service, number: str):
    with transaction.atomic():
        return event_service.record(EventType.ORDER_PAID, {"number": number, "total": "12.00"})


def test_worker_killed_mid_delivery_redelivers_with_the_same_webhook_id(event_service, queue, tmp_path):
    hold = threading.Event()
    log_path = tmp_path / "worker.log"
    with webhook_receiver(hold=hold) as receiver:
        WebhookSubscriptionFactory(url=receiver.url, events=[EventType.ORDER_PAID])
        with celery_broker(RABBITMQ_URL, queue), celery_worker(worker_env(queue), log_path) as worker:
            event = _record(event_service, "NX-KILL")
            assert wait_until(lambda: len(receiver.requests) == 1, timeout_s=60), log_path.read_text()[-3000:]
            [child] = pool_children(worker)  # the pool process holding the request open
            os.kill(child, signal.SIGKILL)
            hold.set()  # the receiver answers from now on
            succeeded = wait_until(
                lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).exists(), timeout_s=60
            )
            wait_until(lambda: False, timeout_s=2)  # room for a further duplicate to show up
    assert succeeded, log_path.read_text(errors="replace")[-3000:]
    assert receiver.ids() == [str(event.pk), str(event.pk)]  # one duplicate, same webhook-id
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1  # the killed try left no row: its transaction was rolled back


def test_receiver_failing_three_times_then_ok_takes_four_attempts_visible_in_the_api(event_service, queue, tmp_path):
    env = worker_env(queue, WEBHOOK_RETRY_SCHEDULE_S="0.2,0.2,0.2,0.2", WEBHOOK_DUE_INTERVAL_S="0.5")
    log_path = tmp_path / "worker.log"
    with webhook_receiver([500, 500, 500]) as receiver:
        subscription = WebhookSubscriptionFactory(url=receiver.url, events=[EventType.ORDER_PAID])
        with celery_broker(RABBITMQ_URL, queue), celery_worker(env, log_path, beat=True):
            event = _record(event_service, "NX-RETRY")
            done = wait_until(
                lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).exists(), timeout_s=90
            )
    assert done, log_path.read_text(errors="replace")[-3000:]
    assert receiver.ids() == [str(event.pk)] * 4
    response = client_for(AdminFactory(is_superuser=True)).get(f"/api/webhooks/{subscription.pk}/deliveries/")
    [row] = response.json()["results"]
    assert (row["status"], row["attempts"], row["response_status"]) == ("succeeded", 4, 200)
    assert [a["response_status"] for a in row["attempt_log"]] == [500, 500, 500, 200]
