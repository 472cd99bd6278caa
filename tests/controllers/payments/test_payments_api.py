"""`/api/orders/{id}/payments/` and `/api/payments/webhook/` over HTTP."""

import json
from decimal import Decimal

import pytest

from apps.core.models.payments import Payment, PaymentStatus, WebhookEvent
from apps.core.models.shopping import OrderStatus
from apps.core.services.payments.payments import sign
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories_shop import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec_api_test"


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYMENT_SANDBOX_OUTCOME = "succeed"
    settings.PAYMENT_WEBHOOK_SECRET = SECRET
    return settings


def pending_order(user, total=Decimal("42.00")):
    order = OrderFactory(user=user, total=total)
    OrderLineFactory(order=order, unit_price=total, line_total=total)
    return order


def test_pay_pending_order(customer_client, customer):
    order = pending_order(customer)
    response = customer_client.post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("order", "amount", "currency", "method", "status")} == {
        "order": order.pk,
        "amount": "42.00",
        "currency": "USD",
        "method": "card",
        "status": "succeeded",
    }
    assert body["reference"].startswith("sbx_")
    assert customer_client.get(f"/api/orders/{order.pk}/").json()["status"] == "paid"


def test_client_cannot_set_amount_or_status(customer_client, customer):
    order = pending_order(customer, Decimal("42.00"))
    response = customer_client.post(
        f"/api/orders/{order.pk}/payments/",
        {"method": "card", "amount": "0.01", "currency": "XXX", "status": "succeeded", "order": 999},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["amount"], response.json()["currency"]) == ("42.00", "USD")


def test_declined_payment_is_recorded_and_order_stays_pending(customer_client, customer, settings):
    settings.PAYMENT_SANDBOX_OUTCOME = "decline"
    order = pending_order(customer)
    response = customer_client.post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_pay_non_pending_order_is_409(customer_client, customer):
    order = OrderFactory(user=customer, status=OrderStatus.PAID)
    response = customer_client.post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "order_not_payable"


@pytest.mark.parametrize("body", [{}, {"method": "cash"}, {"method": ""}])
def test_pay_bad_method_is_400(customer_client, customer, body):
    order = pending_order(customer)
    response = customer_client.post(f"/api/orders/{order.pk}/payments/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "method"
    assert Payment.objects.count() == 0


def test_pay_other_users_order_is_404(customer):
    order = pending_order(customer)
    response = client_for(UserFactory()).post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json")
    assert response.status_code == 404
    assert Payment.objects.count() == 0


def test_list_payments_of_own_order_only(customer_client, customer, admin_client):
    order = pending_order(customer)
    customer_client.post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json")
    body = customer_client.get(f"/api/orders/{order.pk}/payments/").json()
    assert body["count"] == 1
    assert body["results"][0]["status"] == "succeeded"
    assert admin_client.get(f"/api/orders/{order.pk}/payments/").json()["count"] == 1
    intruder = client_for(UserFactory())
    assert intruder.get(f"/api/orders/{order.pk}/payments/").status_code == 404


def test_pay_needs_login(api_client, customer):
    order = pending_order(customer)
    assert api_client.post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json").status_code == 401


# --- webhook -----------------------------------------------------------------------------
@pytest.fixture
def pending_payment(customer_client, customer, settings):
    settings.PAYMENT_SANDBOX_OUTCOME = "pending"
    order = pending_order(customer)
    response = customer_client.post(f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json")
    assert response.json()["status"] == "pending"
    return Payment.objects.get(pk=response.json()["id"])


def post_webhook(client, body: bytes, signature: str | None):
    headers = {} if signature is None else {"HTTP_X_NEXUS_SIGNATURE": signature}
    return client.post("/api/payments/webhook/", data=body, content_type="application/json", **headers)


def succeeded(reference: str, event_id: str = "evt_100") -> bytes:
    return json.dumps({"id": event_id, "type": "payment.succeeded", "data": {"reference": reference}}).encode()


def test_webhook_settles_payment_and_order(api_client, pending_payment):
    body = succeeded(pending_payment.reference)
    response = post_webhook(api_client, body, sign(SECRET, body))
    assert response.status_code == 200
    assert response.json() == {"event_id": "evt_100", "applied": True}
    pending_payment.refresh_from_db()
    assert pending_payment.status == PaymentStatus.SUCCEEDED
    assert pending_payment.order.status == OrderStatus.PAID


def test_webhook_repeated_event_is_applied_once(api_client, pending_payment, mailoutbox):
    body = succeeded(pending_payment.reference)
    first = post_webhook(api_client, body, sign(SECRET, body))
    second = post_webhook(api_client, body, sign(SECRET, body))
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == {"event_id": "evt_100", "applied": False}
    assert WebhookEvent.objects.count() == 1
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 1


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=deadbeef", "sha1=" + "a" * 40, "tampered"],
    ids=["missing", "empty", "wrong", "other-algo", "garbage"],
)
def test_webhook_bad_signature_is_400_and_changes_nothing(api_client, pending_payment, signature):
    response = post_webhook(api_client, succeeded(pending_payment.reference), signature)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_signature"
    pending_payment.refresh_from_db()
    assert pending_payment.status == PaymentStatus.PENDING
    assert pending_payment.order.status == OrderStatus.PENDING
    assert WebhookEvent.objects.count() == 0


def test_webhook_signature_of_other_body_is_400(api_client, pending_payment):
    signed = succeeded(pending_payment.reference, "evt_a")
    sent = succeeded(pending_payment.reference, "evt_b")
    assert post_webhook(api_client, sent, sign(SECRET, signed)).status_code == 400
    assert WebhookEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"id": "e", "type": "refund.created", "data": {"reference": "r"}}', b'{"id": "e"}'],
)
def test_webhook_malformed_event_is_400(api_client, body):
    response = post_webhook(api_client, body, sign(SECRET, body))
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_webhook_needs_no_jwt_but_ignores_one(customer_client, pending_payment):
    body = succeeded(pending_payment.reference)
    assert post_webhook(customer_client, body, sign(SECRET, body)).status_code == 200
