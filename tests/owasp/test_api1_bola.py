"""OWASP API1:2023 Broken Object Level Authorization.

Every endpoint that takes the id of a user-owned object is called by a second user with the
first user's ids: the contract answers 404 (the object does not exist for them) and nothing
changes. Catalog objects are public by design (reads) and admin-only for writes (API5).
"""

import pytest

from tests.conftest import client_for
from tests.factories import DEFAULT_PASSWORD, ProductFactory, UserFactory
from tests.owasp.helpers import require_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return client_for(UserFactory())


@pytest.fixture
def bob():
    return client_for(UserFactory())


def test_me_only_ever_shows_and_changes_the_caller(alice, bob):
    response = bob.patch("/api/auth/me/", {"first_name": "Bob"}, format="json")
    assert response.json()["id"] == bob.user.pk
    alice.user.refresh_from_db()
    assert alice.user.first_name != "Bob"
    assert alice.get("/api/auth/me/").json()["id"] == alice.user.pk


def test_password_change_touches_only_the_callers_account(alice, bob):
    response = bob.post(
        "/api/auth/password/change/",
        {"old_password": DEFAULT_PASSWORD, "new_password": "Another-sturdy-2026!"},
        format="json",
    )
    assert response.status_code == 204
    alice.user.refresh_from_db()
    assert alice.user.check_password(DEFAULT_PASSWORD)


def test_cart_items_of_another_user_are_404(alice, bob):
    require_routes("/api/cart/", "/api/cart/items/", "/api/cart/items/1/")
    product = ProductFactory(stock=10)
    assert alice.post("/api/cart/items/", {"product": product.pk, "quantity": 2}, format="json").status_code == 201
    item_id = alice.get("/api/cart/").json()["items"][0]["id"]

    assert bob.patch(f"/api/cart/items/{item_id}/", {"quantity": 5}, format="json").status_code == 404
    assert bob.delete(f"/api/cart/items/{item_id}/").status_code == 404
    assert bob.get("/api/cart/").json()["items"] == []
    assert bob.delete("/api/cart/").status_code == 204  # empties Bob's cart only
    items = alice.get("/api/cart/").json()["items"]
    assert [(i["id"], i["quantity"]) for i in items] == [(item_id, 2)]


def _place_order(client) -> dict:
    product = ProductFactory(stock=10)
    assert client.post("/api/cart/items/", {"product": product.pk, "quantity": 1}, format="json").status_code == 201
    response = client.post("/api/orders/", format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_orders_of_another_user_are_404(alice, bob):
    require_routes("/api/cart/items/", "/api/orders/", "/api/orders/1/", "/api/orders/1/cancel/")
    order = _place_order(alice)

    assert bob.get(f"/api/orders/{order['id']}/").status_code == 404
    assert bob.post(f"/api/orders/{order['id']}/cancel/").status_code == 404
    assert bob.patch(f"/api/orders/{order['id']}/", {"status": "cancelled"}, format="json").status_code in (403, 404)
    assert order["id"] not in [o["id"] for o in bob.get("/api/orders/").json()["results"]]
    assert alice.get(f"/api/orders/{order['id']}/").json()["status"] == order["status"]


def test_payments_on_another_users_order_are_refused(alice, bob):
    require_routes("/api/cart/items/", "/api/orders/", "/api/orders/1/payments/")
    order = _place_order(alice)
    response = bob.post(f"/api/orders/{order['id']}/payments/", {"method": "card"}, format="json")
    assert response.status_code in (400, 404)  # never 201; 404 once the body is valid
    listing = bob.get(f"/api/orders/{order['id']}/payments/")
    assert listing.status_code in (404, 405)  # 405 where payments cannot be listed at all
    assert alice.get(f"/api/orders/{order['id']}/").json()["status"] == order["status"]


def test_wishlist_of_another_user_is_untouched(alice, bob):
    require_routes("/api/wishlist/", "/api/wishlist/1/")
    product = ProductFactory()
    assert alice.post("/api/wishlist/", {"product": product.pk}, format="json").status_code in (200, 201)

    bob.delete(f"/api/wishlist/{product.pk}/")
    assert bob.get("/api/wishlist/").json()["count"] == 0
    assert [p["id"] for p in alice.get("/api/wishlist/").json()["results"]] == [product.pk]
