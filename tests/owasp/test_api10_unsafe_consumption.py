"""OWASP API10:2023 Unsafe Consumption of APIs.

The one third party that talks to us is the payment provider, through its webhook: a callback
is trusted only with a valid HMAC-SHA256 signature; a missing or wrong one is a 400 in the
envelope and changes nothing. (Runs once the payments endpoints are merged.)
"""

import json

import pytest

from tests.owasp.helpers import require_routes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signature", [None, "", "sha256=deadbeef", "0" * 64])
def test_webhook_with_a_bad_signature_is_400_and_changes_nothing(api_client, signature):
    require_routes("/api/payments/webhook/")
    from django.apps import apps

    models = [m for m in apps.get_app_config("core").get_models() if "payment" in m.__name__.lower()]
    counts = [m.objects.count() for m in models]
    headers = {} if signature is None else {"HTTP_X_SIGNATURE": signature, "HTTP_X_WEBHOOK_SIGNATURE": signature}
    body = json.dumps({"id": "evt_1", "type": "payment.succeeded", "data": {"reference": "x"}})
    response = api_client.generic("POST", "/api/payments/webhook/", body, content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["type"] in ("client_error", "validation_error")
    assert [m.objects.count() for m in models] == counts
