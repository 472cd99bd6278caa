"""Wishlist alerts: product.back_in_stock / product.price_dropped e-mailed to every active user who
wishlisted the product, once per (event, user) even on redelivery, in batches, retried on SMTP failure."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from apps.core.models.events import Event, EventType, ProcessedEvent
from apps.core.services.events import tasks
from apps.core.services.events.wishlist_emails import receipt_consumer
from tests.factories import ProductFactory, UserFactory
from tests.factories_events import EventFactory
from tests.factories_shop import WishlistItemFactory

pytestmark = pytest.mark.django_db


def _back_in_stock(container, product, django_capture_on_commit_callbacks, *, execute=True) -> Event:
    payload = {"product_id": product.pk, "name": product.name, "slug": product.slug, "price": "12.34", "stock": 3}
    with django_capture_on_commit_callbacks(execute=execute):  # eager Celery: publish, dispatch, fan-out, send
        return container.event_service().record(EventType.PRODUCT_BACK_IN_STOCK, payload)


def _price_dropped(container, product, django_capture_on_commit_callbacks, *, execute=True) -> Event:
    payload = {
        "product_id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "price": "9.99",
        "previous_price": "12.34",
    }
    with django_capture_on_commit_callbacks(execute=execute):
        return container.event_service().record(EventType.PRODUCT_PRICE_DROPPED, payload)


def _wishlisters(product, count: int, **user_fields) -> list:
    return [WishlistItemFactory(product=product, user=UserFactory(**user_fields)).user for _ in range(count)]


def test_back_in_stock_emails_every_active_wishlister_once(container, django_capture_on_commit_callbacks):
    product = ProductFactory(name="Desk Lamp", slug="desk-lamp")
    fans = _wishlisters(product, 3)
    _wishlisters(product, 1, is_active=False)
    WishlistItemFactory(user=UserFactory())  # another product on someone else's wishlist
    event = _back_in_stock(container, product, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in fans)
    assert {m.subject for m in mail.outbox} == {"Desk Lamp is back in stock"}
    receipts = ProcessedEvent.objects.filter(event=event).values_list("consumer", flat=True)
    assert sorted(receipts) == sorted(receipt_consumer(u.pk) for u in fans)


def test_price_drop_has_text_and_html_with_both_prices_and_the_link(
    container, settings, django_capture_on_commit_callbacks
):
    product = ProductFactory(name="Desk Lamp", slug="desk-lamp")
    [fan] = _wishlisters(product, 1, first_name="Ada")
    _price_dropped(container, product, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    currency = settings.SHOP_CURRENCY
    assert message.subject == f"Price drop: Desk Lamp is now 9.99 {currency}"
    assert "Hello Ada," in message.body
    assert f"dropped from 12.34 to 9.99 {currency}" in message.body
    link = f"{settings.ACCOUNT_LINK_BASE_URL.rstrip('/')}/products/desk-lamp/"
    assert link in message.body
    [(html, mime)] = message.alternatives
    assert mime == "text/html"
    assert f'href="{link}"' in html
    assert "<s>12.34</s>" in html


def test_redelivery_sends_nothing_twice(container, django_capture_on_commit_callbacks):
    product = ProductFactory()
    fans = _wishlisters(product, 2)
    event = _back_in_stock(container, product, django_capture_on_commit_callbacks)
    container.event_dispatcher().dispatch(str(event.pk))  # the broker delivers the event again
    consumer = container.wishlist_email_consumer()
    assert consumer.send_batch(str(event.pk), [u.pk for u in fans]) == 0  # and a batch task again
    assert len(mail.outbox) == 2


def test_recipients_come_in_batches_of_the_configured_size(container, settings, django_capture_on_commit_callbacks):
    settings.WISHLIST_EMAIL_BATCH_SIZE = 2  # read when the container builds the consumer
    product = ProductFactory()
    fans = _wishlisters(product, 5)
    event = _back_in_stock(container, product, django_capture_on_commit_callbacks, execute=False)
    batches = list(container.wishlist_email_consumer().batches(str(event.pk)))
    ids = sorted(u.pk for u in fans)
    assert batches == [ids[0:2], ids[2:4], ids[4:5]]
    assert tasks.fan_out_wishlist_emails.apply(args=[str(event.pk)]).get() == 3  # eager: each batch sent inline
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in fans)


def test_exact_multiple_of_the_batch_size_ends_without_an_empty_batch(
    container, settings, django_capture_on_commit_callbacks
):
    settings.WISHLIST_EMAIL_BATCH_SIZE = 2
    product = ProductFactory()
    _wishlisters(product, 4)
    event = _back_in_stock(container, product, django_capture_on_commit_callbacks, execute=False)
    assert [len(b) for b in container.wishlist_email_consumer().batches(str(event.pk))] == [2, 2]


class FailingAfterOneBackend(LocmemBackend):
    """A mail server that accepts one message, then drops the connection."""

    accepted = 0

    def send_messages(self, messages):
        if FailingAfterOneBackend.accepted >= 1:
            raise ConnectionResetError("SMTP connection lost")
        FailingAfterOneBackend.accepted += 1
        return super().send_messages(messages)


def test_smtp_failure_mid_batch_keeps_the_sent_receipts_and_the_retry_sends_the_rest(
    container, settings, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    fans = _wishlisters(product, 3)
    event = _back_in_stock(container, product, django_capture_on_commit_callbacks, execute=False)
    consumer = container.wishlist_email_consumer()
    ids = [u.pk for u in fans]
    settings.EMAIL_BACKEND = f"{__name__}.FailingAfterOneBackend"
    FailingAfterOneBackend.accepted = 0
    with pytest.raises(ConnectionResetError):
        consumer.send_batch(str(event.pk), ids)
    assert ProcessedEvent.objects.filter(event=event).count() == 1  # the one that went out
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert consumer.send_batch(str(event.pk), ids) == 2  # the retry
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in fans)


def test_nobody_is_emailed_about_a_deleted_product(container, django_capture_on_commit_callbacks):
    product = ProductFactory()
    _wishlisters(product, 2)
    event = _back_in_stock(container, product, django_capture_on_commit_callbacks, execute=False)
    container.product_service().soft_delete(product.pk)
    assert list(container.wishlist_email_consumer().batches(str(event.pk))) == []


def test_a_user_who_removed_the_product_before_the_batch_ran_gets_nothing(
    container, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    stays, leaves = _wishlisters(product, 2)
    event = _back_in_stock(container, product, django_capture_on_commit_callbacks, execute=False)
    [batch] = container.wishlist_email_consumer().batches(str(event.pk))
    container.wishlist_service().remove(leaves, product.pk)
    assert container.wishlist_email_consumer().send_batch(str(event.pk), batch) == 1
    assert [m.to for m in mail.outbox] == [[stays.email]]


def test_other_events_are_not_wishlist_events(container):
    event = EventFactory(type=EventType.ORDER_PLACED)
    consumer = container.wishlist_email_consumer()
    assert list(consumer.batches(str(event.pk))) == []
    assert consumer.send_batch(str(event.pk), [UserFactory().pk]) == 0
