"""OrderService and the order state machine: checkout, transitions, e-mails, caches (keys: test_order_idempotency)."""

from decimal import Decimal

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from apps.core.exceptions import (
    EmptyCartError,
    IllegalTransitionError,
    InsufficientStockError,
    NotFoundError,
    ProductUnavailableError,
)
from apps.core.models.catalog import Product
from apps.core.models.payments import PaymentStatus
from apps.core.models.shopping import CartItem, Order, OrderStatus
from apps.core.services.catalog.products import ProductFilters
from apps.core.services.shopping.order_status import TRANSITIONS, can_transition
from tests.cached_reads import cached_list
from tests.factories import AdminFactory, ProductFactory
from tests.factories_shop import CartItemFactory, OrderFactory, OrderLineFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def fill_cart(user, *pairs):
    """Put (product, quantity) pairs in the user's cart."""
    for product, quantity in pairs:
        CartItemFactory(cart__user=user, product=product, quantity=quantity)


def test_place_order_snapshots_deducts_and_empties_cart(order_service, customer):
    # given
    phone = ProductFactory(name="Phone", sku="PH-1", price=Decimal("199.99"), stock=5)
    case = ProductFactory(name="Case", sku="CA-1", price=Decimal("10.50"), stock=3)
    fill_cart(customer, (phone, 2), (case, 3))
    # when
    order, created = order_service.place_order(customer)
    # then
    assert created is True
    assert order.status == OrderStatus.PENDING
    assert order.number.startswith("NX-")
    assert order.total == Decimal("431.48")
    lines = {line.sku: line for line in order.lines.all()}
    assert lines["PH-1"].product_name == "Phone"
    assert lines["PH-1"].unit_price == Decimal("199.99")
    assert lines["PH-1"].line_total == Decimal("399.98")
    assert lines["CA-1"].line_total == Decimal("31.50")
    phone.refresh_from_db()
    case.refresh_from_db()
    assert (phone.stock, case.stock) == (3, 0)
    assert not CartItem.objects.filter(cart__user=customer).exists()


def test_an_order_number_already_taken_is_drawn_again_and_the_checkout_runs_once(order_service, customer, monkeypatch):
    # given: the first number drawn belongs to another order
    taken = OrderFactory().number
    drawn = iter([taken, "NX-20261204-FRESH001"])
    monkeypatch.setattr("apps.core.services.shopping.orders.new_order_number", lambda: next(drawn))
    phone = ProductFactory(sku="PH-9", stock=5)
    fill_cart(customer, (phone, 2))
    # when
    order, created = order_service.place_order(customer)
    # then: the second number, and the first attempt left nothing behind
    assert (order.number, created) == ("NX-20261204-FRESH001", True)
    phone.refresh_from_db()
    assert phone.stock == 3  # taken once
    assert Order.objects.filter(user=customer).count() == 1
    assert [line.sku for line in order.lines.all()] == ["PH-9"]
    assert not CartItem.objects.filter(cart__user=customer).exists()


def test_place_order_insufficient_stock_changes_nothing(order_service, customer):
    plenty = ProductFactory(stock=10)
    scarce = ProductFactory(stock=1)
    fill_cart(customer, (plenty, 4), (scarce, 2))
    with pytest.raises(InsufficientStockError) as caught:
        order_service.place_order(customer)
    assert caught.value.product_id == scarce.pk
    assert caught.value.available == 1
    plenty.refresh_from_db()
    scarce.refresh_from_db()
    assert (plenty.stock, scarce.stock) == (10, 1)
    assert Order.objects.count() == 0
    assert CartItem.objects.filter(cart__user=customer).count() == 2


def test_place_order_deactivated_product_is_conflict(order_service, customer):
    product = ProductFactory(stock=10)
    fill_cart(customer, (product, 1))
    Product.objects.filter(pk=product.pk).update(is_active=False)
    with pytest.raises(ProductUnavailableError):
        order_service.place_order(customer)
    assert Order.objects.count() == 0


def test_place_order_empty_cart(order_service, customer):
    with pytest.raises(EmptyCartError):
        order_service.place_order(customer)


def test_order_survives_later_price_change(order_service, customer):
    product = ProductFactory(name="Lamp", sku="LAMP-1", price=Decimal("40.00"), stock=5)
    fill_cart(customer, (product, 2))
    order, _ = order_service.place_order(customer)
    # when the catalog changes afterwards
    Product.objects.filter(pk=product.pk).update(price=Decimal("99.00"), name="Lamp v2", sku="LAMP-2")
    # then the order still says what was bought, and at what price
    again = order_service.get(customer, order.pk)
    line = again.lines.get()
    assert (line.product_name, line.sku, line.unit_price, line.line_total) == (
        "Lamp",
        "LAMP-1",
        Decimal("40.00"),
        Decimal("80.00"),
    )
    assert again.total == Decimal("80.00")


def test_list_page_own_orders_newest_first_admin_sees_all(order_service, customer):
    older = OrderFactory(user=customer)
    newer = OrderFactory(user=customer)
    OrderFactory()  # someone else's
    mine = order_service.list_page(customer, page=1, page_size=20)
    assert [o.pk for o in mine.items] == [newer.pk, older.pk]
    assert order_service.list_page(AdminFactory(), page=1, page_size=20).count == 3


def test_get_other_users_order_is_not_found(order_service, customer):
    order = OrderFactory()
    with pytest.raises(NotFoundError):
        order_service.get(customer, order.pk)


