"""Fulfilment and expiry over HTTP: processing, shipping with tracking, the shop's own moves, expired orders."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from apps.core.models.shopping import Order, OrderStatus
from tests.conftest import client_for
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import OrderFactory, paid_order
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_manager(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="order_managers"))
    return client_for(user)


def test_order_reads_carry_tracking_and_deadline(customer_client, settings):
    settings.ORDER_PAYMENT_TIMEOUT_MIN = 30
    product = ProductFactory(stock=3)
    customer_client.post("/api/cart/items/", {"product": product.pk, "quantity": 1}, format="json")
    body = customer_client.post("/api/orders/").json()
    assert (body["tracking_number"], body["carrier"]) == ("", "")
    placed = Order.objects.get(pk=body["id"])
    assert abs(placed.expires_at - placed.created_at - timedelta(minutes=30)) < timedelta(seconds=5)
    assert body["expires_at"] == customer_client.get(f"/api/orders/{body['id']}/").json()["expires_at"]
    assert body["expires_at"].endswith("Z")


def test_staff_move_an_order_through_processing_to_shipped_with_tracking(
    order_manager, customer, customer_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = paid_order((ProductFactory(), 1), user=customer)
    processing = order_manager.patch(f"/api/orders/{order.pk}/", {"status": "processing"}, format="json")
    assert processing.status_code == 200
    assert processing.json()["processing_at"] is not None
    with django_capture_on_commit_callbacks(execute=True):
        shipped = order_manager.patch(
            f"/api/orders/{order.pk}/",
            {"status": "shipped", "tracking_number": "1Z999AA10123456784", "carrier": "UPS"},
            format="json",
        )
    assert shipped.status_code == 200, shipped.json()
    mine = customer_client.get(f"/api/orders/{order.pk}/").json()
    assert (mine["status"], mine["tracking_number"], mine["carrier"]) == ("shipped", "1Z999AA10123456784", "UPS")
    (mail,) = mailoutbox
    assert mail.subject == f"Order {order.number} has shipped"
    assert "Tracking number: 1Z999AA10123456784" in mail.body
    assert "Carrier: UPS" in mail.body
    assert "1Z999AA10123456784" in mail.alternatives[0][0]


@pytest.mark.parametrize("status", ["expired", "partially_refunded", "refunded"])
def test_patch_to_the_shops_own_moves_is_409(order_manager, status):
    order = OrderFactory(status=OrderStatus.PENDING if status == "expired" else OrderStatus.PAID)
    response = order_manager.patch(f"/api/orders/{order.pk}/", {"status": status}, format="json")
    assert_envelope(response, 409, attr="status", code="illegal_transition")
    order.refresh_from_db()
    assert order.status in ("pending", "paid")


def test_tracking_with_another_status_is_400(order_manager):
    order = paid_order((ProductFactory(), 1))
    response = order_manager.patch(
        f"/api/orders/{order.pk}/", {"status": "processing", "carrier": "DHL"}, format="json"
    )
    assert_envelope(response, 400, attr="carrier", code="tracking_needs_shipped")
    too_long = order_manager.patch(
        f"/api/orders/{order.pk}/", {"status": "shipped", "tracking_number": "x" * 65}, format="json"
    )
    assert_envelope(too_long, 400, attr="tracking_number", code="max_length")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_customers_cannot_ship(customer_client, customer):
    order = paid_order((ProductFactory(), 1), user=customer)
    response = customer_client.patch(
        f"/api/orders/{order.pk}/", {"status": "shipped", "tracking_number": "X"}, format="json"
    )
    assert_envelope(response, 403)


def test_cancel_from_processing(customer_client, customer):
    product = ProductFactory(stock=0)
    order = paid_order((product, 2), user=customer, status=OrderStatus.PROCESSING)
    response = customer_client.post(f"/api/orders/{order.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert customer_client.get(f"/api/products/{product.pk}/").json()["stock"] == 2


def test_payment_of_an_expired_order_is_409(customer_client, customer, container):
    order = OrderFactory(user=customer, total="10.00", expires_at=timezone.now() - timedelta(seconds=1))
    early = customer_client.post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json")
    assert_envelope(early, 409, code="order_expired")
    container.order_expiry_service().expire_due()
    assert customer_client.get(f"/api/orders/{order.pk}/").json()["status"] == "expired"
    late = customer_client.post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json")
    assert_envelope(late, 409, code="order_not_payable")
    assert customer_client.get("/api/orders/", {"status": "expired"}).json()["count"] == 1
