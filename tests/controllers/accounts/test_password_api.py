"""Password change through HTTP."""

import pytest

from tests.conftest import client_for
from tests.controllers.accounts.helpers import PASSWORD, REFRESH, login
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


def test_password_change_then_only_the_new_password_logs_in(api_client, customer):
    client = client_for(customer)
    response = client.post(
        PASSWORD, {"old_password": DEFAULT_PASSWORD, "new_password": "Brand-new-pass-88"}, format="json"
    )
    assert response.status_code == 204
    assert login(api_client, customer.email, "Brand-new-pass-88").status_code == 200
    assert login(api_client, customer.email, DEFAULT_PASSWORD).status_code == 401


def test_password_change_wrong_old_password_is_400(customer_client, customer):
    response = customer_client.post(
        PASSWORD, {"old_password": "not-it-at-all", "new_password": "Brand-new-pass-88"}, format="json"
    )
    assert_envelope(response, 400, attr="old_password")
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize("new_password", ["short", "password", "1234567890"])
def test_password_change_applies_djangos_validators(customer_client, customer, new_password):
    response = customer_client.post(
        PASSWORD, {"old_password": DEFAULT_PASSWORD, "new_password": new_password}, format="json"
    )
    assert_envelope(response, 400, attr="new_password", code="password_invalid")
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


def test_password_change_anonymous_is_401(api_client):
    response = api_client.post(PASSWORD, {"old_password": "a", "new_password": "Brand-new-pass-88"}, format="json")
    assert_envelope(response, 401)


def test_password_change_missing_fields_is_400(customer_client):
    assert_envelope(customer_client.post(PASSWORD, {}, format="json"), 400, attr="old_password")


def test_password_change_revokes_every_refresh_token_of_the_user(api_client, customer):
    sessions = [login(api_client, customer.email).json()["refresh"] for _ in range(2)]
    other = UserFactory()
    bystander = login(api_client, other.email).json()["refresh"]
    response = client_for(customer).post(
        PASSWORD, {"old_password": DEFAULT_PASSWORD, "new_password": "Brand-new-pass-88"}, format="json"
    )
    assert response.status_code == 204
    for refresh in sessions:
        assert_envelope(api_client.post(REFRESH, {"refresh": refresh}, format="json"), 401, code="token_not_valid")
    assert api_client.post(REFRESH, {"refresh": bystander}, format="json").status_code == 200
    fresh = login(api_client, customer.email, "Brand-new-pass-88").json()["refresh"]
    assert api_client.post(REFRESH, {"refresh": fresh}, format="json").status_code == 200


def test_password_change_refused_revokes_nothing(api_client, customer):
    refresh = login(api_client, customer.email).json()["refresh"]
    response = client_for(customer).post(
        PASSWORD, {"old_password": "not-it-at-all", "new_password": "Brand-new-pass-88"}, format="json"
    )
    assert_envelope(response, 400, attr="old_password")
    assert api_client.post(REFRESH, {"refresh": refresh}, format="json").status_code == 200
