"""`POST /api/checkout/quote/`: the cart priced for an address, a shipping method and a voucher; nothing stored."""

from decimal import Decimal

import pytest

from apps.core.models.catalog import Product
from apps.core.models.promotions import VoucherType
from tests.factories import ProductFactory
from tests.factories_checkout import AddressFactory, ShippingMethodFactory, TaxRateFactory, VoucherFactory
from tests.factories_shop import CartItemFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

QUOTE = "/api/checkout/quote/"


@pytest.fixture
def cart(customer_client):
    """Two lines: 2 x 19.99 and 1 x 5.00 (subtotal 44.98)."""
    for price, quantity in (("19.99", 2), ("5.00", 1)):
        CartItemFactory(
            cart__user=customer_client.user, product=ProductFactory(price=Decimal(price), stock=10), quantity=quantity
        )
    return customer_client


def test_an_empty_body_prices_the_cart_alone(cart):
    body = cart.post(QUOTE, {}, format="json").json()
    assert {k: body[k] for k in ("subtotal", "discount_total", "shipping_total", "tax_total", "total")} == {
        "subtotal": "44.98", "discount_total": "0.00", "shipping_total": "0.00", "tax_total": "0.00", "total": "44.98",
    }  # fmt: skip
    assert body["currency"] == "USD"
    assert [(line["quantity"], line["unit_price"], line["line_total"]) for line in body["lines"]] == [
        (2, "19.99", "39.98"),
        (1, "5.00", "5.00"),
    ]


def test_address_method_voucher_and_tax_together(cart):
    address = AddressFactory(user=cart.user)
    method = ShippingMethodFactory(countries=["GB"], price=Decimal("4.99"))
    TaxRateFactory(country="GB", rate=Decimal("0.2000"))
    VoucherFactory(code="WELCOME10", type=VoucherType.PERCENTAGE, value=Decimal("10"))
    body = cart.post(
        QUOTE,
        {"shipping_address": address.pk, "shipping_method": method.pk, "voucher_code": "welcome10"},
        format="json",
    ).json()
    assert body["discount_total"] == "4.50"  # 10 % of 44.98 = 4.498
    assert body["shipping_total"] == "4.99"
    assert body["tax_total"] == "9.10"  # 7.20 + 0.90 on the lines after discount, 1.00 on shipping
    assert body["total"] == "54.57"  # 44.98 - 4.50 + 4.99 + 9.10
    assert Product.objects.filter(stock=10).count() == 2  # nothing reserved


def test_free_over_and_free_shipping_voucher(cart):
    address = AddressFactory(user=cart.user)
    method = ShippingMethodFactory(countries=["GB"], price=Decimal("4.99"), free_over=Decimal("40.00"))
    base = {"shipping_address": address.pk, "shipping_method": method.pk}
    assert cart.post(QUOTE, base, format="json").json()["shipping_total"] == "0.00"  # 44.98 >= 40
    VoucherFactory(code="TEN", type=VoucherType.FIXED, value=Decimal("10.00"))
    assert cart.post(QUOTE, {**base, "voucher_code": "TEN"}, format="json").json()["shipping_total"] == "4.99"  # 34.98
    VoucherFactory(code="SHIPFREE", type=VoucherType.FREE_SHIPPING)
    other = ShippingMethodFactory(countries=["GB"], price=Decimal("9.00"))
    body = cart.post(QUOTE, {**base, "shipping_method": other.pk, "voucher_code": "SHIPFREE"}, format="json").json()
    assert (body["shipping_total"], body["discount_total"]) == ("0.00", "0.00")


def test_an_address_object_is_validated_and_picks_the_regional_rate(cart):
    TaxRateFactory(country="US", region="", rate=Decimal("0.0500"))
    TaxRateFactory(country="US", region="CA", rate=Decimal("0.0725"))
    address = {
        "full_name": "A",
        "line1": "1 Infinite Loop",
        "city": "Cupertino",
        "region": "CA",
        "postal_code": "95014",
    }
    body = cart.post(QUOTE, {"shipping_address": {**address, "country": "US"}}, format="json").json()
    assert body["lines"][0]["tax_rate"] == "0.0725"
    bad = cart.post(QUOTE, {"shipping_address": {**address, "postal_code": "x", "country": "US"}}, format="json")
    assert_envelope(bad, 400, attr="postal_code")


def test_refusals_name_their_field(cart, customer):
    method = ShippingMethodFactory(countries=["DE"])
    mine = AddressFactory(user=cart.user)
    theirs = AddressFactory()
    assert_envelope(cart.post(QUOTE, {"shipping_address": theirs.pk}, format="json"), 400, attr="shipping_address")
    not_served = cart.post(QUOTE, {"shipping_address": mine.pk, "shipping_method": method.pk}, format="json")
    assert_envelope(not_served, 400, attr="shipping_method", code="country_not_served")
    no_address = cart.post(QUOTE, {"shipping_method": method.pk}, format="json")
    assert_envelope(no_address, 400, attr="shipping_address")
    assert_envelope(
        cart.post(QUOTE, {"voucher_code": "NOPE"}, format="json"), 400, attr="voucher_code", code="voucher_not_found"
    )


def test_anonymous_is_401(api_client):
    assert api_client.post(QUOTE, {}, format="json").status_code == 401
