"""RefundService: amounts per line and quantity, partial and full refunds, restock, shipping, declines, idempotency."""

from decimal import Decimal

import pytest

from apps.core.exceptions import (
    IdempotencyKeyMismatchError,
    InvalidInputError,
    NotFoundError,
    OrderNotRefundableError,
    RefundDeclinedError,
)
from apps.core.models.events import Event, EventType
from apps.core.models.payments import PaymentStatus, Refund, RefundLine
from apps.core.models.shopping import OrderLine, OrderStatus
from apps.core.services.idempotency import IdempotentRequest
from apps.core.services.payments import SandboxGateway
from apps.core.services.shopping.refunds import (
    RefundLineRequest,
    RefundRequest,
    line_paid_total,
    line_refund_amount,
    shipping_paid,
)
from tests.factories import AdminFactory, ProductFactory, UserFactory
from tests.factories_shop import OrderFactory, OrderLineFactory, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def refund_service(container):
    return container.refund_service()


@pytest.fixture
def staff(db):
    return AdminFactory()


def ask(*lines, restock=False, shipping=False, reason="") -> RefundRequest:
    """A refund request of (order line, quantity) pairs."""
    return RefundRequest(
        lines=tuple(RefundLineRequest(line=line.pk, quantity=quantity) for line, quantity in lines),
        restock=restock,
        shipping=shipping,
        reason=reason,
    )


def two_line_order(status=OrderStatus.DELIVERED):
    """A paid order: 3 x 10.00 and 1 x 5.50 (total 35.50), products with stock 0."""
    kettle = ProductFactory(price=Decimal("10.00"), stock=0)
    mug = ProductFactory(price=Decimal("5.50"), stock=0)
    order = paid_order((kettle, 3), (mug, 1), status=status)
    lines = {line.product_id: line for line in order.lines.all()}
    return order, lines[kettle.pk], lines[mug.pk]


def test_line_refund_amounts_add_up_to_the_line_exactly():
    line = OrderLine(quantity=3, unit_price=Decimal("3.33"), line_total=Decimal("10.00"))  # as stored, not recomputed
    parts = [line_refund_amount(line, 1, already) for already in range(3)]
    assert parts == [Decimal("3.33"), Decimal("3.34"), Decimal("3.33")]
    assert sum(parts) == line_paid_total(line)
    assert line_refund_amount(line, 3, 0) == Decimal("10.00")


def test_partial_refund_of_one_line(refund_service, staff):
    order, kettle, mug = two_line_order()
    refund, created = refund_service.refund(staff, order.pk, ask((kettle, 1), reason="dented"))
    assert created
    assert (refund.amount, refund.restocked, refund.shipping_refunded) == (Decimal("10.00"), False, False)
    assert [(r.order_line_id, r.quantity, r.amount) for r in refund.lines.all()] == [(kettle.pk, 1, Decimal("10.00"))]
    assert refund.reference.startswith("sbx_re_")
    assert (refund.reason, refund.created_by, refund.currency) == ("dented", staff, "USD")
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert order.payments.get().status == PaymentStatus.SUCCEEDED
    event = Event.objects.get(type=EventType.ORDER_REFUNDED)
    assert (event.payload["refund_amount"], event.payload["refund_id"]) == ("10.00", refund.pk)


def test_refunds_until_everything_paid_is_back_make_the_order_refunded(refund_service, staff):
    order, kettle, mug = two_line_order()
    refund_service.refund(staff, order.pk, ask((kettle, 2)))
    last, _ = refund_service.refund(staff, order.pk, ask((kettle, 1), (mug, 1)))
    assert last.amount == Decimal("15.50")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert order.payments.get().status == PaymentStatus.REFUNDED
    assert sum(Refund.objects.filter(order=order).values_list("amount", flat=True)) == order.total
    assert [e.payload["refund_amount"] for e in Event.objects.filter(type=EventType.ORDER_REFUNDED)] == [
        "20.00",
        "15.50",
    ]


def test_quantity_beyond_what_is_left_is_refused_and_changes_nothing(refund_service, staff):
    order, kettle, _ = two_line_order()
    refund_service.refund(staff, order.pk, ask((kettle, 2)))
    with pytest.raises(InvalidInputError) as error:
        refund_service.refund(staff, order.pk, ask((kettle, 2)))
    assert (error.value.code, error.value.attr) == ("exceeds_refundable", "lines")
    assert Refund.objects.count() == 1
    assert RefundLine.objects.get().quantity == 2


def test_restock_puts_the_refunded_units_back(refund_service, staff):
    order, kettle, mug = two_line_order()
    refund, _ = refund_service.refund(staff, order.pk, ask((kettle, 2), restock=True))
    assert refund.restocked
    kettle.product.refresh_from_db()
    mug.product.refresh_from_db()
    assert (kettle.product.stock, mug.product.stock) == (2, 0)


def test_no_restock_leaves_stock_alone(refund_service, staff):
    order, kettle, _ = two_line_order()
    refund_service.refund(staff, order.pk, ask((kettle, 2)))
    kettle.product.refresh_from_db()
    assert kettle.product.stock == 0


