"""Strict query parameters on every list (issue 9.7): unknown names are 400s; links carry the clamped size."""

import pytest
from django.urls import reverse

from tests.factories import ProductFactory
from tests.factories_shop import OrderFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

PUBLIC_LISTS = ["/api/products/", "/api/categories/"]


@pytest.mark.parametrize("url", PUBLIC_LISTS)
@pytest.mark.parametrize("param", ["colour", "min_prise", "pagesize"])
def test_an_unknown_parameter_of_a_public_list_is_a_400_naming_it(api_client, url, param):
    error = assert_envelope(api_client.get(url, {param: "x"}), 400, attr=param, code="unknown_parameter")
    assert param in error["detail"]


def test_an_unknown_parameter_of_a_private_list_is_a_400_naming_it(customer_client):
    OrderFactory(user=customer_client.user)
    for url in ("/api/orders/", "/api/wishlist/"):
        assert_envelope(customer_client.get(url, {"statuss": "paid"}), 400, attr="statuss", code="unknown_parameter")


def test_every_unknown_parameter_is_named(api_client):
    body = api_client.get("/api/products/", {"colour": "red", "size": "M", "search": "ok"}).json()
    assert sorted(e["attr"] for e in body["errors"]) == ["colour", "size"]


def test_reviews_list_refuses_unknown_parameters(api_client):
    product = ProductFactory()
    response = api_client.get(reverse("product-reviews", args=[product.pk]), {"stars": 5})
    assert_envelope(response, 400, attr="stars", code="unknown_parameter")


def test_next_and_previous_carry_the_clamped_page_size(api_client):
    ProductFactory.create_batch(103)
    body = api_client.get("/api/products/", {"page_size": 100000, "page": 1}).json()
    assert "page_size=100&" in body["next"] + "&"
    assert "100000" not in body["next"]
    previous = api_client.get("/api/products/", {"page_size": 100000, "page": 2}).json()["previous"]
    assert "100000" not in previous
    assert "page_size=100" in previous


def test_cursor_links_carry_the_clamped_page_size(api_client):
    ProductFactory.create_batch(103)
    body = api_client.get("/api/products/", {"page_size": 5000, "cursor": ""}).json()
    assert len(body["results"]) == 100
    assert "5000" not in body["next"]
    assert "page_size=100" in body["next"]
