"""Account and wishlist e-mails with a real `celery worker`, RabbitMQ, PostgreSQL and SMTP server.

- Password reset and verification requests only record an outbox event: the response comes back
  with nothing sent; a worker sends the e-mails, retrying while the SMTP server is unreachable, and
  the reset link it makes works.
- A wishlist event (published twice, as a redelivery would) reaches each wishlister once, in
  batches worked on by two pool processes.

Each test uses its own queue on the shared RabbitMQ and stops its worker at the end.
"""

from email import message_from_bytes, policy

import pytest
from django.core import mail
from rest_framework.test import APIClient

from apps.core.models.events import Event, EventType, InternalEventType
from tests.controllers.accounts.helpers import REGISTER, RESET, RESET_CONFIRM
from tests.controllers.accounts.mail import LINK
from tests.events_support import (
    RABBITMQ_URL,
    celery_broker,
    celery_worker,
    queue_length,
    smtp_sink,
    worker_env,
)
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import WishlistItemFactory
from tests.live import free_port, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _text(raw: bytes) -> tuple[str, str, str]:
    """(Subject, To, plain-text body) of a message the SMTP sink received."""
    message = message_from_bytes(raw, policy=policy.default)
    return message["Subject"], message["To"], message.get_body(preferencelist=("plain",)).get_content()


def test_account_emails_are_sent_by_the_worker_and_survive_an_smtp_outage(queue, tmp_path):
    user = UserFactory()
    client = APIClient()
    with celery_broker(RABBITMQ_URL, queue):  # a real broker and no worker yet
        reset = client.post(RESET, {"email": user.email}, format="json")
        body = {"email": "newcomer@example.com", "password": "Sturdy-pass-77", "first_name": "New"}
        registered = client.post(REGISTER, body, format="json")
    # the requests answered, nothing was sent, the events went to the broker
    assert (reset.status_code, registered.status_code) == (202, 201)
    assert mail.outbox == []
    assert queue_length(RABBITMQ_URL, queue) == 2  # handed to the broker, unmarked until a worker dispatches
    assert not Event.objects.filter(type__in=InternalEventType.values, published_at__isnull=False).exists()

    smtp_port = free_port()  # nothing listens here yet
    env = worker_env(queue, EMAIL_PORT=str(smtp_port), EMAIL_RETRY_BACKOFF_MAX_S="1", EMAIL_TIMEOUT_S="2")
    log_path = tmp_path / "worker.log"
    with celery_worker(env, log_path):
        retried = wait_until(lambda: log_path.read_text(errors="replace").count("Retry in") >= 2, timeout_s=60)
        with smtp_sink(smtp_port) as smtp:
            sent = wait_until(lambda: len(smtp.messages) >= 2, timeout_s=60)
            wait_until(lambda: False, timeout_s=2)  # room for a duplicate to show up
    log = log_path.read_text(errors="replace")
    assert retried, log[-3000:]
    assert sent, log[-3000:]
    assert Event.objects.filter(type__in=InternalEventType.values, published_at__isnull=False).count() == 2
    messages = sorted(_text(raw) for raw in smtp.messages)
    assert [(s, to) for s, to, _ in messages] == [
        ("Confirm your e-mail address", "newcomer@example.com"),
        ("Reset your password", user.email),
    ]
    # the link the worker made resets the password
    link = dict(part.split("=", 1) for part in LINK.search(messages[1][2]).group(0).split("?", 1)[1].split("&"))
    confirm = client.post(RESET_CONFIRM, {**link, "new_password": "Brand-new-pass-88"}, format="json")
    assert confirm.status_code == 204, confirm.content


def test_wishlist_event_delivered_twice_emails_each_wishlister_once(container, queue, tmp_path):
    product = ProductFactory(name="Desk Lamp")
    fans = [WishlistItemFactory(product=product, user=UserFactory()).user for _ in range(5)]
    payload = {"product_id": product.pk, "name": product.name, "slug": product.slug, "price": "9.99", "stock": 4}
    with smtp_sink() as smtp:
        env = worker_env(queue, EMAIL_PORT=str(smtp.port), WISHLIST_EMAIL_BATCH_SIZE="2")
        log_path = tmp_path / "worker.log"
        with celery_broker(RABBITMQ_URL, queue), celery_worker(env, log_path, concurrency=2):
            event = container.event_service().record(EventType.PRODUCT_BACK_IN_STOCK, payload)  # autocommit
            container.event_tasks().dispatch(str(event.pk))  # the same event delivered again
            sent = wait_until(lambda: len(smtp.messages) >= 5, timeout_s=60)
            wait_until(lambda: False, timeout_s=3)  # room for a duplicate to show up
    log = log_path.read_text(errors="replace")
    assert sent, log[-3000:]
    recipients = sorted(_text(raw)[1] for raw in smtp.messages)
    assert recipients == sorted(u.email for u in fans)
    assert {_text(raw)[0] for raw in smtp.messages} == {"Desk Lamp is back in stock"}
    assert log.count("events.send_wishlist_emails") >= 3  # 5 users in batches of 2 (and the redelivery's copies)
