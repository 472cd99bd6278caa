"""`/api/products/{id}/reviews/` over HTTP."""

import pytest

from apps.core.models.catalog import Review
from apps.core.models.shopping import OrderStatus
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import ReviewFactory, bought

pytestmark = pytest.mark.django_db


def test_list_is_public_and_paginated(api_client):
    product = ProductFactory()
    for _ in range(3):
        ReviewFactory(product=product)
    ReviewFactory()  # another product
    body = api_client.get(f"/api/products/{product.pk}/reviews/", {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert set(body["results"][0]) == {"id", "product", "author", "rating", "comment", "created_at"}


def test_list_bad_page_is_400_and_unknown_product_404(api_client):
    product = ProductFactory()
    assert api_client.get(f"/api/products/{product.pk}/reviews/", {"page": "x"}).status_code == 400
    assert api_client.get("/api/products/999999/reviews/").status_code == 404


def test_buyer_reviews_and_product_shows_rating(customer_client, customer, api_client):
    product = ProductFactory()
    bought(customer, product, status=OrderStatus.PAID)
    response = customer_client.post(
        f"/api/products/{product.pk}/reviews/", {"rating": 4, "comment": "Solid"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["rating"] == 4
    detail = api_client.get(f"/api/products/{product.pk}/").json()
    assert (detail["rating"], detail["review_count"]) == ("4.00", 1)
    listed = api_client.get("/api/products/").json()["results"][0]
    assert (listed["rating"], listed["review_count"]) == ("4.00", 1)


def test_anonymous_post_is_401(api_client):
    product = ProductFactory()
    assert api_client.post(f"/api/products/{product.pk}/reviews/", {"rating": 5}, format="json").status_code == 401


@pytest.mark.parametrize("status", [None, OrderStatus.PENDING, OrderStatus.CANCELLED])
def test_non_buyer_is_403(customer_client, customer, status):
    product = ProductFactory()
    if status:
        bought(customer, product, status=status)
    response = customer_client.post(f"/api/products/{product.pk}/reviews/", {"rating": 5}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_a_buyer"
    assert not Review.objects.exists()


def test_duplicate_review_is_409(customer_client, customer):
    product = ProductFactory()
    bought(customer, product)
    assert customer_client.post(f"/api/products/{product.pk}/reviews/", {"rating": 5}, format="json").status_code == 201
    response = customer_client.post(f"/api/products/{product.pk}/reviews/", {"rating": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "already_reviewed"


@pytest.mark.parametrize("rating", [0, 6, -1, "five", None, 4.5])
def test_rating_out_of_range_is_400(customer_client, customer, rating):
    product = ProductFactory()
    bought(customer, product)
    response = customer_client.post(f"/api/products/{product.pk}/reviews/", {"rating": rating}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "rating"


def test_review_cannot_set_user_or_product(customer_client, customer):
    product = ProductFactory()
    bought(customer, product)
    other_user, other_product = UserFactory(), ProductFactory()
    response = customer_client.post(
        f"/api/products/{product.pk}/reviews/",
        {"rating": 5, "user": other_user.pk, "product": other_product.pk},
        format="json",
    )
    assert response.status_code == 201
    review = Review.objects.get()
    assert (review.user_id, review.product_id) == (customer.pk, product.pk)


def test_review_unknown_product_is_404(customer_client):
    assert customer_client.post("/api/products/999999/reviews/", {"rating": 5}, format="json").status_code == 404