@pytest.mark.parametrize("current", list(OrderStatus.values))
@pytest.mark.parametrize("requested", list(OrderStatus.values))
def test_state_machine_allows_exactly_the_workflow(order_service, current, requested):
    order = OrderFactory(status=current)
    legal = {
        ("pending", "paid"),
        ("paid", "processing"),
        ("paid", "shipped"),
        ("processing", "shipped"),
        ("shipped", "delivered"),
        ("pending", "cancelled"),
        ("paid", "cancelled"),
        ("processing", "cancelled"),
    }  # expired, partially_refunded and refunded are the shop's own moves (test_order_workflow.py)
    assert can_transition(current, requested) == ((current, requested) in legal)
    if (current, requested) in legal:
        moved = order_service.set_status(order.pk, requested)
        assert moved.status == requested
    else:
        with pytest.raises(IllegalTransitionError):
            order_service.set_status(order.pk, requested)
        order.refresh_from_db()
        assert order.status == current


def test_transitions_table_covers_every_status():
    assert set(TRANSITIONS) == set(OrderStatus.values)


def test_cancel_restores_stock_once(order_service, customer):
    product = ProductFactory(stock=5)
    fill_cart(customer, (product, 3))
    order, _ = order_service.place_order(customer)
    cancelled = order_service.cancel(customer, order.pk)
    assert cancelled.status == OrderStatus.CANCELLED
    assert cancelled.cancelled_at is not None
    with pytest.raises(IllegalTransitionError):
        order_service.cancel(customer, order.pk)
    product.refresh_from_db()
    assert product.stock == 5


def test_cancel_paid_order_refunds_payment(order_service, customer):
    product = ProductFactory(stock=5)
    order = OrderFactory(user=customer, status=OrderStatus.PAID, total=product.price)
    OrderLineFactory(order=order, product=product)
    payment = PaymentFactory(order=order, status=PaymentStatus.SUCCEEDED)
    order_service.cancel(customer, order.pk)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    product.refresh_from_db()
    assert product.stock == 6


def test_cancel_shipped_order_is_illegal(order_service, customer):
    order = OrderFactory(user=customer, status=OrderStatus.SHIPPED)
    with pytest.raises(IllegalTransitionError):
        order_service.cancel(customer, order.pk)


def test_cancel_other_users_order_is_not_found(order_service, customer):
    order = OrderFactory()
    with pytest.raises(NotFoundError):
        order_service.cancel(customer, order.pk)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_emails_sent_only_after_commit(order_service, customer, mailoutbox, django_capture_on_commit_callbacks):
    fill_cart(customer, (ProductFactory(stock=5), 1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order, _ = order_service.place_order(customer)
    assert mailoutbox == []  # not before the commit
    for callback in callbacks:
        callback()
    assert [m.subject for m in mailoutbox] == [f"Order {order.number} received"]
    assert mailoutbox[0].to == [customer.email]


def test_status_emails_paid_shipped_cancelled(order_service, customer, mailoutbox, django_capture_on_commit_callbacks):
    fill_cart(customer, (ProductFactory(stock=5), 1), (ProductFactory(stock=5), 1))
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = order_service.place_order(customer)
    with django_capture_on_commit_callbacks(execute=True):
        order_service.set_status(order.pk, OrderStatus.PAID)
    with django_capture_on_commit_callbacks(execute=True):
        order_service.set_status(order.pk, OrderStatus.SHIPPED)
    with django_capture_on_commit_callbacks(execute=True):
        order_service.set_status(order.pk, OrderStatus.DELIVERED)  # no e-mail for delivered
    subjects = [m.subject for m in mailoutbox]
    assert subjects == [
        f"Order {order.number} received",
        f"Order {order.number} is paid",
        f"Order {order.number} has shipped",
    ]
    fill_cart(customer, (ProductFactory(stock=5), 1))
    with django_capture_on_commit_callbacks(execute=True):
        second, _ = order_service.place_order(customer)
    with django_capture_on_commit_callbacks(execute=True):
        order_service.cancel(customer, second.pk)
    assert mailoutbox[-1].subject == f"Order {second.number} was cancelled"


def test_no_email_when_checkout_fails(order_service, customer, mailoutbox, django_capture_on_commit_callbacks):
    fill_cart(customer, (ProductFactory(stock=1), 2))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InsufficientStockError):
        order_service.place_order(customer)
    assert mailoutbox == []


def test_checkout_and_cancel_invalidate_cached_stock(
    order_service, product_service, customer, django_capture_on_commit_callbacks
):
    product = ProductFactory(stock=2)

    def cached_stock() -> int:
        body = cached_list(product_service, ProductFilters(), page=1, page_size=20, render=render).body
        return int(body.decode())

    def render(page) -> bytes:
        return str(page.items[0].stock).encode()

    assert cached_stock() == 2  # warm the cache
    fill_cart(customer, (product, 2))
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = order_service.place_order(customer)
    assert cached_stock() == 0
    with django_capture_on_commit_callbacks(execute=True):
        order_service.cancel(customer, order.pk)
    assert cached_stock() == 2


def test_order_never_has_negative_stock_constraint(customer):
    from django.db import IntegrityError, transaction

    product = ProductFactory(stock=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=-1)


class ExplodingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_mail_server_down_does_not_undo_order(order_service, customer, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.services.test_orders.ExplodingEmailBackend"
    fill_cart(customer, (ProductFactory(stock=5), 1))
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = order_service.place_order(customer)
    assert Order.objects.filter(pk=order.pk, status=OrderStatus.PENDING).exists()
