"""Placing an order with addresses, shipping, voucher and tax (OrderService + CheckoutService + VoucherService).

The order is built from the quote's computation: for the same cart and inputs its figures equal the
quote's exactly, and its totals satisfy the money identity.
"""

from decimal import Decimal

import pytest

from apps.core.exceptions import InsufficientStockError, InvalidInputError
from apps.core.models.catalog import Product, ProductVariant
from apps.core.models.events import Event, EventType
from apps.core.models.payments import PaymentStatus
from apps.core.models.promotions import Voucher, VoucherType, VoucherUse
from apps.core.models.shopping import CartItem, Order, OrderStatus
from apps.core.services.shipping import AddressInput
from apps.core.services.shopping.order_placement import OrderInput
from apps.core.services.shopping.refunds import RefundLineRequest, RefundRequest
from tests.factories import ProductFactory
from tests.factories_checkout import AddressFactory, ShippingMethodFactory, TaxRateFactory, VoucherFactory
from tests.factories_shop import CartItemFactory, PaymentFactory

pytestmark = pytest.mark.django_db

FIGURES = ("subtotal", "discount_total", "shipping_total", "tax_total", "total")


def fill_cart(user, *lines, requires_shipping=True):
    """Put (price, quantity) lines in the user's cart; returns the products."""
    products = []
    for price, quantity in lines:
        product = ProductFactory(price=Decimal(price), stock=20, requires_shipping=requires_shipping)
        CartItemFactory(cart__user=user, product=product, quantity=quantity)
        products.append(product)
    return products


@pytest.fixture
def checkout_service(container):
    return container.checkout_service()


@pytest.fixture
def shop(customer):
    """A GB customer with an address, a GB method at 4.99, GB VAT 20 % and a 10 % voucher."""
    return {
        "address": AddressFactory(user=customer, full_name="Ada Lovelace", line1="10 Downing Street"),
        "method": ShippingMethodFactory(name="Royal Mail", countries=["GB"], price=Decimal("4.99")),
        "rate": TaxRateFactory(country="GB", rate=Decimal("0.2000")),
        "voucher": VoucherFactory(code="WELCOME10", type=VoucherType.PERCENTAGE, value=Decimal("10")),
    }


def order_input(shop, **changes) -> OrderInput:
    base = {
        "shipping_address": shop["address"].pk,
        "shipping_method": shop["method"].pk,
        "voucher_code": "welcome10",
    }
    return OrderInput(**{**base, **changes})


@pytest.mark.parametrize("prices_include_tax", [False, True])
@pytest.mark.parametrize(
    "lines",
    [
        (("19.99", 2), ("5.00", 1)),
        (("0.10", 3), ("0.10", 3), ("0.13", 1)),  # a discount remainder to place, a tie for the largest line
        (("999.99", 7), ("1.01", 1), ("33.33", 3)),
    ],
)
def test_order_figures_equal_the_quote(container, customer, shop, settings, lines, prices_include_tax):
    # given a cart and a checkout's inputs, quoted first
    settings.PRICES_INCLUDE_TAX = prices_include_tax
    order_service, checkout_service = container.order_service(), container.checkout_service()
    fill_cart(customer, *lines)
    data = order_input(shop)
    quote = checkout_service.quote(customer, data.checkout_input()).quote
    # when the order is placed from the same cart and inputs
    order, _ = order_service.place_order(customer, data)
    # then every figure, and every line's, is the quote's
    assert {f: getattr(order, f) for f in FIGURES} == {f: getattr(quote, f) for f in FIGURES}
    stored = list(order.lines.order_by("id"))
    assert [
        (line.variant_id, line.quantity, line.unit_price, line.line_total, line.discount_amount, line.tax_rate,
         line.tax_amount)
        for line in stored
    ] == [
        (line.variant, line.quantity, line.unit_price, line.line_total, line.discount, line.tax_rate, line.tax_amount)
        for line in quote.lines
    ]  # fmt: skip
    # and the money identities hold on what is stored
    tax = Decimal("0") if prices_include_tax else order.tax_total
    assert order.total == order.subtotal - order.discount_total + order.shipping_total + tax
    assert order.subtotal == sum(line.line_total for line in stored)
    assert order.discount_total == sum(line.discount_amount for line in stored)
    assert order.tax_total == sum(line.tax_amount for line in stored) + quote.shipping_tax
    assert order.discount_total > 0
    assert order.tax_total > 0
    assert order.shipping_total == Decimal("4.99")


