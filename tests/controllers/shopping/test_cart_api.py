"""`/api/cart/` over HTTP: shapes, 400s, owner-only lines."""

from decimal import Decimal

import pytest

from apps.core.models.shopping import CartItem
from tests.conftest import client_for
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import CartItemFactory

pytestmark = pytest.mark.django_db


def test_cart_needs_login(api_client):
    assert api_client.get("/api/cart/").status_code == 401
    assert api_client.post("/api/cart/items/", {"product": 1, "quantity": 1}, format="json").status_code == 401


def test_empty_cart_shape(customer_client):
    response = customer_client.get("/api/cart/")
    assert response.status_code == 200
    assert response.json() == {"items": [], "item_count": 0, "total": "0.00"}


def test_add_then_read_cart(customer_client):
    product = ProductFactory(name="Mug", price=Decimal("7.25"), stock=5)
    response = customer_client.post("/api/cart/items/", {"product": product.pk, "quantity": 2}, format="json")
    assert response.status_code == 201
    assert response.json()["quantity"] == 2
    assert response.json()["line_total"] == "14.50"
    again = customer_client.post("/api/cart/items/", {"product": product.pk, "quantity": 1}, format="json")
    assert again.status_code == 201
    assert again.json()["id"] == response.json()["id"]
    body = customer_client.get("/api/cart/").json()
    variant = product.variants.get()
    assert body["item_count"] == 3
    assert body["total"] == "21.75"
    assert body["items"] == [
        {
            "id": response.json()["id"],
            "product": {"id": product.pk, "name": "Mug", "slug": product.slug, "price": "7.25"},
            "variant": {"id": variant.pk, "sku": product.sku, "options": {}, "price": "7.25"},
            "quantity": 3,
            "line_total": "21.75",
        }
    ]


@pytest.mark.parametrize(
    ("quantity", "attr"),
    [(0, "quantity"), (-1, "quantity"), (6, "quantity"), ("x", "quantity"), (1.5, "quantity")],
)
def test_add_bad_quantity_is_400(customer_client, quantity, attr):
    product = ProductFactory(stock=5)
    response = customer_client.post("/api/cart/items/", {"product": product.pk, "quantity": quantity}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
    assert not CartItem.objects.exists()


@pytest.mark.parametrize("state", ["inactive", "deleted", "missing", "garbage"])
def test_add_unbuyable_product_is_400(customer_client, state):
    product = ProductFactory(is_active=state != "inactive")
    if state == "deleted":
        product.deleted_at = "2026-01-01T00:00:00Z"
        product.save()
    product_id = {"missing": 999999, "garbage": "abc"}.get(state, product.pk)
    response = customer_client.post("/api/cart/items/", {"product": product_id, "quantity": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "product"


def test_client_cannot_set_price_through_cart(customer_client):
    product = ProductFactory(price=Decimal("10.00"), stock=5)
    response = customer_client.post(
        "/api/cart/items/",
        {"product": product.pk, "quantity": 1, "price": "0.01", "line_total": "0.01", "unit_price": "0.01"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["line_total"] == "10.00"
    assert customer_client.get("/api/cart/").json()["total"] == "10.00"


def test_patch_item_quantity(customer_client, customer):
    item = CartItemFactory(cart__user=customer, product=ProductFactory(stock=5, price=Decimal("1.00")))
    response = customer_client.patch(f"/api/cart/items/{item.pk}/", {"quantity": 4}, format="json")
    assert response.status_code == 200
    assert response.json()["quantity"] == 4
    assert customer_client.patch(f"/api/cart/items/{item.pk}/", {"quantity": 6}, format="json").status_code == 400
    assert customer_client.patch(f"/api/cart/items/{item.pk}/", {"quantity": 0}, format="json").status_code == 400


def test_delete_item_and_cart(customer_client, customer):
    first = CartItemFactory(cart__user=customer)
    CartItemFactory(cart__user=customer)
    assert customer_client.delete(f"/api/cart/items/{first.pk}/").status_code == 204
    assert len(customer_client.get("/api/cart/").json()["items"]) == 1
    assert customer_client.delete("/api/cart/").status_code == 204
    assert customer_client.get("/api/cart/").json()["items"] == []


def test_other_users_cart_item_is_404(customer, customer_client):
    item = CartItemFactory(cart__user=customer, quantity=2)
    intruder = client_for(UserFactory())
    assert intruder.patch(f"/api/cart/items/{item.pk}/", {"quantity": 1}, format="json").status_code == 404
    assert intruder.delete(f"/api/cart/items/{item.pk}/").status_code == 404
    assert intruder.get("/api/cart/").json()["items"] == []
    item.refresh_from_db()
    assert item.quantity == 2
