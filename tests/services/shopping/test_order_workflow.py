"""The order workflow of the checkout issue: processing, tracking, the shop's own moves (expiry, refunds)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.exceptions import IllegalTransitionError, InvalidInputError, RefundDeclinedError
from apps.core.models.catalog import Product
from apps.core.models.events import Event, EventType
from apps.core.models.payments import PaymentStatus
from apps.core.models.promotions import Voucher, VoucherUse
from apps.core.models.shopping import Order, OrderStatus
from apps.core.services.payments import SandboxGateway
from apps.core.services.shopping.order_status import AUTOMATIC_TRANSITIONS, TRANSITIONS, can_transition
from tests.factories import ProductFactory
from tests.factories_checkout import VoucherFactory
from tests.factories_shop import CartItemFactory, OrderFactory, paid_order

pytestmark = pytest.mark.django_db

S = OrderStatus
# Moves only the shop makes: the expiry job (pending -> expired) and refunds.
SHOP_MOVES = {(S.PENDING, S.EXPIRED)} | {
    (current, requested)
    for current in (S.PAID, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.PARTIALLY_REFUNDED)
    for requested in (S.PARTIALLY_REFUNDED, S.REFUNDED)
}


def test_automatic_table_is_exactly_expiry_and_refunds():
    table = {(current, requested) for current, targets in AUTOMATIC_TRANSITIONS.items() for requested in targets}
    assert table == SHOP_MOVES
    assert set(TRANSITIONS) == set(S.values)


@pytest.mark.parametrize("current", list(S.values))
@pytest.mark.parametrize("requested", [S.EXPIRED, S.PARTIALLY_REFUNDED, S.REFUNDED])
def test_staff_can_never_ask_for_the_shops_own_moves(order_service, current, requested):
    order = OrderFactory(status=current)
    with pytest.raises(IllegalTransitionError):
        order_service.set_status(order.pk, requested)
    order.refresh_from_db()
    assert order.status == current


@pytest.mark.parametrize("current", list(S.values))
@pytest.mark.parametrize("requested", list(S.values))
def test_automatic_moves_allow_exactly_the_shops_moves(container, current, requested):
    order = OrderFactory(status=current)
    machine = container.order_state_machine()
    assert can_transition(current, requested, automatic=True) == ((current, requested) in SHOP_MOVES)
    if (current, requested) in SHOP_MOVES:
        assert machine.transition(order.pk, requested, automatic=True).status == requested
    else:
        with pytest.raises(IllegalTransitionError):
            machine.transition(order.pk, requested, automatic=True)


def test_processing_then_shipped_with_tracking_then_delivered(order_service):
    order = paid_order((ProductFactory(), 1))
    processing = order_service.set_status(order.pk, S.PROCESSING)
    assert processing.processing_at is not None
    shipped = order_service.set_status(order.pk, S.SHIPPED, tracking_number="1Z999AA10123456784", carrier="UPS")
    assert (shipped.status, shipped.tracking_number, shipped.carrier) == (S.SHIPPED, "1Z999AA10123456784", "UPS")
    assert shipped.shipped_at is not None
    delivered = order_service.set_status(order.pk, S.DELIVERED)
    assert (delivered.tracking_number, delivered.carrier) == ("1Z999AA10123456784", "UPS")  # kept


def test_paid_may_ship_directly(order_service):
    order = paid_order((ProductFactory(), 1))
    assert order_service.set_status(order.pk, S.SHIPPED, carrier="DHL").carrier == "DHL"


@pytest.mark.parametrize("status", [S.PROCESSING, S.DELIVERED, S.CANCELLED])
def test_tracking_only_with_a_move_to_shipped(order_service, status):
    order = paid_order((ProductFactory(), 1), status=S.PAID if status != S.DELIVERED else S.SHIPPED)
    with pytest.raises(InvalidInputError) as error:
        order_service.set_status(order.pk, status, tracking_number="ABC")
    assert (error.value.code, error.value.attr) == ("tracking_needs_shipped", "tracking_number")
    order.refresh_from_db()
    assert order.tracking_number == ""


def test_shipped_event_carries_tracking(order_service):
    order = paid_order((ProductFactory(), 1))
    order_service.set_status(order.pk, S.SHIPPED, tracking_number="JJD000390007", carrier="DHL")
    payload = Event.objects.get(type=EventType.ORDER_SHIPPED).payload
    assert (payload["tracking_number"], payload["carrier"], payload["number"]) == ("JJD000390007", "DHL", order.number)


def test_cancel_from_processing_refunds_and_restocks(order_service):
    product = ProductFactory(stock=3)
    order = paid_order((product, 2), status=S.PROCESSING)
    cancelled = order_service.cancel(order.user, order.pk)
    assert cancelled.status == S.CANCELLED
    product.refresh_from_db()
    assert product.stock == 5
    assert order.payments.get().status == PaymentStatus.REFUNDED
    refunded = Event.objects.get(type=EventType.ORDER_REFUNDED).payload
    assert refunded["refund_amount"] == str(order.total)


def test_cancel_whose_refund_is_declined_changes_nothing(container):
    product = ProductFactory(stock=3)
    order = paid_order((product, 2))
    gateway = SandboxGateway(refund_outcome="decline")
    machine = container.order_state_machine(gateway=gateway)
    with pytest.raises(RefundDeclinedError):
        container.order_service(state_machine=machine).cancel(order.user, order.pk)
    order.refresh_from_db()
    product.refresh_from_db()
    assert (order.status, product.stock) == (S.PAID, 3)
    assert order.payments.get().status == PaymentStatus.SUCCEEDED
    assert not Event.objects.exists()


def test_cancel_gives_the_voucher_use_back_once(container, order_service, customer):
    voucher = VoucherFactory(usage_limit=5, used_count=1)
    order = OrderFactory(user=customer, total=Decimal("10.00"))
    VoucherUse.objects.create(voucher=voucher, user=customer, order=order)
    order_service.cancel(customer, order.pk)
    voucher.refresh_from_db()
    assert voucher.used_count == 0
    assert not VoucherUse.objects.exists()
    # a second release (e.g. a later bug, a replay) gives nothing more back
    assert container.voucher_service().release(order) is False
    assert Voucher.objects.get(pk=voucher.pk).used_count == 0


def test_place_order_sets_the_payment_deadline(order_service, customer, settings):
    settings.ORDER_PAYMENT_TIMEOUT_MIN = 45
    CartItemFactory(cart__user=customer, product=ProductFactory(stock=2), quantity=1)
    order, _ = order_service.place_order(customer)
    assert abs(order.expires_at - (order.created_at + timedelta(minutes=45))) < timedelta(seconds=5)
    assert Order.objects.get(pk=order.pk).expires_at == order.expires_at


def test_restock_lines_puts_back_only_the_named_units(container):
    first, second = ProductFactory(stock=1), ProductFactory(stock=1)
    order = paid_order((first, 3), (second, 2))
    lines = {line.product_id: line for line in order.lines.all()}
    container.order_state_machine().restock_lines(order, {lines[first.pk].pk: 2})
    assert dict(Product.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "stock")) == {
        first.pk: 3,
        second.pk: 1,
    }


def test_expired_order_is_final(order_service):
    order = OrderFactory(status=S.EXPIRED, expired_at=timezone.now())
    for status in (S.PAID, S.CANCELLED, S.PENDING):
        with pytest.raises(IllegalTransitionError):
            order_service.set_status(order.pk, status)
