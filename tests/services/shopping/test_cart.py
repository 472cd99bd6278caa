"""CartService: one cart per user, quantities bounded by stock, only buyable products."""

from decimal import Decimal

import pytest

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.models.catalog import Product
from apps.core.models.shopping import Cart, CartItem
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import CartItemFactory

pytestmark = pytest.mark.django_db


def test_add_item_creates_cart_and_raises_quantity(cart_service, customer):
    product = ProductFactory(price=Decimal("2.50"), stock=10)
    first = cart_service.add_item(customer, product.pk, 2)
    again = cart_service.add_item(customer, product.pk, 3)
    assert again.pk == first.pk
    assert again.quantity == 5
    assert Cart.objects.filter(user=customer).count() == 1
    view = cart_service.get(customer)
    assert (view.item_count, view.total) == (5, Decimal("12.50"))


def test_add_item_beyond_stock_is_invalid(cart_service, customer):
    product = ProductFactory(stock=3)
    cart_service.add_item(customer, product.pk, 2)
    with pytest.raises(InvalidInputError) as caught:
        cart_service.add_item(customer, product.pk, 2)
    assert (caught.value.code, caught.value.attr) == ("exceeds_stock", "quantity")
    assert CartItem.objects.get().quantity == 2


@pytest.mark.parametrize("state", ["inactive", "deleted", "missing"])
def test_add_unbuyable_product_is_invalid(cart_service, customer, state):
    product = ProductFactory()
    if state == "inactive":
        Product.objects.filter(pk=product.pk).update(is_active=False)
    elif state == "deleted":
        Product.objects.filter(pk=product.pk).update(deleted_at="2026-01-01T00:00:00Z")
    product_id = product.pk if state != "missing" else product.pk + 1000
    with pytest.raises(InvalidInputError) as caught:
        cart_service.add_item(customer, product_id, 1)
    assert caught.value.attr == "product"


def test_update_and_remove_only_own_items(cart_service, customer):
    theirs = CartItemFactory(cart__user=UserFactory())
    with pytest.raises(NotFoundError):
        cart_service.update_item(customer, theirs.pk, 1)
    with pytest.raises(NotFoundError):
        cart_service.remove_item(customer, theirs.pk)
    assert CartItem.objects.filter(pk=theirs.pk).exists()


def test_update_item_quantity_bounds(cart_service, customer):
    item = CartItemFactory(cart__user=customer, product=ProductFactory(stock=4), quantity=1)
    assert cart_service.update_item(customer, item.pk, 4).quantity == 4
    with pytest.raises(InvalidInputError):
        cart_service.update_item(customer, item.pk, 5)
    with pytest.raises(InvalidInputError):
        cart_service.update_item(customer, item.pk, 0)


def test_clear_empties_only_my_cart(cart_service, customer):
    CartItemFactory(cart__user=customer)
    other = CartItemFactory(cart__user=UserFactory())
    cart_service.clear(customer)
    assert list(CartItem.objects.values_list("pk", flat=True)) == [other.pk]


def test_get_cart_constant_queries(cart_service, customer, django_assert_num_queries):
    for _ in range(5):
        CartItemFactory(cart__user=customer)
    with django_assert_num_queries(2):
        view = cart_service.get(customer)
        [item.line_total for item in view.items]
