"""GET /api/products/{id}/ through HTTP: who sees what.

These tests assert the contract (status codes, fields, which rows in which order), never the
list's internals, so they hold whatever the list implementation does underneath.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.controllers.catalog.products_http import FIELDS, LIST, detail, make, restore, skus  # noqa: F401
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


# --- detail ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["api_client", "customer_client", "admin_client"])
def test_detail_is_public(request, who):
    product = make("D-1", price=Decimal("5.50"))
    response = request.getfixturevalue(who).get(detail(product.pk))
    assert response.status_code == 200
    body = response.json()
    assert FIELDS <= set(body)
    assert (body["sku"], body["price"], body["in_stock"]) == ("D-1", "5.50", True)


def test_detail_inactive_is_404_for_the_public_but_visible_to_admins(api_client, customer_client, admin_client):
    product = make("OFF", is_active=False)
    assert_envelope(api_client.get(detail(product.pk)), 404)
    assert_envelope(customer_client.get(detail(product.pk)), 404)
    assert admin_client.get(detail(product.pk)).json()["is_active"] is False


def test_detail_deleted_or_unknown_is_404_for_everyone(api_client, admin_client):
    gone = make("GONE", deleted_at=timezone.now())
    for client in (api_client, admin_client):
        assert_envelope(client.get(detail(gone.pk)), 404, code="not_found")
        assert_envelope(client.get(detail(987654)), 404)
        assert_envelope(client.get(detail(10**20)), 404)
