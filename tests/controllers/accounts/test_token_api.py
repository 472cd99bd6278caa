"""Logging in through HTTP: the token pair, identical failures, throttles and their settings."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.controllers.accounts.helpers import ME, TOKEN, login
from tests.factories import UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


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
        "THROTTLE_RATE_ACCOUNT_EMAIL": "4/hour",
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
        "account_email": "4/hour",
    }
    assert (seen["login"], seen["login_email"], seen["register"]) == ("7/min", "3/hour", "11/day")