def test_shipping_is_refunded_once(refund_service, staff):
    order, kettle, _ = two_line_order()
    refund, _ = refund_service.refund(staff, order.pk, ask((kettle, 1), shipping=True))
    assert refund.shipping_refunded
    assert refund.amount == Decimal("10.00") + shipping_paid(order)
    with pytest.raises(InvalidInputError) as error:
        refund_service.refund(staff, order.pk, ask(shipping=True))
    assert (error.value.code, error.value.attr) == ("shipping_already_refunded", "shipping")


def test_declined_refund_changes_nothing(container, staff):
    order, kettle, _ = two_line_order()
    gateway = SandboxGateway(refund_outcome="decline")
    service = container.refund_service(gateway=gateway, state_machine=container.order_state_machine(gateway=gateway))
    with pytest.raises(RefundDeclinedError):
        service.refund(staff, order.pk, ask((kettle, 3), restock=True, shipping=True))
    order.refresh_from_db()
    kettle.product.refresh_from_db()
    assert (order.status, kettle.product.stock) == (OrderStatus.DELIVERED, 0)
    assert order.payments.get().status == PaymentStatus.SUCCEEDED
    assert not Refund.objects.exists()
    assert not Event.objects.exists()


def test_declined_setting_reaches_the_gateway(container, settings, staff):
    settings.PAYMENT_SANDBOX_REFUND_OUTCOME = "decline"
    order, kettle, _ = two_line_order()
    with pytest.raises(RefundDeclinedError):
        container.refund_service().refund(staff, order.pk, ask((kettle, 1)))


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.CANCELLED, OrderStatus.EXPIRED, "refunded"])
def test_orders_not_paid_are_not_refundable(refund_service, staff, status):
    order, kettle, _ = two_line_order(status=status)
    with pytest.raises(OrderNotRefundableError):
        refund_service.refund(staff, order.pk, ask((kettle, 1)))


def test_order_without_settled_payment_is_not_refundable(refund_service, staff):
    order = OrderFactory(status=OrderStatus.PAID, total=Decimal("10.00"))  # marked paid by hand, no payment
    line = OrderLineFactory(order=order)
    with pytest.raises(OrderNotRefundableError):
        refund_service.refund(staff, order.pk, ask((line, 1)))


def test_line_of_another_order_or_twice_or_nothing_is_refused(refund_service, staff):
    order, kettle, _ = two_line_order()
    other, other_line, _ = two_line_order()
    cases = [
        (ask((other_line, 1)), "unknown_order_line"),
        (ask((kettle, 1), (kettle, 1)), "duplicate_line"),
        (ask(), "empty_refund"),
    ]
    for request, code in cases:
        with pytest.raises(InvalidInputError) as error:
            refund_service.refund(staff, order.pk, request)
        assert (error.value.code, error.value.attr) == (code, "lines")
    assert not Refund.objects.exists()


def test_unknown_order_is_not_found(refund_service, staff):
    with pytest.raises(NotFoundError):
        refund_service.refund(staff, 999999, ask())


def test_idempotency_key_replays_the_first_refund(refund_service, staff):
    order, kettle, _ = two_line_order()
    body = {"lines": [{"line": kettle.pk, "quantity": 1}]}
    key = IdempotentRequest.of("refund-1", "POST", f"/api/orders/{order.pk}/refunds/", body)
    first, created = refund_service.refund(staff, order.pk, ask((kettle, 1)), idempotency=key)
    again, replayed = refund_service.refund(staff, order.pk, ask((kettle, 1)), idempotency=key)
    assert (created, replayed, again.pk) == (True, False, first.pk)
    assert Refund.objects.count() == 1
    other = IdempotentRequest.of("refund-1", "POST", f"/api/orders/{order.pk}/refunds/", {"lines": []})
    with pytest.raises(IdempotencyKeyMismatchError):
        refund_service.refund(staff, order.pk, ask((kettle, 2)), idempotency=other)


def test_list_page_owner_and_staff_only(refund_service, staff):
    order, kettle, mug = two_line_order()
    first, _ = refund_service.refund(staff, order.pk, ask((kettle, 1)))
    second, _ = refund_service.refund(staff, order.pk, ask((mug, 1)))
    assert [r.pk for r in refund_service.list_page(order.user, order.pk, page=1, page_size=20).items] == [
        second.pk,
        first.pk,
    ]
    assert refund_service.list_page(staff, order.pk, page=1, page_size=20).count == 2
    with pytest.raises(NotFoundError):
        refund_service.list_page(UserFactory(), order.pk, page=1, page_size=20)


def test_refund_email_names_the_amount(refund_service, staff, mailoutbox, django_capture_on_commit_callbacks):
    order, kettle, _ = two_line_order()
    with django_capture_on_commit_callbacks(execute=True):
        refund_service.refund(staff, order.pk, ask((kettle, 1)))
    assert [m.subject for m in mailoutbox] == [f"Order {order.number} was refunded"]
    assert "Refunded: 10.00 USD" in mailoutbox[0].body
