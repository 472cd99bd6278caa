"""Unpaid-order expiry: OrderExpiryService, the `expire_orders` command and hook, payments of expired orders."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.exceptions import ConflictError
from apps.core.models.events import Event, EventType
from apps.core.models.promotions import VoucherUse
from apps.core.models.shopping import Order, OrderStatus
from apps.core.services.events import tasks as event_tasks
from tests.factories import ProductFactory
from tests.factories_checkout import VoucherFactory
from tests.factories_shop import CartItemFactory, OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def placed(container, user, *pairs) -> Order:
    """An order placed through checkout (stock deducted) from (product, quantity) pairs."""
    for product, quantity in pairs:
        CartItemFactory(cart__user=user, product=product, quantity=quantity)
    order, _ = container.order_service().place_order(user)
    return order


@pytest.fixture
def expiry_service(container):
    return container.order_expiry_service()


def test_expire_due_expires_only_pending_orders_past_their_deadline(container, expiry_service, customer):
    product = ProductFactory(stock=10)
    due = placed(container, customer, (product, 2))
    not_yet = placed(container, customer, (product, 1))
    paid_late = OrderFactory(status=OrderStatus.PAID, expires_at=timezone.now() - timedelta(hours=1))
    later = due.expires_at + timedelta(seconds=1)
    Order.objects.filter(pk=not_yet.pk).update(expires_at=later + timedelta(minutes=1))

    expired = expiry_service.expire_due(later)

    assert expired == [due.number]
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "expired", not_yet.pk: "pending", paid_late.pk: "paid"}
    due.refresh_from_db()
    assert due.expired_at is not None
    product.refresh_from_db()
    assert product.stock == 9  # the expired order's 2 units are back; the pending one still holds 1


def test_expiry_gives_stock_back_exactly_once(container, expiry_service, customer):
    product = ProductFactory(stock=5)
    order = placed(container, customer, (product, 3))
    after = order.expires_at + timedelta(seconds=1)
    assert expiry_service.expire_due(after) == [order.number]
    assert expiry_service.expire_due(after + timedelta(minutes=5)) == []  # a second run finds nothing
    product.refresh_from_db()
    assert product.stock == 5


def test_expiry_gives_the_voucher_use_back_and_records_the_event(expiry_service, customer):
    voucher = VoucherFactory(usage_limit=1, used_count=1)
    order = OrderFactory(user=customer, expires_at=timezone.now() - timedelta(minutes=1))
    OrderLineFactory(order=order, product=ProductFactory(stock=0), quantity=1)
    VoucherUse.objects.create(voucher=voucher, user=customer, order=order)

    expiry_service.expire_due()

    voucher.refresh_from_db()
    assert voucher.used_count == 0
    assert not VoucherUse.objects.filter(order=order).exists()
    event = Event.objects.get(type=EventType.ORDER_EXPIRED)
    assert (event.payload["number"], event.payload["status"]) == (order.number, "expired")


def test_orders_without_a_deadline_never_expire(expiry_service):
    OrderFactory(expires_at=None)
    assert expiry_service.expire_due(timezone.now() + timedelta(days=365)) == []


def test_expire_due_takes_at_most_a_batch_oldest_first(container, settings):
    settings.ORDER_EXPIRY_BATCH_SIZE = 2
    now = timezone.now()
    orders = [OrderFactory(expires_at=now - timedelta(minutes=m)) for m in (1, 3, 2)]
    service = container.order_expiry_service()
    assert service.expire_due(now) == [orders[1].number, orders[2].number]
    assert service.expire_due(now) == [orders[0].number]


def test_expired_email_is_sent(expiry_service, customer, mailoutbox, django_capture_on_commit_callbacks):
    order = OrderFactory(user=customer, expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        expiry_service.expire_due()
    assert [m.subject for m in mailoutbox] == [f"Order {order.number} expired"]


def test_payment_for_an_expired_order_is_refused(payment_service, customer, expiry_service):
    order = OrderFactory(user=customer, total="10.00", expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ConflictError) as early:  # past the deadline, before the job ran
        payment_service.pay(customer, order.pk, method="card")
    assert early.value.code == "order_expired"
    expiry_service.expire_due()
    with pytest.raises(ConflictError) as late:
        payment_service.pay(customer, order.pk, method="card")
    assert late.value.code == "order_not_payable"
    assert not order.payments.exists()


def test_expire_orders_command(container, customer):
    product = ProductFactory(stock=4)
    order = placed(container, customer, (product, 4))
    out = StringIO()
    call_command("expire_orders", now=(order.expires_at + timedelta(seconds=1)).isoformat(), stdout=out)
    assert f"expired {order.number}" in out.getvalue()
    assert "1 unpaid order(s) expired." in out.getvalue()
    product.refresh_from_db()
    assert product.stock == 4
    out = StringIO()
    call_command("expire_orders", stdout=out)  # now: the order is already expired
    assert "0 unpaid order(s) expired." in out.getvalue()


def test_scheduled_hook_runs_the_expiry_every_minute(settings, customer):
    hook = settings.SCHEDULED_HOOKS["expire-unpaid-orders"]
    assert (hook["path"], hook["every_s"]) == ("apps.core.tasks.expire_orders", 60)
    order = OrderFactory(user=customer, expires_at=timezone.now() - timedelta(seconds=1))
    assert event_tasks.run_hook.apply(args=["expire-unpaid-orders"]).get() is True
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
