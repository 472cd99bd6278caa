"""WishlistService: add once, remove, list only public products."""

import pytest

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.models.catalog import Product
from apps.core.models.shopping import WishlistItem
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import WishlistItemFactory

pytestmark = pytest.mark.django_db


def test_add_twice_keeps_one_row(wishlist_service, customer):
    product = ProductFactory()
    assert wishlist_service.add(customer, product.pk)[1] is True
    assert wishlist_service.add(customer, product.pk)[1] is False
    assert WishlistItem.objects.count() == 1


def test_add_inactive_product_is_invalid(wishlist_service, customer):
    product = ProductFactory(is_active=False)
    with pytest.raises(InvalidInputError):
        wishlist_service.add(customer, product.pk)


def test_list_page_newest_first_and_hides_deleted(wishlist_service, customer):
    first = WishlistItemFactory(user=customer).product
    second = WishlistItemFactory(user=customer).product
    gone = WishlistItemFactory(user=customer).product
    WishlistItemFactory(user=UserFactory())
    Product.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    page = wishlist_service.list_page(customer, page=1, page_size=20)
    assert [p.pk for p in page.items] == [second.pk, first.pk]
    assert page.count == 2


def test_remove_missing_is_not_found(wishlist_service, customer):
    theirs = WishlistItemFactory(user=UserFactory())
    with pytest.raises(NotFoundError):
        wishlist_service.remove(customer, theirs.product_id)
    assert WishlistItem.objects.filter(pk=theirs.pk).exists()
