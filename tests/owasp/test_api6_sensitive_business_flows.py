"""OWASP API6:2023 Unrestricted Access to Sensitive Business Flows.

The flows a bot would abuse are rate-limited per client: sign-up (THROTTLE_RATE_REGISTER) and
log-in (API2). Checkout is idempotent per `Idempotency-Key`, so a retried or replayed order
placement cannot create a second order.
"""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.factories import ProductFactory
from tests.owasp.helpers import require_routes

pytestmark = pytest.mark.django_db


def test_sign_up_is_throttled_per_client():
    client = APIClient()
    limit = int(settings.THROTTLE_RATES["register"].split("/")[0])
    for n in range(limit):
        body = {"email": f"bot{n}@example.com", "password": "Sturdy-pass-2026!"}
        assert client.post("/api/auth/register/", body, format="json").status_code == 201
    body = {"email": "one.more@example.com", "password": "Sturdy-pass-2026!"}
    throttled = client.post("/api/auth/register/", body, format="json")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_order_placement_is_idempotent_per_key(customer_client):
    require_routes("/api/cart/items/", "/api/orders/")
    product = ProductFactory(stock=5)
    customer_client.post("/api/cart/items/", {"product": product.pk, "quantity": 1}, format="json")
    first = customer_client.post("/api/orders/", format="json", HTTP_IDEMPOTENCY_KEY="order-key-1")
    replay = customer_client.post("/api/orders/", format="json", HTTP_IDEMPOTENCY_KEY="order-key-1")
    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json()["id"] == first.json()["id"]
    product.refresh_from_db()
    assert product.stock == 4
