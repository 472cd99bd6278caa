"""Faults around background work, with a real `celery worker`, RabbitMQ, PostgreSQL and SMTP server.

- The broker is down while orders are placed: every order succeeds; once the broker is back, the
  outbox sweep publishes, and every order's e-mail and webhook goes out exactly once.
- The SMTP server is unreachable: the order is unaffected, the e-mail task retries, and the
  e-mail goes out (once) when the server comes up.

Each test uses its own queue on the shared RabbitMQ and stops its worker at the end.
"""

import pytest

from apps.core.models.events import DeliveryStatus, Event, EventType, WebhookDelivery
from apps.core.models.shopping import Order, OrderStatus
from tests.events_support import (
    RABBITMQ_URL,
    celery_broker,
    celery_worker,
    smtp_sink,
    webhook_receiver,
    worker_env,
)
from tests.factories import UserFactory
from tests.factories_events import WebhookSubscriptionFactory
from tests.factories_shop import CartItemFactory
from tests.live import free_port, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _place_orders(order_service, count: int) -> list[Order]:
    orders = []
    for _ in range(count):
        user = UserFactory()
        CartItemFactory(cart__user=user, quantity=1)
        order, _created = order_service.place_order(user)
        orders.append(order)
    return orders


def test_orders_placed_while_the_broker_is_down_notify_once_when_it_returns(order_service, container, queue, tmp_path):
    with webhook_receiver() as receiver, smtp_sink() as smtp:
        WebhookSubscriptionFactory(url=receiver.url, events=[EventType.ORDER_PLACED])
        # given: the broker is unreachable while three orders are placed
        with celery_broker(f"amqp://guest:guest@127.0.0.1:{free_port()}//", queue):
            orders = _place_orders(order_service, 3)
        assert Order.objects.filter(status=OrderStatus.PENDING).count() == 3  # every order succeeded
        assert Event.objects.filter(published_at__isnull=True).count() == 3  # kept in the outbox
        # when: the broker is back, the sweep runs (twice: the second finds nothing) and a worker consumes
        with celery_broker(RABBITMQ_URL, queue):
            relay = container.outbox_relay()
            assert relay.sweep(min_age_s=0) == 3
            assert relay.sweep(min_age_s=0) == 0
        env = worker_env(queue, EMAIL_PORT=str(smtp.port))
        with celery_worker(env, tmp_path / "worker.log"):
            delivered = wait_until(lambda: len(receiver.requests) >= 3 and len(smtp.messages) >= 3, timeout_s=60)
            wait_until(lambda: False, timeout_s=2)  # room for a duplicate to show up
        log = (tmp_path / "worker.log").read_text(errors="replace")
    # then: each order's webhook and e-mail exactly once
    assert delivered, log[-3000:]
    event_ids = {str(pk) for pk in Event.objects.values_list("pk", flat=True)}
    assert sorted(receiver.ids()) == sorted(event_ids)
    assert sorted(smtp.subjects()) == sorted(f"Order {o.number} received" for o in orders)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}


def test_smtp_unreachable_retries_emails_and_leaves_the_order_alone(order_service, queue, tmp_path):
    smtp_port = free_port()  # nothing listens here yet
    env = worker_env(queue, EMAIL_PORT=str(smtp_port), EMAIL_RETRY_BACKOFF_MAX_S="1", EMAIL_TIMEOUT_S="2")
    log_path = tmp_path / "worker.log"
    with celery_broker(RABBITMQ_URL, queue), celery_worker(env, log_path):
        [order] = _place_orders(order_service, 1)
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING  # the order stands
        retried = wait_until(lambda: log_path.read_text(errors="replace").count("Retry in") >= 2, timeout_s=60)
        with smtp_sink(smtp_port) as smtp:
            sent = wait_until(lambda: len(smtp.messages) >= 1, timeout_s=60)
            wait_until(lambda: False, timeout_s=2)  # room for a duplicate to show up
    log = log_path.read_text(errors="replace")
    assert retried, log[-3000:]
    assert sent, log[-3000:]
    assert smtp.subjects() == [f"Order {order.number} received"]
