"""OWASP API2:2023 Broken Authentication.

Tokens: tampered, `alg: none`, expired, refresh-as-access and blacklisted tokens are all 401 in
the envelope. Login: an unknown e-mail and a wrong password get the same answer, and repeated
attempts are throttled to 429 with Retry-After, per target e-mail and per client.
"""

import base64
import json
from datetime import timedelta

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _me(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/auth/me/")


def _assert_401_envelope(response) -> None:
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "client_error"
    assert len(body["errors"]) == 1  # one error, not simplejwt's dict spread over several
    assert body["errors"][0]["code"] in {"token_not_valid", "not_authenticated", "authentication_failed"}
    assert body["errors"][0]["attr"] is None
    if response.request["PATH_INFO"] == "/api/auth/me/":
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.fixture
def user():
    return UserFactory()


def test_valid_access_token_is_accepted(user):
    assert _me(str(AccessToken.for_user(user))).status_code == 200


def test_token_of_a_deactivated_or_deleted_user_is_401(user):
    # the access token stays valid until it expires, but its user is read on every request
    token = str(AccessToken.for_user(user))
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    inactive = _me(token)
    type(user).objects.filter(pk=user.pk).delete()
    deleted = _me(token)
    for response, code in ((inactive, "user_inactive"), (deleted, "user_not_found")):
        assert response.status_code == 401
        assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [(code, None)]


def test_tampered_token_is_401(user):
    header, payload, signature = str(AccessToken.for_user(user)).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["user_id"] = str(UserFactory(is_staff=True).pk)  # try to become someone else
    _assert_401_envelope(_me(f"{header}.{_b64(claims)}.{signature}"))
    _assert_401_envelope(_me(f"{header}.{payload}.{signature[:-2]}xx"))  # signature changed


def test_alg_none_token_is_401(user):
    _, payload, _ = str(AccessToken.for_user(user)).split(".")
    _assert_401_envelope(_me(f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."))


def test_token_signed_with_another_key_is_401(user):
    import jwt

    claims = AccessToken.for_user(user).payload
    forged = jwt.encode(claims, "not-the-server-key-0123456789abcdef0123456789", algorithm="HS256")
    _assert_401_envelope(_me(forged))


def test_expired_token_is_401(user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    _assert_401_envelope(_me(str(token)))
    response = APIClient().post("/api/auth/token/verify/", {"token": str(token)}, format="json")
    assert response.status_code == 401


def test_refresh_token_is_not_an_access_token(user):
    _assert_401_envelope(_me(str(RefreshToken.for_user(user))))


def test_logged_out_refresh_token_can_never_be_used_again(user):
    client = APIClient()
    pair = client.post("/api/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json").json()
    assert client.post("/api/auth/logout/", {"refresh": pair["refresh"]}, format="json").status_code == 204
    _assert_401_envelope(client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"))


def test_rotated_refresh_token_is_blacklisted(user):
    client = APIClient()
    pair = client.post("/api/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json").json()
    rotated = client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert rotated.status_code == 200
    _assert_401_envelope(client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"))


def test_token_in_query_string_is_ignored(user):
    response = APIClient().get("/api/auth/me/", {"token": str(AccessToken.for_user(user))})
    assert response.status_code == 401


def test_unknown_email_and_wrong_password_get_identical_answers(user):
    client = APIClient()
    unknown = client.post(
        "/api/auth/token/", {"email": "nobody@example.com", "password": "Whatever-2026!"}, format="json"
    )
    wrong = client.post("/api/auth/token/", {"email": user.email, "password": "Wrong-password-2026!"}, format="json")
    inactive = UserFactory(is_active=False)
    disabled = client.post("/api/auth/token/", {"email": inactive.email, "password": DEFAULT_PASSWORD}, format="json")
    assert unknown.status_code == wrong.status_code == disabled.status_code == 401
    assert unknown.json() == wrong.json() == disabled.json()


def _limit(scope: str) -> int:
    return int(settings.THROTTLE_RATES[scope].split("/")[0])


def test_login_is_throttled_per_email_with_retry_after(user):
    client = APIClient()
    body = {"email": user.email, "password": "Wrong-password-2026!"}
    statuses = [client.post("/api/auth/token/", body, format="json").status_code for _ in range(_limit("login_email"))]
    assert set(statuses) == {401}
    throttled = client.post("/api/auth/token/", body, format="json")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["errors"][0]["code"] == "throttled"
    # even the right password waits: the e-mail is locked for every client
    other_client = APIClient(REMOTE_ADDR="10.9.8.7")
    right = other_client.post("/api/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    assert right.status_code == 429


def test_login_is_throttled_per_client_with_retry_after():
    client = APIClient()
    for n in range(_limit("login")):
        response = client.post(
            "/api/auth/token/", {"email": f"u{n}@example.com", "password": "x-2026-Pass"}, format="json"
        )
        assert response.status_code == 401
    throttled = client.post("/api/auth/token/", {"email": "last@example.com", "password": "x-2026-Pass"}, format="json")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    # another client address is not affected
    other = APIClient(REMOTE_ADDR="10.1.2.3").post(
        "/api/auth/token/", {"email": "a@example.com", "password": "x"}, format="json"
    )
    assert other.status_code == 401
