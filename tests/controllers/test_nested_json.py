"""Deeply nested JSON bodies are a 400 `parse_error` in the envelope on every JSON-accepting operation.

The operations come from the OpenAPI schema (every one with a JSON request body), so a new
endpoint is covered without editing this test. An admin (superuser) sends them, so
authentication and permissions pass and the body is what gets judged.
"""

import re
from collections import defaultdict

import pytest
from drf_spectacular.generators import SchemaGenerator

from apps.core.infra.json_depth import MAX_JSON_DEPTH
from apps.core.services.payments.payments import sign
from tests.factories import ProductFactory
from tests.factories_checkout import AddressFactory, ShippingMethodFactory, TaxRateFactory, VoucherFactory
from tests.factories_shop import CartItemFactory, OrderFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

SECRET = "whsec_nested"
DEEP = b"[" * 5000 + b"]" * 5000  # RecursionError for json.loads
JUST_TOO_DEEP = b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1)


def json_operations() -> list[tuple[str, str]]:
    """(METHOD, path template) of every operation whose request body may be application/json."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "application/json" in (operation.get("requestBody") or {}).get("content", {})
    ]


def test_the_walk_finds_the_json_operations():
    operations = json_operations()
    assert ("POST", "/api/auth/token/") in operations
    assert ("POST", "/api/payments/webhook/") in operations
    assert len(operations) >= 15


@pytest.fixture
def path_ids(admin_user) -> dict[str, int]:
    """Real ids for the path parameters, so a handler that looks its object up first finds it."""
    product = ProductFactory()
    ids = {
        "category_id": product.category_id,
        "product_id": product.pk,
        "item_id": CartItemFactory(cart__user=admin_user, product=product).pk,
        "order_id": OrderFactory(user=admin_user).pk,
        "address_id": AddressFactory(user=admin_user).pk,
        "method_id": ShippingMethodFactory().pk,
        "rate_id": TaxRateFactory().pk,
        "voucher_id": VoucherFactory().pk,
    }
    return defaultdict(lambda: 1, ids)  # a parameter added later: the body is refused before any lookup


@pytest.mark.parametrize("body", [DEEP, JUST_TOO_DEEP], ids=["5000-levels", "max-plus-one"])
@pytest.mark.parametrize(("method", "template"), json_operations())
def test_deeply_nested_body_is_400_envelope(admin_client, path_ids, settings, method, template, body):
    settings.PAYMENT_WEBHOOK_SECRET = SECRET
    path = re.sub(r"\{(\w+)\}", lambda m: str(path_ids[m.group(1)]), template)
    headers = {"HTTP_X_NEXUS_SIGNATURE": sign(SECRET, body)} if template == "/api/payments/webhook/" else {}
    response = admin_client.generic(method, path, body, content_type="application/json", **headers)
    assert_envelope(response, 400, code="parse_error")


def test_nesting_up_to_the_bound_is_parsed(api_client):
    body = b'{"email": ' + b"[" * (MAX_JSON_DEPTH - 1) + b"]" * (MAX_JSON_DEPTH - 1) + b', "password": "x"}'
    response = api_client.generic("POST", "/api/auth/token/", body, content_type="application/json")
    assert_envelope(response, 400, attr="email")  # judged by the serializer: not an e-mail


def test_brackets_inside_strings_do_not_count(api_client):
    body = b'{"email": "' + b"[" * 5000 + b'", "password": "x"}'
    response = api_client.generic("POST", "/api/auth/token/", body, content_type="application/json")
    assert_envelope(response, 400, attr="email")
