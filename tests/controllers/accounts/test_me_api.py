"""The current user through HTTP: read and patch the profile."""

import pytest

from tests.controllers.accounts.helpers import ME, USER_FIELDS
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


def test_me_anonymous_is_401(api_client):
    assert_envelope(api_client.get(ME), 401, code="not_authenticated")
    assert_envelope(api_client.patch(ME, {"first_name": "x"}, format="json"), 401)


def test_me_with_a_bad_token_is_401(api_client):
    assert_envelope(api_client.get(ME, HTTP_AUTHORIZATION="Bearer garbage"), 401)


def test_me_returns_the_current_user(customer_client, customer):
    response = customer_client.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == USER_FIELDS
    assert (body["id"], body["email"], body["is_staff"]) == (customer.pk, customer.email, False)


def test_me_admin_sees_is_staff(admin_client):
    assert admin_client.get(ME).json()["is_staff"] is True


def test_me_patch_changes_names_and_phone(customer_client, customer):
    response = customer_client.patch(
        ME, {"first_name": "Grace", "last_name": "Hopper", "phone_number": "+1 (555) 010-2030"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["phone_number"] == "+1 (555) 010-2030"
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name, customer.phone_number) == ("Grace", "Hopper", "+1 (555) 010-2030")


def test_me_patch_leaves_email_and_is_staff_read_only(customer_client, customer):
    response = customer_client.patch(
        ME, {"email": "evil@example.com", "is_staff": True, "last_name": "Kept"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["is_staff"], body["last_name"]) == (customer.email, False, "Kept")
    customer.refresh_from_db()
    assert (customer.email, customer.is_staff) == (body["email"], False)


def test_me_patch_bad_phone_is_400(customer_client):
    assert_envelope(
        customer_client.patch(ME, {"phone_number": "call me maybe"}, format="json"), 400, attr="phone_number"
    )


def test_me_put_is_not_allowed(customer_client):
    assert_envelope(customer_client.put(ME, {"first_name": "x"}, format="json"), 405)
