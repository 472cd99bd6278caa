"""Smoke checks that the skeleton serves the contract's basic shapes."""

import pytest

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_products_list_returns_envelope(api_client):
    product = ProductFactory()
    response = api_client.get("/api/products/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == product.pk
    assert body["results"][0]["category"]["slug"] == product.category.slug


def test_products_list_bad_page_is_400_naming_it(api_client):
    response = api_client.get("/api/products/", {"page": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "page"


def test_products_search_matches_name(api_client):
    ProductFactory(name="Red Apple iPhone")
    ProductFactory(name="Blue pear")
    response = api_client.get("/api/products/", {"search": "iphone"})
    assert [p["name"] for p in response.json()["results"]] == ["Red Apple iPhone"]


def test_unknown_route_is_json_404(api_client):
    response = api_client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
