"""Real concurrent transactions on PostgreSQL: expiry racing with a payment or a cancel — exactly one wins,
and the stock (and the voucher use) goes back exactly once.

Each thread runs a service in its own database connection; a barrier releases them together. The
gateway of the payment is slowed down so that its transaction (holding the order row) really overlaps
the expiry job's.
"""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.exceptions import ConflictError, IllegalTransitionError
from apps.core.models.payments import Payment, PaymentStatus
from apps.core.models.promotions import VoucherUse
from apps.core.models.shopping import OrderStatus
from apps.core.services.payments import SandboxGateway
from tests.factories import ProductFactory, UserFactory
from tests.factories_checkout import VoucherFactory
from tests.factories_shop import CartItemFactory
from tests.services.shopping.test_checkout_concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class SlowSandbox(SandboxGateway):
    """Charges like the sandbox, after a pause (a provider's round trip)."""

    def charge(self, request):
        time.sleep(0.2)
        return super().charge(request)


def place(container, stock: int = 10, quantity: int = 3):
    product = ProductFactory(stock=stock)
    buyer = UserFactory()
    CartItemFactory(cart__user=buyer, product=product, quantity=quantity)
    order, _ = container.order_service().place_order(buyer)
    return product, buyer, order


@pytest.mark.parametrize("payment_first", [True, False])
@pytest.mark.parametrize("attempt", range(3))
def test_payment_racing_expiry_exactly_one_wins(container, payment_first, attempt):
    product, buyer, order = place(container)
    # the deadline passes while the customer is paying: the payment checks it only when it starts
    deadline = timezone.now() + (timedelta(milliseconds=100) if payment_first else timedelta(0))
    type(order).objects.filter(pk=order.pk).update(expires_at=deadline)

    def pay():
        gateway = SlowSandbox()
        machine = container.order_state_machine(gateway=gateway)
        container.payment_service(gateway=gateway, state_machine=machine).pay(buyer, order.pk, method="card")

    def expire():
        if payment_first:
            time.sleep(0.1)  # the payment took the order row first
        assert container.order_expiry_service().expire_due(deadline + timedelta(seconds=1)) in ([], [order.number])

    outcomes = run_concurrently([pay, expire])

    order.refresh_from_db()
    product.refresh_from_db()
    paid = Payment.objects.filter(order=order, status=PaymentStatus.SUCCEEDED).count()
    print(f"\npay vs expire (payment_first={payment_first}): {outcomes} -> {order.status}, stock {product.stock}")
    assert order.status in (OrderStatus.PAID, OrderStatus.EXPIRED)
    if order.status == OrderStatus.PAID:
        assert outcomes == ["ok", "ok"]  # the job skipped the paid order
        assert (paid, product.stock) == (1, 7)
    else:
        assert outcomes[0] == ConflictError.__name__  # order_not_payable or order_expired: 409
        assert (paid, product.stock) == (0, 10)
    if payment_first:
        assert order.status == OrderStatus.PAID


@pytest.mark.parametrize("attempt", range(5))
def test_cancel_racing_expiry_gives_stock_and_voucher_back_once(container, attempt):
    product, buyer, order = place(container)
    voucher = VoucherFactory(usage_limit=3, used_count=1)
    VoucherUse.objects.create(voucher=voucher, user=buyer, order=order)
    type(order).objects.filter(pk=order.pk).update(expires_at=timezone.now())
    expired: list[list[str]] = []

    outcomes = run_concurrently(
        [
            lambda: container.order_service().cancel(buyer, order.pk),
            lambda: expired.append(container.order_expiry_service().expire_due()),
        ]
    )

    order.refresh_from_db()
    product.refresh_from_db()
    voucher.refresh_from_db()
    print(f"\ncancel vs expire: {outcomes} expired={expired} -> {order.status}, stock {product.stock}")
    assert order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
    winners = Counter([order.status == OrderStatus.CANCELLED and outcomes[0] == "ok", expired == [[order.number]]])
    assert winners[True] == 1  # exactly one of them moved the order
    if order.status == OrderStatus.EXPIRED:
        assert outcomes[0] == IllegalTransitionError.__name__
    assert product.stock == 10
    assert voucher.used_count == 0
    assert not VoucherUse.objects.exists()


def test_many_expiry_jobs_at_once_expire_each_order_once(container):
    product = ProductFactory(stock=20)
    orders = []
    for _ in range(6):
        buyer = UserFactory()
        CartItemFactory(cart__user=buyer, product=product, quantity=2)
        orders.append(container.order_service().place_order(buyer)[0])
    product.refresh_from_db()
    assert product.stock == 8
    later = max(o.expires_at for o in orders) + timedelta(seconds=1)
    results: list[list[str]] = []

    outcomes = run_concurrently([lambda: results.append(container.order_expiry_service().expire_due(later))] * 4)

    assert outcomes == ["ok"] * 4
    numbers = [number for result in results for number in result]
    assert sorted(numbers) == sorted(o.number for o in orders)  # each order expired by exactly one job
    product.refresh_from_db()
    assert product.stock == 20
