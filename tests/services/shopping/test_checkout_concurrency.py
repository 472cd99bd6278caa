"""Real concurrent transactions on PostgreSQL: checkouts never oversell, cancels restock once,
an idempotency key places one order (or makes one payment), a webhook event applies once.

Each thread runs the service in its own database connection (Django opens one per thread);
a barrier releases them together so their transactions overlap.
"""

import json
import threading
import time
from collections import Counter

import pytest
from django.db import connection

from apps.core.exceptions import IllegalTransitionError, InsufficientStockError
from apps.core.models.catalog import Product
from apps.core.models.payments import Payment, PaymentStatus, WebhookEvent
from apps.core.models.shopping import CartItem, Order, OrderLine, OrderStatus
from apps.core.services.idempotency import IdempotentRequest
from apps.core.services.payments.gateways import SandboxGateway
from apps.core.services.payments.payments import sign
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import CartItemFactory, OrderFactory, PaymentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def max_overlap(spans: list[tuple[float, float]]) -> int:
    """The largest number of (start, end) spans in progress at one instant."""
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def run_concurrently(jobs, spans: list | None = None) -> list[str]:
    """Run callables in parallel threads released by one barrier; return each outcome's name.

    When `spans` is given, each job's (start, end) monotonic times are appended to it.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = [""] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=10)
            start = time.monotonic()
            try:
                job()
            finally:
                if spans is not None:
                    spans.append((start, time.monotonic()))
            outcomes[index] = "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test asserts on
            outcomes[index] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize(("n_buyers", "stock"), [(12, 5), (6, 10), (8, 8)])
def test_concurrent_checkouts_never_oversell(container, mailoutbox, n_buyers, stock):
    # given N buyers, each with 1 unit of the same product (stock S) in their cart
    product = ProductFactory(stock=stock)
    buyers = [UserFactory() for _ in range(n_buyers)]
    for buyer in buyers:
        CartItemFactory(cart__user=buyer, product=product, quantity=1)

    # when they all check out at once
    spans: list[tuple[float, float]] = []
    outcomes = run_concurrently([lambda b=buyer: container.order_service().place_order(b) for buyer in buyers], spans)

    # then exactly min(N, S) succeed and stock ends at max(0, S - N)
    counts = Counter(outcomes)
    product.refresh_from_db()
    print(
        f"\nconcurrent checkout: N={n_buyers} S={stock} succeeded={counts['ok']} "
        f"rejected={counts[InsufficientStockError.__name__]} final_stock={product.stock} "
        f"max_overlapping_transactions={max_overlap(spans)}"
    )
    assert max_overlap(spans) > 1  # the checkouts really ran at the same time
    assert counts["ok"] == min(n_buyers, stock)
    assert counts[InsufficientStockError.__name__] == n_buyers - min(n_buyers, stock)
    assert product.stock == max(0, stock - n_buyers)
    assert Order.objects.count() == min(n_buyers, stock)
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == stock - product.stock
    # losers keep their carts, and only winners were e-mailed (after their commit)
    assert CartItem.objects.count() == n_buyers - counts["ok"]
    assert len(mailoutbox) == counts["ok"]


def test_concurrent_multi_line_checkouts_do_not_deadlock(container):
    # carts holding the same two products, added in opposite orders
    first, second = ProductFactory(stock=3), ProductFactory(stock=3)
    buyers = [UserFactory() for _ in range(6)]
    for i, buyer in enumerate(buyers):
        pair = (first, second) if i % 2 else (second, first)
        for product in pair:
            CartItemFactory(cart__user=buyer, product=product, quantity=1)

    outcomes = run_concurrently([lambda b=buyer: container.order_service().place_order(b) for buyer in buyers])

    counts = Counter(outcomes)
    assert counts["ok"] == 3
    assert counts[InsufficientStockError.__name__] == 3
    assert set(Product.objects.values_list("stock", flat=True)) == {0}


def test_checkouts_and_cart_adds_of_the_same_variants_do_not_deadlock(container):
    # checkouts lock their variant rows while other customers put the same variants in their carts:
    # the cart lines' foreign key checks (KEY SHARE) must not deadlock with the checkouts' locks
    products = [ProductFactory(stock=1000, requires_shipping=False) for _ in range(3)]
    buyers, browsers = [UserFactory() for _ in range(6)], [UserFactory() for _ in range(6)]
    for i, buyer in enumerate(buyers):
        for product in products[i % 3 :] + products[: i % 3]:  # the same rows, in different orders
            CartItemFactory(cart__user=buyer, product=product, quantity=1)
    cart = container.cart_service()

    def browse(user) -> None:
        for product in products:
            cart.add_item(user, product.pk, 1)

    jobs = [lambda b=buyer: container.order_service().place_order(b) for buyer in buyers]
    jobs += [lambda u=user: browse(u) for user in browsers]
    outcomes = run_concurrently(jobs)

    assert Counter(outcomes) == {"ok": len(jobs)}
    assert sorted(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("stock", flat=True)) == [
        994,
        994,
        994,
    ]


def test_two_concurrent_cancels_restore_stock_once(container):
    product = ProductFactory(stock=10)
    buyer = UserFactory()
    CartItemFactory(cart__user=buyer, product=product, quantity=4)
    order, _ = container.order_service().place_order(buyer)
    product.refresh_from_db()
    assert product.stock == 6

    outcomes = run_concurrently([lambda: container.order_service().cancel(buyer, order.pk) for _ in range(2)])

    product.refresh_from_db()
    print(f"\nconcurrent cancel: outcomes={sorted(outcomes)} final_stock={product.stock}")
    assert sorted(outcomes) == sorted(["ok", IllegalTransitionError.__name__])
    assert product.stock == 10
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_concurrent_requests_with_one_idempotency_key_place_one_order(container):
    product = ProductFactory(stock=10)
    buyer = UserFactory()
    CartItemFactory(cart__user=buyer, product=product, quantity=2)
    results = []

    def checkout():
        key = IdempotentRequest.of("double-click", "POST", "/api/orders/", None)
        order, created = container.order_service().place_order(buyer, idempotency=key)
        results.append((order.pk, created))

    outcomes = run_concurrently([checkout for _ in range(4)])

    assert outcomes == ["ok"] * 4
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    product.refresh_from_db()
    assert product.stock == 8


def test_concurrent_payments_with_one_idempotency_key_charge_once(container):
    buyer = UserFactory()
    order = OrderFactory(user=buyer, total="10.00")
    key = IdempotentRequest.of("pay-twice", "POST", f"/api/orders/{order.pk}/payments/", {"method": "card"})
    results = []

    def pay():
        payment, created = container.payment_service().pay(buyer, order.pk, method="card", idempotency=key)
        results.append((payment.pk, created))

    outcomes = run_concurrently([pay for _ in range(4)])

    assert outcomes == ["ok"] * 4  # each duplicate waited for the first and replayed its payment
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert Payment.objects.filter(order=order).count() == 1


def test_concurrent_deliveries_of_one_webhook_event_apply_once(container):
    order = OrderFactory(total="10.00")
    payment = PaymentFactory(order=order, status=PaymentStatus.PENDING)
    body = json.dumps({"id": "evt_race", "type": "payment.succeeded", "data": {"reference": payment.reference}})
    results = []

    def deliver():
        gateway = SandboxGateway()
        machine = container.order_state_machine(gateway=gateway)
        service = container.payment_service(gateway=gateway, state_machine=machine, webhook_secret="s3cret")
        results.append(service.handle_webhook(body.encode(), sign("s3cret", body.encode())).applied)

    outcomes = run_concurrently([deliver for _ in range(4)])

    assert outcomes == ["ok"] * 4
    assert sorted(results) == [False, False, False, True]
    assert WebhookEvent.objects.count() == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
