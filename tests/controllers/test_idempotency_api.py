"""`Idempotency-Key` over HTTP wherever it is accepted: `POST /api/orders/`, `POST /api/orders/{id}/payments/`.

The key fingerprints the request (method, path, body), never server state: a retry of the same
request is a 200 with the first response's resource, the same key with another body is a 422.
"""

import pytest

from apps.core.models.catalog import Product
from apps.core.models.idempotency import IdempotencyKey
from apps.core.models.payments import Payment
from apps.core.models.shopping import CartItem, Order
from tests.factories import ProductFactory
from tests.factories_shop import OrderFactory, OrderLineFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


def add(client, product, quantity=1):
    response = client.post("/api/cart/items/", {"product": product.pk, "quantity": quantity}, format="json")
    assert response.status_code == 201, response.json()


def checkout(client, key: str, body: dict | None = None):
    return client.post("/api/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_retry_after_the_cart_changed_returns_the_first_order(customer_client, customer):
    # issue 9.1: order with key K, add another product, retry K with the same (empty) body
    first_product, later_product = ProductFactory(stock=5), ProductFactory(stock=5)
    add(customer_client, first_product, 2)
    first = checkout(customer_client, "K")
    add(customer_client, later_product, 1)
    retry = checkout(customer_client, "K")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert {k: retry.json()[k] for k in ("id", "number", "total")} == {
        k: first.json()[k] for k in ("id", "number", "total")
    }
    assert Order.objects.count() == 1
    assert list(Product.objects.order_by("pk").values_list("stock", flat=True)) == [3, 5]  # no stock moved again
    assert list(CartItem.objects.filter(cart__user=customer).values_list("product_id", "quantity")) == [
        (later_product.pk, 1)
    ]  # the new cart line is untouched
    assert checkout(customer_client, "K2").status_code == 201  # and a new key checks it out


def test_same_key_with_another_body_is_422(customer_client):
    add(customer_client, ProductFactory(stock=5))
    assert checkout(customer_client, "K").status_code == 201
    add(customer_client, ProductFactory(stock=5))
    assert_envelope(checkout(customer_client, "K", {"note": "x"}), 422, code="idempotency_key_mismatch")
    assert Order.objects.count() == 1


def test_key_is_per_user_and_per_path(customer_client, admin_client):
    add(customer_client, ProductFactory(stock=5))
    add(admin_client, ProductFactory(stock=5))
    assert checkout(customer_client, "shared").status_code == 201
    assert checkout(admin_client, "shared").status_code == 201  # another user's key space
    order = OrderFactory(user=customer_client.user)
    response = customer_client.post(
        f"/api/orders/{order.pk}/payments/", {"method": "card"}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert_envelope(response, 422, code="idempotency_key_mismatch")  # same key, another path


def test_deeply_nested_body_with_a_key_is_400(customer_client):
    add(customer_client, ProductFactory(stock=5))
    response = customer_client.generic(
        "POST", "/api/orders/", b"[" * 3000 + b"]" * 3000, content_type="application/json", HTTP_IDEMPOTENCY_KEY="K"
    )
    assert_envelope(response, 400, code="parse_error")
    assert not IdempotencyKey.objects.exists()


# --- payments ------------------------------------------------------------------------------------
@pytest.fixture
def pending_order(customer, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYMENT_SANDBOX_OUTCOME = "succeed"
    order = OrderFactory(user=customer, total="42.00")
    OrderLineFactory(order=order, unit_price="42.00", line_total="42.00")
    return order


def pay(client, order, key: str | None, method: str = "card"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/orders/{order.pk}/payments/", {"method": method}, format="json", **headers)


def test_payment_retry_returns_the_first_payment_200(customer_client, pending_order):
    first = pay(customer_client, pending_order, "P")
    retry = pay(customer_client, pending_order, "P")  # the order is paid now: without the key, a 409
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert Payment.objects.count() == 1
    assert_envelope(pay(customer_client, pending_order, None), 409, code="order_not_payable")


def test_payment_same_key_other_body_is_422(customer_client, pending_order, settings):
    settings.PAYMENT_SANDBOX_OUTCOME = "decline"
    assert pay(customer_client, pending_order, "P").status_code == 201
    assert_envelope(pay(customer_client, pending_order, "P", method="wallet"), 422, code="idempotency_key_mismatch")
    assert Payment.objects.count() == 1


def test_payment_malformed_key_is_400(customer_client, pending_order):
    assert_envelope(pay(customer_client, pending_order, "x" * 256), 400, attr="idempotency_key")
    assert not Payment.objects.exists()
