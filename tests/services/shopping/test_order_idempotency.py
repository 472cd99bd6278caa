"""OrderService checkouts with an Idempotency-Key: the key fingerprints the request, never the cart."""

import pytest

from apps.core.exceptions import IdempotencyKeyMismatchError, InsufficientStockError
from apps.core.models.idempotency import IdempotencyKey
from apps.core.models.shopping import CartItem, Order
from apps.core.services.idempotency import IdempotentRequest
from tests.factories import ProductFactory, UserFactory
from tests.services.shopping.test_orders import fill_cart

pytestmark = pytest.mark.django_db


def checkout_key(key: str, body=None) -> IdempotentRequest:
    """The Idempotency-Key of a `POST /api/orders/` with `body` (None: no body, as the API's clients send)."""
    return IdempotentRequest.of(key, "POST", "/api/orders/", body)


def test_idempotent_replay_returns_first_order(order_service, customer):
    product = ProductFactory(stock=5)
    fill_cart(customer, (product, 2))
    first, created = order_service.place_order(customer, idempotency=checkout_key("key-1"))
    replay, replay_created = order_service.place_order(customer, idempotency=checkout_key("key-1"))
    assert created is True
    assert replay_created is False
    assert replay.pk == first.pk
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 3


def test_retry_after_the_cart_changed_replays_and_leaves_the_new_cart_alone(order_service, customer):
    # issue 9.1: the key fingerprints the request, not the cart
    first_product, later_product = ProductFactory(stock=5), ProductFactory(stock=5)
    fill_cart(customer, (first_product, 2))
    first, _ = order_service.place_order(customer, idempotency=checkout_key("key-1"))
    fill_cart(customer, (later_product, 1))
    replay, created = order_service.place_order(customer, idempotency=checkout_key("key-1"))
    assert created is False
    assert (replay.pk, replay.number, replay.total) == (first.pk, first.number, first.total)
    assert Order.objects.count() == 1
    assert list(CartItem.objects.filter(cart__user=customer).values_list("product_id", "quantity")) == [
        (later_product.pk, 1)
    ]
    first_product.refresh_from_db()
    later_product.refresh_from_db()
    assert (first_product.stock, later_product.stock) == (3, 5)


def test_idempotency_key_with_a_different_body_is_rejected(order_service, customer):
    fill_cart(customer, (ProductFactory(stock=5), 1))
    order_service.place_order(customer, idempotency=checkout_key("key-1"))
    fill_cart(customer, (ProductFactory(stock=5), 1))
    with pytest.raises(IdempotencyKeyMismatchError):
        order_service.place_order(customer, idempotency=checkout_key("key-1", {"note": "another request"}))
    assert Order.objects.count() == 1
    assert CartItem.objects.filter(cart__user=customer).count() == 1


def test_idempotency_keys_are_per_user(order_service, customer):
    other = UserFactory()
    fill_cart(customer, (ProductFactory(), 1))
    fill_cart(other, (ProductFactory(), 1))
    mine, _ = order_service.place_order(customer, idempotency=checkout_key("same"))
    theirs, created = order_service.place_order(other, idempotency=checkout_key("same"))
    assert created is True
    assert theirs.pk != mine.pk
    assert IdempotencyKey.objects.count() == 2


def test_failed_checkout_does_not_burn_the_key(order_service, customer):
    product = ProductFactory(stock=1)
    fill_cart(customer, (product, 2))
    with pytest.raises(InsufficientStockError):
        order_service.place_order(customer, idempotency=checkout_key("retry-me"))
    CartItem.objects.filter(cart__user=customer).update(quantity=1)
    order, created = order_service.place_order(customer, idempotency=checkout_key("retry-me"))
    assert created is True
    assert order.lines.get().quantity == 1