def test_order_keeps_snapshots_of_address_method_and_voucher(order_service, container, customer, shop):
    fill_cart(customer, ("20.00", 1))
    order, _ = order_service.place_order(customer, order_input(shop))
    expected_address = {
        "full_name": "Ada Lovelace",
        "company": "",
        "line1": "10 Downing Street",
        "line2": "",
        "city": "London",
        "postal_code": "NW1 6XE",
        "region": "",
        "country": "GB",
        "phone": "",
    }
    assert order.shipping_address == expected_address
    assert order.billing_address == expected_address  # billing defaults to shipping
    assert (order.shipping_method_id, order.shipping_method_name) == (shop["method"].pk, "Royal Mail")
    assert (order.voucher_id, order.voucher_code) == (shop["voucher"].pk, "WELCOME10")
    # editing and deleting the address book, the method and the voucher never change the order
    container.address_service().update(customer, shop["address"].pk, {"line1": "1 Other Road"})
    container.address_service().delete(customer, shop["address"].pk)
    shop["method"].delete()
    order.refresh_from_db()
    assert order.shipping_address == expected_address
    assert (order.shipping_method_id, order.shipping_method_name) == (None, "Royal Mail")


def test_billing_address_object_is_validated_and_kept_apart(order_service, customer, shop):
    fill_cart(customer, ("20.00", 1))
    billing = AddressInput(full_name="Acme Ltd", line1="1 Main St", city="Berlin", postal_code="10115", country="DE")
    order, _ = order_service.place_order(customer, order_input(shop, billing_address=billing))
    assert order.billing_address["country"] == "DE"
    assert order.billing_address["full_name"] == "Acme Ltd"
    assert order.shipping_address["country"] == "GB"
    fill_cart(customer, ("20.00", 1))
    with pytest.raises(InvalidInputError) as bad:
        order_service.place_order(
            customer, order_input(shop, billing_address=AddressInput(full_name="X", line1="1", country="DE"))
        )
    assert bad.value.attr in {"postal_code", "city"}


@pytest.mark.parametrize(
    ("missing", "attr"), [("shipping_address", "shipping_address"), ("shipping_method", "shipping_method")]
)
def test_shipped_lines_need_address_and_method(order_service, customer, shop, missing, attr):
    (product,) = fill_cart(customer, ("20.00", 2))
    with pytest.raises(InvalidInputError) as refused:
        order_service.place_order(customer, order_input(shop, **{missing: None}))
    assert (refused.value.code, refused.value.attr) == ("shipping_required", attr)
    product.refresh_from_db()
    assert product.stock == 20
    assert CartItem.objects.count() == 1
    assert not Order.objects.exists()
    assert Voucher.objects.get().used_count == 0


def test_method_must_serve_the_country(order_service, customer, shop):
    fill_cart(customer, ("20.00", 1))
    germany_only = ShippingMethodFactory(countries=["DE"])
    with pytest.raises(InvalidInputError) as refused:
        order_service.place_order(customer, order_input(shop, shipping_method=germany_only.pk))
    assert (refused.value.code, refused.value.attr) == ("country_not_served", "shipping_method")


def test_a_cart_that_ships_nothing_needs_no_address(order_service, customer):
    fill_cart(customer, ("9.99", 2), requires_shipping=False)
    order, _ = order_service.place_order(customer, OrderInput())
    assert (order.total, order.shipping_address, order.shipping_method_name) == (Decimal("19.98"), {}, "")


