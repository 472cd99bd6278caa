"""The cart and checkout per variant through HTTP (contract: "Stock lives on variants")."""

from decimal import Decimal

import pytest

from apps.core.models.catalog import ProductVariant
from apps.core.models.events import Event, EventType
from apps.core.models.shopping import OrderLine
from apps.core.services.catalog import VariantInput
from tests.factories import ProductFactory, sizes
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

ITEMS = "/api/cart/items/"


@pytest.fixture
def tee(container):
    """A T-shirt with S (9.00, 3 units) and M (11.00, 1 unit)."""
    sizes("S", "M")
    product = ProductFactory(name="Tee", price=Decimal("9.00"), stock=3, default_variant__sku="TEE-S")
    service = container.variant_service()
    service.update(product.pk, product.variants.get().pk, VariantInput(options={"size": "S"}))
    service.create(product.pk, VariantInput(sku="TEE-M", price=Decimal("11.00"), stock=1, options={"size": "M"}))
    return product


def variant(sku: str) -> ProductVariant:
    return ProductVariant.objects.get(sku=sku)


def test_add_a_variant_reads_it_beside_the_product(customer_client, tee):
    m = variant("TEE-M")
    response = customer_client.post(ITEMS, {"variant": m.pk, "quantity": 1}, format="json")
    assert response.status_code == 201
    line = response.json()
    assert line["variant"] == {"id": m.pk, "sku": "TEE-M", "options": {"size": "M"}, "price": "11.00"}
    assert (line["product"]["id"], line["line_total"]) == (tee.pk, "11.00")
    cart = customer_client.get("/api/cart/").json()
    assert (cart["total"], cart["items"][0]["variant"]["sku"]) == ("11.00", "TEE-M")


def test_each_variant_is_its_own_line(customer_client, tee):
    for sku in ("TEE-S", "TEE-M", "TEE-S"):
        customer_client.post(ITEMS, {"variant": variant(sku).pk}, format="json")
    cart = customer_client.get("/api/cart/").json()
    assert [(i["variant"]["sku"], i["quantity"]) for i in cart["items"]] == [("TEE-S", 2), ("TEE-M", 1)]
    assert cart["total"] == "29.00"


def test_product_alone_needs_a_single_variant(customer_client, tee):
    response = customer_client.post(ITEMS, {"product": tee.pk}, format="json")
    assert_envelope(response, 400, code="variant_required", attr="variant")
    single = ProductFactory(stock=2)
    assert customer_client.post(ITEMS, {"product": single.pk}, format="json").status_code == 201


def test_product_and_variant_must_agree(customer_client, tee):
    other = ProductFactory()
    body = {"product": other.pk, "variant": variant("TEE-M").pk}
    assert_envelope(customer_client.post(ITEMS, body, format="json"), 400, code="variant_mismatch", attr="variant")
    body = {"product": tee.pk, "variant": variant("TEE-M").pk}
    assert customer_client.post(ITEMS, body, format="json").status_code == 201


def test_neither_product_nor_variant_is_400(customer_client):
    assert_envelope(customer_client.post(ITEMS, {"quantity": 1}, format="json"), 400, attr="variant")


def test_quantity_checks_the_variant_stock(customer_client, tee):
    body = {"variant": variant("TEE-M").pk, "quantity": 2}  # the product has 4, the variant 1
    assert_envelope(customer_client.post(ITEMS, body, format="json"), 400, code="exceeds_stock", attr="quantity")


def test_deleted_variant_is_400(customer_client, container, tee):
    m = variant("TEE-M")
    container.variant_service().soft_delete(tee.pk, m.pk)
    response = customer_client.post(ITEMS, {"variant": m.pk}, format="json")
    assert_envelope(response, 400, code="product_unavailable", attr="variant")


def test_checkout_snapshots_the_variant_and_takes_its_stock(customer_client, tee):
    customer_client.post(ITEMS, {"variant": variant("TEE-M").pk}, format="json")
    customer_client.post(ITEMS, {"variant": variant("TEE-S").pk, "quantity": 2}, format="json")
    response = customer_client.post("/api/orders/")
    assert response.status_code == 201
    assert response.json()["total"] == "29.00"
    lines = {line.sku: line for line in OrderLine.objects.all()}
    assert (lines["TEE-M"].unit_price, lines["TEE-M"].variant_options) == (Decimal("11.00"), {"size": "M"})
    assert lines["TEE-S"].variant_id == variant("TEE-S").pk
    assert (variant("TEE-M").stock, variant("TEE-S").stock) == (0, 1)
    tee.refresh_from_db()
    assert tee.stock == 1
    # both variants started at or below the default threshold (5): no crossing, no stock.low
    assert not Event.objects.filter(type=EventType.STOCK_LOW).exists()


def test_checkout_short_of_variant_stock_is_409_naming_the_variant(customer_client, tee):
    m = variant("TEE-M")
    customer_client.post(ITEMS, {"variant": m.pk}, format="json")
    ProductVariant.objects.filter(pk=m.pk).update(stock=0)
    response = customer_client.post("/api/orders/")
    assert_envelope(response, 409, code="insufficient_stock")
    assert "TEE-M" in response.json()["errors"][0]["detail"]


def test_cancel_gives_the_variant_its_units_back(customer_client, tee):
    m = variant("TEE-M")
    customer_client.post(ITEMS, {"variant": m.pk}, format="json")
    order = customer_client.post("/api/orders/").json()
    assert customer_client.post(f"/api/orders/{order['id']}/cancel/").status_code == 200
    tee.refresh_from_db()
    assert (variant("TEE-M").stock, tee.stock) == (1, 4)
    assert not Event.objects.filter(type=EventType.PRODUCT_BACK_IN_STOCK).exists()  # the product never had 0 units
