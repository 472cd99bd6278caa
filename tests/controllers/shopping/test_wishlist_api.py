"""`/api/wishlist/` over HTTP."""

import pytest

from apps.core.models.shopping import WishlistItem
from tests.conftest import client_for
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import WishlistItemFactory

pytestmark = pytest.mark.django_db


def test_wishlist_needs_login(api_client):
    assert api_client.get("/api/wishlist/").status_code == 401


def test_add_201_then_200_and_list(customer_client):
    product = ProductFactory()
    first = customer_client.post("/api/wishlist/", {"product": product.pk}, format="json")
    again = customer_client.post("/api/wishlist/", {"product": product.pk}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == product.pk
    body = customer_client.get("/api/wishlist/").json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == product.pk
    assert body["results"][0]["slug"] == product.slug


@pytest.mark.parametrize("value", [999999, "abc", None])
def test_add_bad_product_is_400(customer_client, value):
    response = customer_client.post("/api/wishlist/", {"product": value}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "product"


def test_delete_204_then_404(customer_client, customer):
    item = WishlistItemFactory(user=customer)
    assert customer_client.delete(f"/api/wishlist/{item.product_id}/").status_code == 204
    assert customer_client.delete(f"/api/wishlist/{item.product_id}/").status_code == 404


def test_wishlists_are_private(customer):
    item = WishlistItemFactory(user=customer)
    intruder = client_for(UserFactory())
    assert intruder.get("/api/wishlist/").json()["count"] == 0
    assert intruder.delete(f"/api/wishlist/{item.product_id}/").status_code == 404
    assert WishlistItem.objects.filter(pk=item.pk).exists()


def test_list_bad_page_is_400(customer_client):
    assert customer_client.get("/api/wishlist/", {"page_size": 0}).status_code == 400
