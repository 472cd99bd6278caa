"""`/api/shipping-methods/` and `/api/tax-rates/`, and the shipping and tax rules of the services."""

from decimal import Decimal

import pytest

from apps.core.exceptions import InvalidInputError
from tests.factories_checkout import ShippingMethodFactory, TaxRateFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

METHODS = "/api/shipping-methods/"
RATES = "/api/tax-rates/"


def test_methods_are_public_and_filter_by_country(api_client):
    eu = ShippingMethodFactory(name="EU", countries=["DE", "FR"], price=Decimal("9.00"))
    uk = ShippingMethodFactory(name="UK", countries=["GB"], price=Decimal("3.50"), free_over=Decimal("50.00"))
    body = api_client.get(METHODS).json()
    assert [m["name"] for m in body] == ["UK", "EU"]  # cheapest first
    expected = {"id": uk.pk, "name": "UK", "price": "3.50", "free_over": "50.00", "countries": ["GB"]}
    assert body[0] == {**expected, "min_days": 1, "max_days": 3}
    assert [m["id"] for m in api_client.get(METHODS, {"country": "de"}).json()] == [eu.pk]
    assert_envelope(api_client.get(METHODS, {"country": "ZZ"}), 400, attr="country")
    assert_envelope(api_client.get(METHODS, {"destination": "DE"}), 400, attr="destination")


def test_method_writes_are_staff_only(api_client, customer_client, admin_client):
    body = {"name": "World", "price": "25.00", "countries": ["US", "jp"], "min_days": 5, "max_days": 12}
    assert api_client.post(METHODS, body, format="json").status_code == 401
    assert customer_client.post(METHODS, body, format="json").status_code == 403
    created = admin_client.post(METHODS, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["countries"] == ["JP", "US"]
    method_id = created.json()["id"]
    assert customer_client.patch(f"{METHODS}{method_id}/", {"price": "1.00"}, format="json").status_code == 403
    assert admin_client.patch(f"{METHODS}{method_id}/", {"price": "20.00"}, format="json").json()["price"] == "20.00"
    bad = admin_client.patch(f"{METHODS}{method_id}/", {"min_days": 20}, format="json")
    assert_envelope(bad, 400, attr="min_days")
    assert admin_client.delete(f"{METHODS}{method_id}/").status_code == 204
    assert api_client.get(METHODS).json() == []
    assert admin_client.delete(f"{METHODS}{method_id}/").status_code == 404


def test_shipping_quote_is_free_at_or_above_free_over(container):
    method = ShippingMethodFactory(countries=["GB"], price=Decimal("4.99"), free_over=Decimal("50.00"))
    service = container.shipping_method_service()
    assert service.quote(method.pk, country="GB", subtotal=Decimal("49.99")).price == Decimal("4.99")
    assert service.quote(method.pk, country="GB", subtotal=Decimal("50.00")).price == Decimal("0.00")
    with pytest.raises(InvalidInputError) as refused:
        service.quote(method.pk, country="US", subtotal=Decimal("10"))
    assert (refused.value.code, refused.value.attr) == ("country_not_served", "shipping_method")


def test_tax_rate_for_prefers_the_region(container):
    TaxRateFactory(country="US", region="", rate=Decimal("0.0500"))
    TaxRateFactory(country="US", region="CA", rate=Decimal("0.0725"))
    service = container.tax_rate_service()
    assert service.rate_for("US", "CA") == Decimal("0.0725")
    assert service.rate_for("US", "NY") == Decimal("0.0500")
    assert service.rate_for("JP") == Decimal("0")


def test_tax_rates_crud_is_staff_only(customer_client, admin_client):
    body = {"country": "DE", "rate": "0.1900"}
    assert customer_client.get(RATES).status_code == 403
    created = admin_client.post(RATES, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json() == {"id": created.json()["id"], "country": "DE", "region": "", "rate": "0.1900"}
    assert admin_client.post(RATES, body, format="json").status_code == 409
    assert_envelope(admin_client.post(RATES, {"country": "FR", "rate": "1.5"}, format="json"), 400, attr="rate")
    rate_id = created.json()["id"]
    assert admin_client.patch(f"{RATES}{rate_id}/", {"rate": "0.0700"}, format="json").json()["rate"] == "0.0700"
    assert admin_client.delete(f"{RATES}{rate_id}/").status_code == 204
    assert admin_client.get(RATES).json() == []
