"""`POST /api/orders/` with addresses, shipping, voucher and tax over HTTP; the order answers the quote's figures."""

from decimal import Decimal

import pytest

from apps.core.models.catalog import Product
from apps.core.models.promotions import Voucher, VoucherType
from apps.core.models.shopping import CartItem, Order
from tests.factories import ProductFactory
from tests.factories_checkout import AddressFactory, ShippingMethodFactory, TaxRateFactory, VoucherFactory
from tests.factories_shop import CartItemFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

ORDERS, QUOTE = "/api/orders/", "/api/checkout/quote/"
FIGURES = ("subtotal", "discount_total", "shipping_total", "tax_total", "total", "currency")


@pytest.fixture
def cart(customer_client):
    """Three shipped lines: 2 x 19.99, 1 x 5.00, 3 x 0.33 (subtotal 45.97)."""
    for price, quantity in (("19.99", 2), ("5.00", 1), ("0.33", 3)):
        product = ProductFactory(price=Decimal(price), stock=10, requires_shipping=True)
        CartItemFactory(cart__user=customer_client.user, product=product, quantity=quantity)
    return customer_client


@pytest.fixture
def choices(cart):
    address = AddressFactory(user=cart.user, full_name="Ada Lovelace", line1="10 Downing Street")
    method = ShippingMethodFactory(name="Royal Mail", countries=["GB"], price=Decimal("4.99"))
    TaxRateFactory(country="GB", rate=Decimal("0.2000"))
    VoucherFactory(code="WELCOME10", type=VoucherType.PERCENTAGE, value=Decimal("10"))
    return {"shipping_address": address.pk, "shipping_method": method.pk, "voucher_code": "welcome10"}


def test_the_order_answers_the_quotes_figures(cart, choices):
    quote = cart.post(QUOTE, choices, format="json").json()
    response = cart.post(ORDERS, choices, format="json")
    assert response.status_code == 201, response.json()
    order = response.json()
    assert {f: order[f] for f in FIGURES} == {f: quote[f] for f in FIGURES}
    assert [(i["variant"]["id"], i["quantity"], i["unit_price"], i["line_total"]) for i in order["items"]] == [
        (line["variant"], line["quantity"], line["unit_price"], line["line_total"]) for line in quote["lines"]
    ]
    assert [(i["tax_rate"], i["tax_amount"]) for i in order["items"]] == [
        (line["tax_rate"], line["tax_amount"]) for line in quote["lines"]
    ]
    # the identity, on the strings the client reads
    d = {f: Decimal(order[f]) for f in FIGURES[:-1]}
    assert d["total"] == d["subtotal"] - d["discount_total"] + d["shipping_total"] + d["tax_total"]
    assert d["discount_total"] > 0
    assert d["tax_total"] > 0


def test_order_read_shape(cart, choices):
    order = cart.post(ORDERS, choices, format="json").json()
    snapshot = {
        "full_name": "Ada Lovelace", "company": "", "line1": "10 Downing Street", "line2": "", "city": "London",
        "postal_code": "NW1 6XE", "region": "", "country": "GB", "phone": "",
    }  # fmt: skip
    assert order["shipping_address"] == snapshot
    assert order["billing_address"] == snapshot
    assert order["shipping_method"] == {"id": choices["shipping_method"], "name": "Royal Mail"}
    assert order["voucher_code"] == "WELCOME10"
    line = order["items"][0]
    assert set(line) >= {"id", "variant", "tax_rate", "tax_amount"}
    assert set(line["variant"]) == {"id", "sku", "options"}
    assert cart.get(f"{ORDERS}{order['id']}/").json() == order
    assert cart.get(ORDERS).json()["results"][0] == order


def test_address_book_edits_and_deletes_never_change_a_placed_order(cart, choices):
    order = cart.post(ORDERS, choices, format="json").json()
    address_url = f"/api/addresses/{choices['shipping_address']}/"
    assert cart.patch(address_url, {"line1": "221B Baker Street"}, format="json").status_code == 200
    assert cart.get(f"{ORDERS}{order['id']}/").json()["shipping_address"]["line1"] == "10 Downing Street"
    assert cart.delete(address_url).status_code == 204
    assert cart.get(f"{ORDERS}{order['id']}/").json()["shipping_address"] == order["shipping_address"]


def test_address_objects_for_shipping_and_billing(cart, choices):
    shipping = {"full_name": "Grace Hopper", "line1": "1 Main Street", "city": "London", "postal_code": "sw1a 1aa",
                "country": "GB", "phone": "+44 20 7946 0000"}  # fmt: skip
    billing = {"full_name": "Acme GmbH", "line1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117",
               "country": "DE"}  # fmt: skip
    body = {**choices, "shipping_address": shipping, "billing_address": billing}
    response = cart.post(ORDERS, body, format="json")
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["shipping_address"]["postal_code"] == "SW1A 1AA"  # normalized for the country
    assert order["shipping_address"]["phone"] == "+442079460000"  # E.164
    assert order["billing_address"]["country"] == "DE"
    assert order["billing_address"]["full_name"] == "Acme GmbH"


