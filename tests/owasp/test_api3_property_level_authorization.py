"""OWASP API3:2023 Broken Object Property Level Authorization.

Mass assignment: a client cannot write `is_staff`, `is_superuser`, `email` (via the profile),
`deleted_at`, `in_stock`, `rating`, a cart or order line `price`, or an order `status` as a
customer. Excessive exposure: no response carries a password, its hash or internal fields.
"""

import json

import pytest

from apps.core.models.accounts import User
from apps.core.models.catalog import Product
from tests.conftest import client_for
from tests.factories import CategoryFactory, ProductFactory, UserFactory
from tests.owasp.helpers import require_routes

pytestmark = pytest.mark.django_db

FORBIDDEN_KEYS = {"password", "is_superuser", "deleted_at", "search_vector", "last_login", "groups", "user_permissions"}


def _keys(value) -> set[str]:
    """Every key of every object nested in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_register_ignores_privilege_fields(api_client):
    response = api_client.post(
        "/api/auth/register/",
        {"email": "new@example.com", "password": "Sturdy-pass-2026!", "is_staff": True, "is_superuser": True},
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(email="new@example.com")
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert not FORBIDDEN_KEYS & _keys(response.json())
    assert "Sturdy-pass-2026!" not in response.content.decode()


def test_profile_update_cannot_grant_staff_or_change_email(customer_client, customer):
    response = customer_client.patch(
        "/api/auth/me/",
        {"is_staff": True, "is_superuser": True, "email": "admin@shop.example", "first_name": "Eve"},
        format="json",
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.is_staff, customer.is_superuser, customer.first_name) == (False, False, "Eve")
    assert customer.email != "admin@shop.example"


def test_product_writes_ignore_read_only_and_internal_fields(admin_client):
    category = CategoryFactory()
    response = admin_client.post(
        "/api/products/",
        {
            "name": "Lamp",
            "sku": "LAMP-1",
            "price": "10.00",
            "stock": 0,
            "category": category.pk,
            "in_stock": True,
            "rating": "5.00",
            "review_count": 99,
            "deleted_at": "2020-01-01T00:00:00Z",
            "id": 424242,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["in_stock"], body["rating"], body["review_count"]) == (False, None, 0)
    assert body["id"] != 424242
    assert Product.objects.get(pk=body["id"]).deleted_at is None


def test_no_response_exposes_hashes_or_internal_fields(api_client, customer_client, admin_client, customer):
    ProductFactory()
    responses = [
        customer_client.get("/api/auth/me/"),
        admin_client.get("/api/auth/me/"),
        api_client.get("/api/products/"),
        api_client.get(f"/api/products/{Product.objects.first().pk}/"),
        api_client.get("/api/categories/"),
        admin_client.get("/api/products/"),
    ]
    for response in responses:
        assert response.status_code == 200
        body = response.json()
        assert not FORBIDDEN_KEYS & _keys(body), response.request["PATH_INFO"]
        assert customer.password not in json.dumps(body)  # the hash itself never appears


def test_cart_line_price_cannot_be_set_by_the_client(customer_client):
    require_routes("/api/cart/", "/api/cart/items/")
    product = ProductFactory(price="50.00", stock=5)
    customer_client.post(
        "/api/cart/items/", {"product": product.pk, "quantity": 1, "price": "0.01", "unit_price": "0.01"}, format="json"
    )
    cart = customer_client.get("/api/cart/").json()
    assert cart["items"][0]["product"]["price"] == "50.00"
    assert cart["total"] == "50.00"


def test_order_lines_snapshot_server_prices_and_customers_cannot_set_status(customer_client):
    require_routes("/api/cart/items/", "/api/orders/", "/api/orders/1/")
    product = ProductFactory(price="20.00", stock=5)
    customer_client.post("/api/cart/items/", {"product": product.pk, "quantity": 2}, format="json")
    response = customer_client.post(
        "/api/orders/", {"total": "0.01", "status": "paid", "items": [{"unit_price": "0.01"}]}, format="json"
    )
    assert response.status_code == 201
    order = response.json()
    assert (order["status"], order["total"], order["items"][0]["unit_price"]) == ("pending", "40.00", "20.00")
    patch = customer_client.patch(f"/api/orders/{order['id']}/", {"status": "delivered"}, format="json")
    assert patch.status_code in (403, 404, 405)
    assert customer_client.get(f"/api/orders/{order['id']}/").json()["status"] == "pending"


def test_another_users_data_is_not_embedded(customer_client):
    UserFactory(email="someone.else@example.com")
    assert "someone.else@example.com" not in customer_client.get("/api/auth/me/").content.decode()
    assert client_for(UserFactory()).get("/api/auth/me/").json()["email"] != "someone.else@example.com"
