"""Real concurrent transactions on PostgreSQL: voucher usage limits are exact, a use is given back once.

Like the oversell test (test_checkout_concurrency.py): each thread runs the service in its own
database connection and a barrier releases them together so their transactions overlap.
"""

from collections import Counter
from decimal import Decimal

import pytest

from apps.core.exceptions import InvalidInputError
from apps.core.models.promotions import Voucher, VoucherType, VoucherUse
from apps.core.models.shopping import CartItem, Order
from apps.core.services.shopping.order_placement import OrderInput
from tests.factories import ProductFactory, UserFactory
from tests.factories_checkout import AddressFactory, ShippingMethodFactory, TaxRateFactory, VoucherFactory
from tests.factories_shop import CartItemFactory
from tests.services.shopping.test_checkout_concurrency import max_overlap, run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_parallel_checkouts_with_a_limit_of_ten_discount_exactly_ten(container):
    # given 50 customers, each with an address and the same product in the cart, and a voucher limited to 10 uses
    product = ProductFactory(price=Decimal("40.00"), stock=500, requires_shipping=True)
    method = ShippingMethodFactory(countries=["GB"], price=Decimal("3.50"))
    TaxRateFactory(country="GB", rate=Decimal("0.2000"))
    voucher = VoucherFactory(code="TENONLY", type=VoucherType.PERCENTAGE, value=Decimal("25"), usage_limit=10)
    buyers = []
    for _ in range(50):
        buyer = UserFactory()
        CartItemFactory(cart__user=buyer, product=product, quantity=1)
        buyers.append((buyer, AddressFactory(user=buyer)))

    # when they all check out with the voucher at once
    def checkout(buyer, address):
        data = OrderInput(shipping_address=address.pk, shipping_method=method.pk, voucher_code="tenonly")
        container.order_service().place_order(buyer, data)

    spans: list[tuple[float, float]] = []
    outcomes = run_concurrently([lambda b=b, a=a: checkout(b, a) for b, a in buyers], spans)

    # then exactly 10 orders were placed, each discounted, and the voucher holds exactly 10 uses
    counts = Counter(outcomes)
    voucher.refresh_from_db()
    discounted = Order.objects.filter(voucher=voucher, discount_total__gt=0)
    print(
        f"\nvoucher race: N=50 limit=10 placed={counts['ok']} refused={counts[InvalidInputError.__name__]} "
        f"used_count={voucher.used_count} max_overlapping_transactions={max_overlap(spans)}"
    )
    assert max_overlap(spans) > 1  # the checkouts really ran at the same time
    assert counts == Counter({"ok": 10, InvalidInputError.__name__: 40})
    assert discounted.count() == 10
    assert Order.objects.count() == 10
    assert voucher.used_count == 10
    assert VoucherUse.objects.filter(voucher=voucher).count() == 10
    assert set(VoucherUse.objects.values_list("order_id", flat=True)) == set(discounted.values_list("pk", flat=True))
    # the refused customers keep their carts; stock moved only for the placed orders
    assert CartItem.objects.count() == 40
    product.refresh_from_db()
    assert product.stock == 490


def test_concurrent_releases_give_a_use_back_once(container):
    product = ProductFactory(price=Decimal("10.00"), stock=5)
    buyer = UserFactory()
    VoucherFactory(code="ONCE", type=VoucherType.FIXED, value=Decimal("2.00"), usage_limit=3)
    CartItemFactory(cart__user=buyer, product=product, quantity=1)
    order, _ = container.order_service().place_order(buyer, OrderInput(voucher_code="ONCE"))
    assert Voucher.objects.get().used_count == 1
    released = []

    outcomes = run_concurrently([lambda: released.append(container.voucher_service().release(order)) for _ in range(4)])

    assert outcomes == ["ok"] * 4
    assert sorted(released) == [False, False, False, True]
    assert Voucher.objects.get().used_count == 0
    assert not VoucherUse.objects.exists()


def test_a_cancel_racing_a_checkout_of_the_last_use_never_overruns(container):
    # one use left after a cancel gives one back: of two new checkouts and the cancel, the limit holds
    product = ProductFactory(price=Decimal("10.00"), stock=10)
    voucher = VoucherFactory(code="PAIR", type=VoucherType.FIXED, value=Decimal("1.00"), usage_limit=1)
    first = UserFactory()
    CartItemFactory(cart__user=first, product=product, quantity=1)
    order, _ = container.order_service().place_order(first, OrderInput(voucher_code="PAIR"))
    others = [UserFactory() for _ in range(2)]
    for user in others:
        CartItemFactory(cart__user=user, product=product, quantity=1)

    jobs = [lambda: container.order_service().cancel(first, order.pk)] + [
        lambda u=u: container.order_service().place_order(u, OrderInput(voucher_code="PAIR")) for u in others
    ]
    outcomes = run_concurrently(jobs)

    assert outcomes[0] == "ok"  # the cancel never deadlocks with a checkout (voucher row, then products)
    assert set(outcomes[1:]) <= {"ok", InvalidInputError.__name__}
    voucher.refresh_from_db()
    live_uses = VoucherUse.objects.filter(voucher=voucher).count()
    assert voucher.used_count == live_uses <= 1
    product.refresh_from_db()
    assert product.stock == 10 - Order.objects.exclude(status="cancelled").count()
