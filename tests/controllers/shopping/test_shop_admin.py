"""Admin pages of the shopping models render, and status actions go through the state machine."""

from decimal import Decimal

import pytest

from apps.core.models.shopping import OrderStatus
from tests.factories import ProductFactory
from tests.factories_shop import (
    CartItemFactory,
    OrderFactory,
    OrderLineFactory,
    PaymentFactory,
    ReviewFactory,
    WishlistItemFactory,
)

pytestmark = pytest.mark.django_db


def test_shop_admin_pages_render(admin_site_client):
    order = OrderFactory()
    OrderLineFactory(order=order)
    PaymentFactory(order=order)
    ReviewFactory()
    WishlistItemFactory()
    cart_item = CartItemFactory()
    for url in (
        "/admin/core/order/",
        f"/admin/core/order/{order.pk}/change/",
        "/admin/core/payment/",
        "/admin/core/review/",
        "/admin/core/cart/",
        f"/admin/core/cart/{cart_item.cart_id}/change/",
        "/admin/core/wishlistitem/",
        "/admin/core/idempotencykey/",
        "/admin/core/webhookevent/",
    ):
        assert admin_site_client.get(url).status_code == 200, url


def test_admin_cancel_action_restocks_through_state_machine(admin_site_client):
    product = ProductFactory(stock=2)
    order = OrderFactory(status=OrderStatus.PAID)
    OrderLineFactory(order=order, product=product, quantity=3)
    response = admin_site_client.post(
        "/admin/core/order/", {"action": "mark_cancelled", "_selected_action": [order.pk]}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    product.refresh_from_db()
    assert (order.status, product.stock) == (OrderStatus.CANCELLED, 5)


def test_admin_illegal_action_changes_nothing(admin_site_client):
    order = OrderFactory(status=OrderStatus.PENDING)
    admin_site_client.post("/admin/core/order/", {"action": "mark_delivered", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_review_deleted_in_admin_updates_product_rating(admin_site_client, django_capture_on_commit_callbacks):
    product = ProductFactory(rating=None, review_count=0)
    ReviewFactory(product=product, rating=4)
    removed = ReviewFactory(product=product, rating=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_site_client.post(
            "/admin/core/review/",
            {"action": "delete_selected", "_selected_action": [removed.pk], "post": "yes"},
        )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.rating, product.review_count) == (Decimal("4.00"), 1)
