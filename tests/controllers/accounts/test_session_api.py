"""Sessions through HTTP: refresh rotation, verify, logout of one session or of all."""

from datetime import timedelta

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from apps.core.models.accounts import User
from tests.controllers.accounts.helpers import LOGOUT, LOGOUT_ALL, ME, REFRESH, VERIFY, login
from tests.factories import UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


def test_refresh_rotates_and_blacklists_the_old_token(api_client, customer):
    pair = login(api_client, customer.email).json()
    response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 200
    rotated = response.json()
    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != pair["refresh"]
    assert api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {rotated['access']}").status_code == 200
    # The old refresh token is blacklisted; the new one works once.
    assert_envelope(api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json"), 401)
    assert api_client.post(REFRESH, {"refresh": rotated["refresh"]}, format="json").status_code == 200


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_refresh_invalid_token_is_401(api_client, token):
    assert_envelope(api_client.post(REFRESH, {"refresh": token}, format="json"), 401, code="token_not_valid")


def test_refresh_with_an_access_token_is_401(api_client, customer):
    access = login(api_client, customer.email).json()["access"]
    assert_envelope(api_client.post(REFRESH, {"refresh": access}, format="json"), 401)


def test_refresh_expired_token_is_401(api_client, customer):
    token = RefreshToken.for_user(customer)
    token.set_exp(lifetime=-timedelta(seconds=1))
    assert_envelope(api_client.post(REFRESH, {"refresh": str(token)}, format="json"), 401)


def test_refresh_for_a_deactivated_user_is_401(api_client, customer):
    refresh = login(api_client, customer.email).json()["refresh"]
    customer.is_active = False
    customer.save()
    assert_envelope(api_client.post(REFRESH, {"refresh": refresh}, format="json"), 401)


def test_refresh_for_a_deleted_user_is_401(api_client, customer):
    refresh = str(RefreshToken.for_user(customer))
    User.objects.filter(pk=customer.pk).delete()
    assert_envelope(api_client.post(REFRESH, {"refresh": refresh}, format="json"), 401)


def test_refresh_missing_body_is_400(api_client):
    assert_envelope(api_client.post(REFRESH, {}, format="json"), 400, attr="refresh")


def test_verify_valid_tokens_is_200_empty_object(api_client, customer):
    pair = login(api_client, customer.email).json()
    for token in (pair["access"], pair["refresh"]):
        response = api_client.post(VERIFY, {"token": token}, format="json")
        assert response.status_code == 200
        assert response.json() == {}


def test_verify_expired_token_is_401(api_client, customer):
    token = AccessToken.for_user(customer)
    token.set_exp(lifetime=-timedelta(seconds=1))
    assert_envelope(api_client.post(VERIFY, {"token": str(token)}, format="json"), 401, code="token_not_valid")


def test_verify_tampered_token_is_401(api_client, customer):
    access = str(AccessToken.for_user(customer))
    tampered = access[:-3] + ("AAA" if not access.endswith("AAA") else "BBB")
    assert_envelope(api_client.post(VERIFY, {"token": tampered}, format="json"), 401)
    assert_envelope(api_client.post(VERIFY, {"token": "garbage"}, format="json"), 401)


def test_verify_blacklisted_refresh_token_is_401(api_client, customer):
    refresh = login(api_client, customer.email).json()["refresh"]
    assert api_client.post(LOGOUT, {"refresh": refresh}, format="json").status_code == 204
    assert_envelope(api_client.post(VERIFY, {"token": refresh}, format="json"), 401)


def test_verify_missing_token_is_400(api_client):
    assert_envelope(api_client.post(VERIFY, {}, format="json"), 400, attr="token")


def test_logout_makes_the_refresh_token_unusable(api_client, customer):
    refresh = login(api_client, customer.email).json()["refresh"]
    response = api_client.post(LOGOUT, {"refresh": refresh}, format="json")
    assert response.status_code == 204
    assert response.content == b""
    assert_envelope(api_client.post(REFRESH, {"refresh": refresh}, format="json"), 401)
    assert_envelope(api_client.post(LOGOUT, {"refresh": refresh}, format="json"), 401)


def test_logout_with_an_invalid_or_access_token_is_401(api_client, customer):
    access = login(api_client, customer.email).json()["access"]
    assert_envelope(api_client.post(LOGOUT, {"refresh": "garbage"}, format="json"), 401)
    assert_envelope(api_client.post(LOGOUT, {"refresh": access}, format="json"), 401)


def test_logout_missing_body_is_400(api_client):
    assert_envelope(api_client.post(LOGOUT, {}, format="json"), 400, attr="refresh")


# --- logout everywhere ----------------------------------------------------------------------
def test_logout_all_revokes_every_refresh_token_of_the_user_only(api_client, customer):
    sessions = [login(api_client, customer.email).json() for _ in range(3)]
    rotated = api_client.post(REFRESH, {"refresh": sessions[0]["refresh"]}, format="json").json()
    bystander = login(api_client, UserFactory().email).json()["refresh"]
    response = api_client.post(LOGOUT_ALL, HTTP_AUTHORIZATION=f"Bearer {sessions[1]['access']}")
    assert response.status_code == 204
    for refresh in [rotated["refresh"], sessions[1]["refresh"], sessions[2]["refresh"]]:
        assert_envelope(api_client.post(REFRESH, {"refresh": refresh}, format="json"), 401, code="token_not_valid")
        assert_envelope(api_client.post(VERIFY, {"token": refresh}, format="json"), 401)
    assert api_client.post(REFRESH, {"refresh": bystander}, format="json").status_code == 200
    assert login(api_client, customer.email).status_code == 200  # signing in again still works


def test_logout_all_twice_is_still_204(customer_client):
    assert customer_client.post(LOGOUT_ALL).status_code == 204
    assert customer_client.post(LOGOUT_ALL).status_code == 204


def test_logout_all_anonymous_is_401(api_client):
    assert_envelope(api_client.post(LOGOUT_ALL), 401)