def test_voucher_use_is_taken_and_released_once_on_cancel(order_service, container, customer, shop):
    fill_cart(customer, ("20.00", 1))
    order, _ = order_service.place_order(customer, order_input(shop))
    voucher = Voucher.objects.get()
    assert voucher.used_count == 1
    assert VoucherUse.objects.filter(voucher=voucher, user=customer, order=order).count() == 1
    # cancelling gives the use back
    order_service.cancel(customer, order.pk)
    voucher.refresh_from_db()
    assert voucher.used_count == 0
    assert not VoucherUse.objects.exists()
    # a second release gives nothing back
    assert container.voucher_service().release(order) is False
    voucher.refresh_from_db()
    assert voucher.used_count == 0


def test_redeem_refuses_a_voucher_used_up_meanwhile(order_service, customer, shop):
    # the check passed (1 use left), then a concurrent order took the last use before this one's redeem
    fill_cart(customer, ("20.00", 1))
    Voucher.objects.filter(pk=shop["voucher"].pk).update(usage_limit=1)
    checkout = order_service._checkout_service.quote(customer, order_input(shop).checkout_input())
    Voucher.objects.filter(pk=shop["voucher"].pk).update(used_count=1)
    order = Order.objects.create(number="NX-T-1", user=customer, total=Decimal("1.00"), currency="USD")
    with pytest.raises(InvalidInputError) as refused:
        order_service._vouchers.redeem(checkout.voucher, order)
    assert (refused.value.code, refused.value.attr) == ("voucher_used_up", "voucher_code")


def test_per_customer_limit(order_service, customer, shop):
    Voucher.objects.filter(pk=shop["voucher"].pk).update(usage_limit_per_customer=1)
    fill_cart(customer, ("20.00", 1))
    order_service.place_order(customer, order_input(shop))
    fill_cart(customer, ("20.00", 1))
    with pytest.raises(InvalidInputError) as refused:
        order_service.place_order(customer, order_input(shop))
    assert refused.value.code == "voucher_customer_limit"
    assert Voucher.objects.get().used_count == 1


def test_a_refused_checkout_takes_no_voucher_use(order_service, customer, shop):
    (product,) = fill_cart(customer, ("20.00", 3))
    ProductVariant.objects.filter(product=product).update(stock=2)  # stock lives on the variant
    Product.objects.filter(pk=product.pk).update(stock=2)
    with pytest.raises(InsufficientStockError):
        order_service.place_order(customer, order_input(shop))
    assert Voucher.objects.get().used_count == 0
    assert not VoucherUse.objects.exists()


def test_order_placed_event_carries_the_figures(order_service, customer, shop):
    fill_cart(customer, ("20.00", 1))
    order, _ = order_service.place_order(customer, order_input(shop))
    payload = Event.objects.get(type=EventType.ORDER_PLACED).payload
    assert {key: payload[key] for key in FIGURES} == {f: str(getattr(order, f)) for f in FIGURES}
    assert payload["shipping_address"] == order.shipping_address
    assert payload["voucher_code"] == "WELCOME10"


@pytest.mark.parametrize("prices_include_tax", [False, True])
def test_refunding_every_line_and_the_shipping_gives_back_exactly_the_order_total(
    container, customer, shop, settings, admin_user, prices_include_tax
):
    # given an order placed with a voucher, shipping and tax, paid
    settings.PRICES_INCLUDE_TAX = prices_include_tax
    fill_cart(customer, ("19.99", 2), ("5.00", 3))
    order, _ = container.order_service().place_order(customer, order_input(shop))
    PaymentFactory(order=order, amount=order.total, status=PaymentStatus.SUCCEEDED)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PAID)
    # when staff refund every unit of every line and the shipping, in two refunds
    first, second = order.lines.order_by("pk")
    refunds = container.refund_service()
    ask = RefundRequest(lines=(RefundLineRequest(line=first.pk, quantity=1),), restock=False, shipping=False, reason="")
    refunds.refund(admin_user, order.pk, ask)
    rest = RefundRequest(
        lines=(RefundLineRequest(line=first.pk, quantity=1), RefundLineRequest(line=second.pk, quantity=3)),
        restock=False,
        shipping=True,
        reason="",
    )
    refunds.refund(admin_user, order.pk, rest)
    # then what came back is what was paid (discount off, tax on top only when it was added), no more
    order.refresh_from_db()
    assert sum(order.refunds.values_list("amount", flat=True)) == order.total
    assert order.status == OrderStatus.REFUNDED
