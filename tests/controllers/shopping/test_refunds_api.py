"""`/api/orders/{id}/refunds/` over HTTP: staff refunds, reads by owner and staff, errors, idempotency."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from apps.core.models.payments import Refund
from apps.core.models.shopping import OrderStatus
from tests.conftest import client_for
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import paid_order
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


@pytest.fixture
def order_manager(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="order_managers"))
    return client_for(user)


@pytest.fixture
def order(customer):
    """The customer's delivered order: 2 x 12.50 and 1 x 4.00 (29.00), products out of stock."""
    return paid_order(
        (ProductFactory(price=Decimal("12.50"), stock=0), 2),
        (ProductFactory(price=Decimal("4.00"), stock=0), 1),
        user=customer,
        status=OrderStatus.DELIVERED,
    )


def url(order) -> str:
    return f"/api/orders/{order.pk}/refunds/"


def test_order_manager_refunds_a_line(order_manager, order, customer_client):
    first = customer_client.get(f"/api/orders/{order.pk}/").json()["items"][0]  # lines are named by their id
    body = {"lines": [{"line": first["id"], "quantity": 1}], "restock": True, "reason": "broken"}
    response = order_manager.post(url(order), body, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("amount", "lines", "restocked", "status", "shipping_refunded")} == {
        "amount": "12.50",
        "lines": [{"line": first["id"], "quantity": 1, "amount": "12.50"}],
        "restocked": True,
        "status": "succeeded",
        "shipping_refunded": False,
    }
    assert body["id"] == Refund.objects.get().pk
    assert customer_client.get(f"/api/orders/{order.pk}/").json()["status"] == "partially_refunded"
    assert customer_client.get(f"/api/products/{first['product']}/").json()["stock"] == 1


def test_full_refund_makes_the_order_refunded(order_manager, order):
    lines = [{"line": line.pk, "quantity": line.quantity} for line in order.lines.all()]
    response = order_manager.post(url(order), {"lines": lines, "shipping": True}, format="json")
    assert response.status_code == 201
    assert response.json()["amount"] == "29.00"
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    again = order_manager.post(url(order), {"lines": lines[:1]}, format="json")
    assert_envelope(again, 409, code="order_not_refundable")


def test_quantity_beyond_what_is_left_is_400_naming_lines(order_manager, order):
    line = order.lines.order_by("pk").first()
    first = order_manager.post(url(order), {"lines": [{"line": line.pk, "quantity": 2}]}, format="json")
    assert first.status_code == 201
    response = order_manager.post(url(order), {"lines": [{"line": line.pk, "quantity": 1}]}, format="json")
    assert_envelope(response, 400, attr="lines", code="exceeds_refundable")
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        ({}, "lines", "empty_refund"),
        ({"lines": [{"line": 1, "quantity": 0}]}, "lines.0.quantity", "min_value"),
        ({"lines": [{"line": "x", "quantity": 1}]}, "lines.0.line", "invalid"),
        ({"lines": "all"}, "lines", "not_a_list"),
        ({"lines": [], "shipping": "maybe"}, "shipping", "invalid"),
    ],
)
def test_malformed_bodies_are_400(order_manager, order, body, attr, code):
    assert_envelope(order_manager.post(url(order), body, format="json"), 400, attr=attr, code=code)


def test_duplicate_and_foreign_lines_are_400(order_manager, order):
    line = order.lines.first()
    twice = order_manager.post(url(order), {"lines": [{"line": line.pk, "quantity": 1}] * 2}, format="json")
    assert_envelope(twice, 400, attr="lines", code="duplicate_line")
    foreign = paid_order((ProductFactory(), 1)).lines.get()
    other = order_manager.post(url(order), {"lines": [{"line": foreign.pk, "quantity": 1}]}, format="json")
    assert_envelope(other, 400, attr="lines", code="unknown_order_line")


def test_declined_refund_is_409_and_changes_nothing(order_manager, order, settings):
    settings.PAYMENT_SANDBOX_REFUND_OUTCOME = "decline"
    line = order.lines.first()
    response = order_manager.post(url(order), {"lines": [{"line": line.pk, "quantity": 1}]}, format="json")
    assert_envelope(response, 409, code="refund_declined")
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert not Refund.objects.exists()


def test_pending_order_is_409(order_manager, customer):
    order = paid_order((ProductFactory(), 1), user=customer, status=OrderStatus.PENDING)
    line = order.lines.get()
    response = order_manager.post(url(order), {"lines": [{"line": line.pk, "quantity": 1}]}, format="json")
    assert_envelope(response, 409, code="order_not_refundable")


def test_only_order_managers_refund(api_client, customer_client, order):
    body = {"lines": [{"line": order.lines.first().pk, "quantity": 1}]}
    assert api_client.post(url(order), body, format="json").status_code == 401
    assert_envelope(customer_client.post(url(order), body, format="json"), 403)
    marketing = UserFactory(is_staff=True)
    marketing.groups.add(Group.objects.get(name="marketing"))
    assert client_for(marketing).post(url(order), body, format="json").status_code == 403
    assert not Refund.objects.exists()


def test_owner_and_staff_read_refunds_others_get_404(order_manager, order, customer_client, api_client):
    line = order.lines.first()
    order_manager.post(url(order), {"lines": [{"line": line.pk, "quantity": 1}]}, format="json")
    mine = customer_client.get(url(order))
    assert mine.status_code == 200
    assert mine.json()["count"] == 1
    assert mine.json()["results"][0]["lines"] == [{"line": line.pk, "quantity": 1, "amount": "12.50"}]
    assert order_manager.get(url(order)).json()["count"] == 1
    assert_envelope(client_for(UserFactory()).get(url(order)), 404)
    assert api_client.get(url(order)).status_code == 401
    assert_envelope(customer_client.get(url(order), {"page": 2}), 404)


def test_idempotency_key_replays_the_refund(order_manager, order):
    body = {"lines": [{"line": order.lines.first().pk, "quantity": 1}]}
    first = order_manager.post(url(order), body, format="json", HTTP_IDEMPOTENCY_KEY="refund-42")
    replay = order_manager.post(url(order), body, format="json", HTTP_IDEMPOTENCY_KEY="refund-42")
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == first.json()
    assert Refund.objects.count() == 1
    other = order_manager.post(url(order), {**body, "restock": True}, format="json", HTTP_IDEMPOTENCY_KEY="refund-42")
    assert_envelope(other, 422, code="idempotency_key_mismatch")
