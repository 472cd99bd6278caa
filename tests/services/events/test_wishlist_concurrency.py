"""Two workers sending the same wishlist batch at once (a redelivered task) on PostgreSQL: each user once."""

import pytest
from django.core import mail

from apps.core.models.events import EventType, ProcessedEvent
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import WishlistItemFactory
from tests.services.shopping.test_checkout_concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_copies_of_a_batch_email_each_user_once(container, mailoutbox):
    product = ProductFactory()
    fans = [WishlistItemFactory(product=product, user=UserFactory()).user for _ in range(6)]
    payload = {"product_id": product.pk, "name": product.name, "slug": product.slug, "price": "9.99", "stock": 1}
    event = container.event_service().record(EventType.PRODUCT_BACK_IN_STOCK, payload)  # autocommit: published
    mail.outbox.clear()  # eager mode sent them already; the copies below must find receipts or race for them
    ProcessedEvent.objects.filter(event=event).delete()
    ids = [u.pk for u in fans]
    sent: list[int] = []
    jobs = [lambda: sent.append(container.wishlist_email_consumer().send_batch(str(event.pk), ids)) for _ in range(4)]
    assert run_concurrently(jobs) == ["ok"] * 4
    assert sum(sent) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in fans)
    assert ProcessedEvent.objects.filter(event=event).count() == 6
