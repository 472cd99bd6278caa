"""OWASP API2:2023 Broken Authentication: sessions that must end, and account recovery.

A password change, a password reset and "log out everywhere" revoke every refresh token of the
user; a reset request never tells whether an account exists (same status, same empty body, no
e-mail for an unknown address); reset and verification links are single-use and cannot be forged
or swapped for each other; a deactivated account cannot refresh.
"""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from apps.core.services.accounts.tokens import email_verification_tokens, encode_uid
from tests.controllers.accounts.mail import links_sent_to
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-new-pass-88"


def _sessions(user, count: int = 2) -> list[dict]:
    client = APIClient()
    return [
        client.post("/api/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json").json()
        for _ in range(count)
    ]


def _refreshes(refresh: str) -> int:
    return APIClient().post("/api/auth/token/refresh/", {"refresh": refresh}, format="json").status_code


@pytest.mark.parametrize("how", ["password_change", "logout_all", "password_reset"])
def test_every_session_ends(how, django_capture_on_commit_callbacks):
    user = UserFactory()
    sessions = _sessions(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {sessions[0]['access']}")
    if how == "password_change":
        body = {"old_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
        assert client.post("/api/auth/password/change/", body, format="json").status_code == 204
    elif how == "logout_all":
        assert client.post("/api/auth/logout-all/").status_code == 204
    else:
        with django_capture_on_commit_callbacks(execute=True):
            APIClient().post("/api/auth/password/reset/", {"email": user.email}, format="json")
        body = {**links_sent_to(user.email)[0], "new_password": NEW_PASSWORD}
        assert APIClient().post("/api/auth/password/reset/confirm/", body, format="json").status_code == 204
    assert [_refreshes(s["refresh"]) for s in sessions] == [401, 401]


def test_reset_request_does_not_enumerate_accounts(django_capture_on_commit_callbacks):
    user = UserFactory()
    answers = []
    for email in (user.email, "nobody-here@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = APIClient().post("/api/auth/password/reset/", {"email": email}, format="json")
        answers.append((response.status_code, response.content, response.get("Content-Type")))
    assert answers[0] == answers[1]
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_a_verification_token_is_not_a_reset_token():
    user = UserFactory()
    forged = {
        "uid": encode_uid(user),
        "token": email_verification_tokens.make_token(user),
        "new_password": NEW_PASSWORD,
    }
    response = APIClient().post("/api/auth/password/reset/confirm/", forged, format="json")
    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, "invalid_token")
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_a_deactivated_account_cannot_refresh_or_reset():
    user = UserFactory()
    [session] = _sessions(user, 1)
    user.is_active = False
    user.save()
    assert _refreshes(session["refresh"]) == 401
    assert APIClient().post("/api/auth/password/reset/", {"email": user.email}, format="json").status_code == 202
    assert mail.outbox == []
