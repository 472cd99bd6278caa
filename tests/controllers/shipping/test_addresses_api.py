"""`/api/addresses/`: per-country validation, E.164 phones, one default per kind, own rows only."""

import pytest

from apps.core.models.shipping import Address
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.factories_checkout import AddressFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

LIST = "/api/addresses/"
US = {"full_name": "A", "line1": "1 Main St", "city": "Springfield", "country": "US"}
UK = {"full_name": "Ada Lovelace", "line1": "10 Downing Street", "city": "London", "postal_code": "sw1a 2aa"}


def test_create_normalizes_postal_code_and_phone(customer_client):
    response = customer_client.post(LIST, {**UK, "country": "GB", "phone": "+44 20 7946 0000"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["postal_code"] == "SW1A 2AA"
    assert body["phone"] == "+442079460000"
    assert body["country"] == "GB"
    assert set(body) == {
        "id", "full_name", "company", "line1", "line2", "city", "postal_code", "region", "country", "phone",
        "is_default_shipping", "is_default_billing",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({**UK, "country": "GB", "postal_code": "12345"}, "postal_code"),
        (
            {"full_name": "A", "line1": "1 Main St", "city": "Springfield", "postal_code": "62701", "country": "US"},
            "region",
        ),
        (
            {"full_name": "A", "line1": "1 Main St", "city": "Springfield", "region": "IL", "country": "US"},
            "postal_code",
        ),
        ({**UK, "country": "XX"}, "country"),
        ({**UK, "country": "GB", "phone": "12"}, "phone"),
        ({"full_name": "A", "country": "GB", "city": "London", "postal_code": "SW1A 2AA"}, "line1"),
    ],
)
def test_invalid_addresses_are_400_naming_the_field(customer_client, body, attr):
    assert_envelope(customer_client.post(LIST, body, format="json"), 400, attr=attr)
    assert not Address.objects.exists()


def test_us_region_is_validated_and_normalized(customer_client):
    body = {"full_name": "A", "line1": "1600 Amphitheatre Pkwy", "city": "Mountain View", "region": "california"}
    response = customer_client.post(LIST, {**body, "postal_code": "94043", "country": "US"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["region"] == "CA"


def test_a_new_default_replaces_the_previous_one(customer_client):
    first = customer_client.post(LIST, {**UK, "country": "GB", "is_default_shipping": True}, format="json").json()
    second = customer_client.post(LIST, {**UK, "country": "GB", "is_default_shipping": True}, format="json").json()
    assert customer_client.get(f"{LIST}{first['id']}/").json()["is_default_shipping"] is False
    assert customer_client.get(f"{LIST}{second['id']}/").json()["is_default_shipping"] is True


def test_patch_revalidates_the_whole_address(customer_client):
    address = AddressFactory(user=customer_client.user)
    assert_envelope(
        customer_client.patch(f"{LIST}{address.pk}/", {"postal_code": "nope"}, format="json"), 400, attr="postal_code"
    )
    response = customer_client.patch(f"{LIST}{address.pk}/", {"line2": "Flat 2"}, format="json")
    assert response.status_code == 200
    assert response.json()["line2"] == "Flat 2"


def test_own_rows_only(customer_client):
    mine = AddressFactory(user=customer_client.user)
    theirs = AddressFactory()
    assert [row["id"] for row in customer_client.get(LIST).json()["results"]] == [mine.pk]
    for method in ("get", "patch", "delete"):
        assert getattr(customer_client, method)(f"{LIST}{theirs.pk}/", {}, format="json").status_code == 404
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_delete_and_anonymous(customer_client, api_client):
    address = AddressFactory(user=customer_client.user)
    assert api_client.get(LIST).status_code == 401
    assert customer_client.delete(f"{LIST}{address.pk}/").status_code == 204
    assert customer_client.get(f"{LIST}{address.pk}/").status_code == 404
    other = client_for(UserFactory())
    assert other.get(LIST).json()["count"] == 0
