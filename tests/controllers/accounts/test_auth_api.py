"""Auth through HTTP: register, token pair, refresh rotation, verify, logout, me, password change, throttling."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from apps.core.models.accounts import User
from tests.conftest import client_for
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register/"
TOKEN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
VERIFY = "/api/auth/token/verify/"
LOGOUT = "/api/auth/logout/"
ME = "/api/auth/me/"
PASSWORD = "/api/auth/password/change/"

USER_FIELDS = {
    "id",
    "email",
    "first_name",
    "last_name",
    "phone_number",
    "is_staff",
    "avatar_url",
    "created_at",
    "updated_at",
}


def login(client, email: str, password: str = DEFAULT_PASSWORD, **extra):
    return client.post(TOKEN, {"email": email, "password": password}, format="json", **extra)


@pytest.fixture
def rates(monkeypatch):
    """Set throttle rates for one test (DRF reads them from the settings dict at request time)."""

    def set_rates(**scopes: str) -> None:
        for scope, rate in scopes.items():
            monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)

    return set_rates


# --- register -------------------------------------------------------------------------------
def test_register_creates_a_customer_and_never_returns_the_password(api_client):
    response = api_client.post(
        REGISTER,
        {"email": "New.Person@Example.com", "password": "a-Long-secret-77", "first_name": "Ada", "last_name": "L"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == USER_FIELDS
    assert (body["email"], body["first_name"], body["last_name"], body["is_staff"]) == (
        "new.person@example.com",
        "Ada",
        "L",
        False,
    )
    user = User.objects.get(pk=body["id"])
    assert user.check_password("a-Long-secret-77")
    raw = response.content.decode()
    assert "a-Long-secret-77" not in raw
    assert user.password not in raw
    assert "password" not in raw


def test_register_ignores_is_staff_in_the_body(api_client):
    response = api_client.post(
        REGISTER, {"email": "sneaky@example.com", "password": "a-Long-secret-77", "is_staff": True}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["is_staff"] is False
    assert not User.objects.get(email="sneaky@example.com").is_staff


def test_register_duplicate_email_is_400_whatever_the_case(api_client):
    UserFactory(email="taken@example.com")
    response = api_client.post(REGISTER, {"email": "TAKEN@example.com", "password": "a-Long-secret-77"}, format="json")
    assert_envelope(response, 400, attr="email", code="unique")
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


@pytest.mark.parametrize(
    "password",
    [
        "short1!",  # MinimumLengthValidator
        "password123",  # CommonPasswordValidator
        "8371926450",  # NumericPasswordValidator
        "validator.person",  # UserAttributeSimilarityValidator (e-mail)
    ],
)
def test_register_applies_djangos_password_validators(api_client, password):
    response = api_client.post(REGISTER, {"email": "validator.person@example.com", "password": password}, format="json")
    assert_envelope(response, 400, attr="password")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"password": "a-Long-secret-77"}, "email"),
        ({"email": "not-an-email", "password": "a-Long-secret-77"}, "email"),
        ({"email": "x@example.com"}, "password"),
        ({"email": "x@example.com", "password": "a-Long-secret-77", "first_name": "x" * 151}, "first_name"),
    ],
)
def test_register_bad_body_is_400_naming_the_field(api_client, body, attr):
    assert_envelope(api_client.post(REGISTER, body, format="json"), 400, attr=attr)


def test_register_malformed_json_is_400(api_client):
    response = api_client.generic("POST", REGISTER, "{not json", content_type="application/json")
    assert_envelope(response, 400, code="parse_error")


def test_register_form_encoded_body_is_415(api_client):
    response = api_client.post(REGISTER, {"email": "x@example.com", "password": "a-Long-secret-77"})  # multipart
    assert_envelope(response, 415, code="unsupported_media_type")


def test_register_then_login_works(api_client):
    api_client.post(REGISTER, {"email": "flow@example.com", "password": "a-Long-secret-77"}, format="json")
    response = login(api_client, "flow@example.com", "a-Long-secret-77")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


# --- token ----------------------------------------------------------------------------------
def test_token_returns_a_pair_for_good_credentials(api_client, customer):
    response = login(api_client, customer.email)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"}
    assert str(AccessToken(body["access"])["user_id"]) == str(customer.pk)
    me = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.json()["email"] == customer.email


def test_token_accepts_the_email_in_any_case(api_client):
    UserFactory(email="mixed@example.com")
    assert login(api_client, "  MIXED@Example.COM ").status_code == 200


def test_token_access_lifetime_is_30_minutes_and_refresh_7_days(api_client, customer):
    body = login(api_client, customer.email).json()
    access, refresh = AccessToken(body["access"]), RefreshToken(body["refresh"])
    assert access["exp"] - access["iat"] == 30 * 60
    assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600


def test_token_failures_are_identical_for_unknown_email_and_wrong_password(api_client, customer):
    wrong_password = login(api_client, customer.email, "Not-the-password-1")
    unknown_email = login(api_client, "nobody@example.com", "Not-the-password-1")
    assert_envelope(wrong_password, 401)
    assert_envelope(unknown_email, 401)
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.headers.get("WWW-Authenticate") == unknown_email.headers.get("WWW-Authenticate")


def test_token_inactive_user_gets_the_same_401(api_client):
    inactive = UserFactory(is_active=False)
    response = login(api_client, inactive.email)
    assert_envelope(response, 401)
    assert response.json() == login(api_client, "nobody@example.com").json()


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"email": "x@example.com"}, "password"),
        ({"password": "x"}, "email"),
        ({"email": "nope", "password": "x"}, "email"),
    ],
)
def test_token_bad_body_is_400_naming_the_field(api_client, body, attr):
    assert_envelope(api_client.post(TOKEN, body, format="json"), 400, attr=attr)


def test_token_throttled_per_client_with_retry_after(api_client, rates):
    rates(login="3/min", login_email="100/min")
    for n in range(3):
        assert login(api_client, f"someone{n}@example.com").status_code == 401
    response = login(api_client, "someone-else@example.com")
    assert_envelope(response, 429, code="throttled")
    assert int(response.headers["Retry-After"]) > 0
    # Another client address is not affected.
    assert login(api_client, "someone-else@example.com", REMOTE_ADDR="10.1.2.3").status_code == 401


def test_token_throttled_per_email_across_clients(api_client, rates, customer):
    rates(login="100/min", login_email="2/min")
    for n in range(2):
        assert login(api_client, customer.email, "Wrong-pass-1", REMOTE_ADDR=f"10.0.0.{n}").status_code == 401
    response = login(api_client, customer.email.upper(), REMOTE_ADDR="10.0.0.9")  # even the right password
    assert_envelope(response, 429, code="throttled")
    assert int(response.headers["Retry-After"]) > 0
    # Another e-mail from the same client still gets through.
    other = UserFactory()
    assert login(api_client, other.email, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_token_throttled_response_is_the_same_for_unknown_and_known_emails(api_client, rates, customer):
    rates(login="100/min", login_email="1/min")
    login(api_client, customer.email, "Wrong-pass-1")
    login(api_client, "ghost@example.com", "Wrong-pass-1")
    known = login(api_client, customer.email, "Wrong-pass-1")
    unknown = login(api_client, "ghost@example.com", "Wrong-pass-1")
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert known.json()["errors"][0]["code"] == unknown.json()["errors"][0]["code"] == "throttled"


def test_throttle_rates_come_from_the_environment():
    """Start a fresh interpreter with THROTTLE_RATE_* set and read what the throttles will use."""
    script = (
        "import django, json; django.setup();"
        "from django.conf import settings;"
        "from apps.core.controllers import throttles as t;"
        "print(json.dumps({'settings': settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'],"
        "'login': t.LoginClientThrottle().rate, 'login_email': t.LoginEmailThrottle().rate,"
        "'register': t.RegisterThrottle().rate}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "THROTTLE_RATE_LOGIN": "7/min",
        "THROTTLE_RATE_LOGIN_EMAIL": "3/hour",
        "THROTTLE_RATE_REGISTER": "11/day",
        "THROTTLE_RATE_ANON": "42/min",
        "THROTTLE_RATE_USER": "43/min",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["settings"] == {
        "anon": "42/min",
        "user": "43/min",
        "login": "7/min",
        "login_email": "3/hour",
        "register": "11/day",
    }
    assert (seen["login"], seen["login_email"], seen["register"]) == ("7/min", "3/hour", "11/day")


def test_register_is_throttled(api_client, rates):
    rates(register="2/hour")
    for n in range(2):
        api_client.post(REGISTER, {"email": f"r{n}@example.com", "password": "a-Long-secret-77"}, format="json")
    response = api_client.post(REGISTER, {"email": "r9@example.com", "password": "a-Long-secret-77"}, format="json")
    assert_envelope(response, 429, code="throttled")
    assert "Retry-After" in response.headers


# --- refresh --------------------------------------------------------------------------------
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


# --- verify ---------------------------------------------------------------------------------
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


# --- logout ---------------------------------------------------------------------------------
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


# --- me -------------------------------------------------------------------------------------
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


# --- password change ------------------------------------------------------------------------
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