@pytest.mark.parametrize("missing", ["shipping_address", "shipping_method"])
def test_shipped_lines_need_address_and_method(cart, choices, missing):
    body = {k: v for k, v in choices.items() if k != missing}
    assert_envelope(cart.post(ORDERS, body, format="json"), 400, attr=missing, code="shipping_required")
    assert_envelope(cart.post(ORDERS, {}, format="json"), 400, attr="shipping_address", code="shipping_required")
    assert CartItem.objects.count() == 3
    assert not Order.objects.exists()


def test_a_cart_that_ships_nothing_orders_without_an_address(customer_client):
    CartItemFactory(cart__user=customer_client.user, product=ProductFactory(price=Decimal("9.00"), stock=2))
    response = customer_client.post(ORDERS, {}, format="json")
    assert response.status_code == 201
    assert response.json()["shipping_address"] is None


def test_refusals_name_their_field_and_change_nothing(cart, choices):
    germany = ShippingMethodFactory(countries=["DE"])
    refusals = [
        ({"shipping_method": germany.pk}, "shipping_method", "country_not_served"),
        ({"shipping_method": 999_999}, "shipping_method", "does_not_exist"),
        ({"shipping_address": AddressFactory().pk}, "shipping_address", "does_not_exist"),  # someone else's
        ({"billing_address": AddressFactory().pk}, "billing_address", "does_not_exist"),
        ({"voucher_code": "NOPE"}, "voucher_code", "voucher_not_found"),
        ({"shipping_address": {"full_name": "A", "line1": "1", "city": "London", "country": "GB", "postal_code": "x"}},
         "postal_code", None),
        ({"billing_address": "home"}, "billing_address", None),
    ]  # fmt: skip
    for change, attr, code in refusals:
        response = cart.post(ORDERS, {**choices, **change}, format="json")
        assert_envelope(response, 400, attr=attr, **({"code": code} if code else {}))
    assert not Order.objects.exists()
    assert CartItem.objects.count() == 3
    assert set(Product.objects.values_list("stock", flat=True)) == {10}
    assert Voucher.objects.get().used_count == 0


def test_cancel_gives_the_voucher_use_back(cart, choices):
    Voucher.objects.update(usage_limit=1)
    order = cart.post(ORDERS, choices, format="json").json()
    assert Voucher.objects.get().used_count == 1
    assert cart.post(f"{ORDERS}{order['id']}/cancel/").status_code == 200
    assert Voucher.objects.get().used_count == 0
    assert cart.post(f"{ORDERS}{order['id']}/cancel/").status_code == 409
    assert Voucher.objects.get().used_count == 0


def test_idempotent_retry_replays_the_order_with_its_figures(cart, choices):
    headers = {"HTTP_IDEMPOTENCY_KEY": "checkout-1"}
    first = cart.post(ORDERS, choices, format="json", **headers)
    again = cart.post(ORDERS, choices, format="json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Voucher.objects.get().used_count == 1


def test_requires_shipping_is_read_and_written_on_products(admin_client):
    product = ProductFactory()
    assert admin_client.get(f"/api/products/{product.pk}/").json()["requires_shipping"] is False
    response = admin_client.patch(f"/api/products/{product.pk}/", {"requires_shipping": True}, format="json")
    assert response.status_code == 200
    assert response.json()["requires_shipping"] is True
    body = {"name": "E-book", "sku": "EBOOK-1", "price": "5.00", "category": product.category_id}
    created = admin_client.post("/api/products/", body, format="json").json()
    assert created["requires_shipping"] is True  # the default


def test_admin_shows_the_order_figures_and_snapshots_read_only(cart, choices, admin_site_client):
    order = cart.post(ORDERS, choices, format="json").json()
    page = admin_site_client.get(f"/admin/core/order/{order['id']}/change/").content.decode()
    for text in ("Royal Mail", "WELCOME10", "10 Downing Street", order["tax_total"], order["discount_total"]):
        assert text in page
    assert 'name="shipping_address"' not in page  # read-only: shown, never an input
    assert 'name="subtotal"' not in page


def test_fast_order_representation_equals_drf_generic_output(cart, choices):
    from apps.core.models.shopping import OrderLine
    from apps.core.serializers.shopping import OrderOutputSerializer

    placed = cart.post(ORDERS, choices, format="json").json()  # shipping, billing, voucher, tax
    OrderLine.objects.filter(order_id=placed["id"]).order_by("id").filter(pk=placed["items"][0]["id"]).update(
        variant=None, variant_options={"size": "M"}
    )  # a line whose variant row is gone
    bare = ProductFactory(price=Decimal("2.50"), stock=5)  # no shipping: no address, method or voucher
    CartItemFactory(cart__user=cart.user, product=bare, quantity=2)
    plain = cart.post(ORDERS, {}, format="json").json()
    assert plain["shipping_address"] is None
    assert plain["shipping_method"] is None
    for order in Order.objects.filter(pk__in=[placed["id"], plain["id"]]).prefetch_related("lines"):
        serializer = OrderOutputSerializer(order)
        fast = serializer.data
        assert fast == serializer.generic_representation(order)
        assert list(fast) == list(serializer.generic_representation(order))  # the same field order too
    order = Order.objects.prefetch_related("lines").get(pk=placed["id"])
    assert OrderOutputSerializer(order).data["items"][0]["variant"] is None
