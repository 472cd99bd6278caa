"""Real concurrent refunds on PostgreSQL: the sum of refunds never exceeds what was paid.

Each thread refunds in its own database connection, released together by a barrier; the gateway
pauses like a provider's round trip, so every refund transaction overlaps the others.
"""

import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum

from apps.core.exceptions import InvalidInputError, OrderNotRefundableError
from apps.core.models.payments import Refund
from apps.core.models.shopping import OrderStatus
from apps.core.services.payments import SandboxGateway
from apps.core.services.shopping.refunds import RefundLineRequest, RefundRequest
from tests.factories import AdminFactory, ProductFactory
from tests.factories_shop import paid_order
from tests.services.shopping.test_checkout_concurrency import max_overlap, run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class SlowSandbox(SandboxGateway):
    def refund(self, reference, amount, currency):
        time.sleep(0.05)
        return super().refund(reference, amount, currency)


def refunder(container, staff, order_id, request):
    def job():
        gateway = SlowSandbox()
        machine = container.order_state_machine(gateway=gateway)
        container.refund_service(gateway=gateway, state_machine=machine).refund(staff, order_id, request)

    return job


@pytest.mark.parametrize(("n_requests", "quantity"), [(8, 3), (5, 5)])
def test_concurrent_unit_refunds_never_exceed_the_line(container, n_requests, quantity):
    staff = AdminFactory()
    product = ProductFactory(price=Decimal("3.33"), stock=0)
    order = paid_order((product, quantity))
    line = order.lines.get()
    one_unit = RefundRequest(lines=(RefundLineRequest(line=line.pk, quantity=1),), restock=True)

    spans: list[tuple[float, float]] = []
    outcomes = run_concurrently([refunder(container, staff, order.pk, one_unit)] * n_requests, spans)

    counts = Counter(outcomes)
    # a loser finds the line used up (400 exceeds_refundable) or the order already refunded (409)
    refused = counts[InvalidInputError.__name__] + counts[OrderNotRefundableError.__name__]
    refunded = Refund.objects.filter(order=order).aggregate(total=Sum("amount"))["total"]
    order.refresh_from_db()
    product.refresh_from_db()
    print(
        f"\nconcurrent refunds: N={n_requests} units={quantity} ok={counts['ok']} refused="
        f"{refused} refunded={refunded}/{order.total} overlap={max_overlap(spans)}"
    )
    assert max_overlap(spans) > 1
    assert counts["ok"] == min(n_requests, quantity)
    assert refused == n_requests - counts["ok"]
    assert refunded <= order.total
    assert product.stock == counts["ok"]  # restocked once per successful refund
    expected_status = OrderStatus.REFUNDED if n_requests >= quantity else OrderStatus.PARTIALLY_REFUNDED
    assert order.status == expected_status
    if expected_status == OrderStatus.REFUNDED:
        assert refunded == order.total


def test_concurrent_full_refunds_refund_once(container):
    staff = AdminFactory()
    first, second = ProductFactory(price=Decimal("19.99"), stock=0), ProductFactory(price=Decimal("5.00"), stock=0)
    order = paid_order((first, 2), (second, 1))
    everything = RefundRequest(
        lines=tuple(RefundLineRequest(line=line.pk, quantity=line.quantity) for line in order.lines.all()),
        shipping=True,
    )

    outcomes = run_concurrently([refunder(container, staff, order.pk, everything)] * 4)

    assert sorted(outcomes) == ["OrderNotRefundableError"] * 3 + ["ok"]  # the first made the order refunded
    assert Refund.objects.filter(order=order).get().amount == order.total
