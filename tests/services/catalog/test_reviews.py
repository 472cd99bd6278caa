"""ReviewService: buyers only, one per product, the product's rating kept current."""

from decimal import Decimal

import pytest

from apps.core.exceptions import AlreadyReviewedError, NotABuyerError, NotFoundError
from apps.core.models.catalog import Product
from apps.core.models.shopping import OrderStatus
from apps.core.services.catalog.products import ProductFilters
from tests.cached_reads import cached_list
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import bought

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED])
def test_buyer_may_review(review_service, customer, status):
    product = ProductFactory()
    bought(customer, product, status=status)
    review = review_service.create(customer, product.pk, rating=5, comment="Great")
    assert (review.rating, review.comment) == (5, "Great")


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.CANCELLED, None])
def test_non_buyer_may_not_review(review_service, customer, status):
    product = ProductFactory()
    if status is not None:
        bought(customer, product, status=status)
    bought(UserFactory(), product)  # someone else bought it
    with pytest.raises(NotABuyerError):
        review_service.create(customer, product.pk, rating=5, comment="")


def test_second_review_is_conflict(review_service, customer):
    product = ProductFactory()
    bought(customer, product)
    review_service.create(customer, product.pk, rating=3, comment="")
    with pytest.raises(AlreadyReviewedError):
        review_service.create(customer, product.pk, rating=4, comment="")


def test_rating_and_count_kept_current(review_service, product_service, django_capture_on_commit_callbacks):
    product = ProductFactory()

    def render(page) -> bytes:
        p = page.items[0]
        return f"{p.rating}|{p.review_count}".encode()

    def cached() -> str:
        return cached_list(product_service, ProductFilters(), page=1, page_size=20, render=render).body.decode()

    assert cached() == "None|0"
    for rating in (5, 4, 4):
        user = UserFactory()
        bought(user, product)
        with django_capture_on_commit_callbacks(execute=True):
            review_service.create(user, product.pk, rating=rating, comment="")
    product.refresh_from_db()
    assert (product.rating, product.review_count) == (Decimal("4.33"), 3)
    assert cached() == "4.33|3"


def test_list_page_of_hidden_product_is_not_found(review_service):
    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(is_active=False)
    with pytest.raises(NotFoundError):
        review_service.list_page(product.pk, page=1, page_size=20)


def test_delete_recomputes_rating_and_refreshes_cache(
    review_service, product_service, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    reviews = []
    for rating in (5, 2):
        user = UserFactory()
        bought(user, product)
        with django_capture_on_commit_callbacks(execute=True):
            reviews.append(review_service.create(user, product.pk, rating=rating, comment=""))
    page = product_service.list_page(ProductFilters(), page=1, page_size=20)
    assert (page.items[0].rating, page.items[0].review_count) == (Decimal("3.50"), 2)

    with django_capture_on_commit_callbacks(execute=True):
        review_service.delete(reviews[0].pk)
    product.refresh_from_db()
    assert (product.rating, product.review_count) == (Decimal("2.00"), 1)

    with django_capture_on_commit_callbacks(execute=True):
        review_service.delete(reviews[1].pk)
    product.refresh_from_db()
    assert (product.rating, product.review_count) == (None, 0)


def test_delete_unknown_review_is_not_found(review_service):
    with pytest.raises(NotFoundError):
        review_service.delete(999_999)
