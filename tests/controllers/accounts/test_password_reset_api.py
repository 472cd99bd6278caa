"""Password reset through HTTP: 202 whatever the e-mail, single-use expiring links, sessions revoked."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail

from apps.core.services.accounts.tokens import password_reset_tokens
from tests.controllers.accounts.helpers import REFRESH, RESET, RESET_CONFIRM, login
from tests.controllers.accounts.mail import links_sent_to
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-new-pass-88"


@pytest.fixture
def ask_reset(api_client, django_capture_on_commit_callbacks):
    """POST a reset request and run the after-commit e-mail hand-off; returns the response."""

    def ask(email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(RESET, {"email": email}, format="json")

    return ask


def confirm(client, link: dict, new_password: str = NEW_PASSWORD):
    return client.post(RESET_CONFIRM, {**link, "new_password": new_password}, format="json")


def test_reset_of_a_known_email_sends_a_link_that_sets_the_password(api_client, ask_reset, customer):
    response = ask_reset(customer.email.upper())
    assert (response.status_code, response.content) == (202, b"")
    [message] = mail.outbox
    assert message.subject == "Reset your password"
    assert [alt[1] for alt in message.alternatives] == ["text/html"]
    [link] = links_sent_to(customer.email)
    assert link["token"] in message.alternatives[0][0]
    assert confirm(api_client, link).status_code == 204
    assert login(api_client, customer.email, NEW_PASSWORD).status_code == 200
    assert_envelope(login(api_client, customer.email, DEFAULT_PASSWORD), 401)
    customer.refresh_from_db()
    assert customer.is_verified  # the owner of the mailbox proved it


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_reset_of_an_unknown_or_inactive_email_is_the_same_202_and_sends_nothing(api_client, ask_reset, case):
    email = UserFactory(is_active=False).email if case == "inactive" else "ghost@example.com"
    response = ask_reset(email)
    assert (response.status_code, response.content) == (202, b"")
    assert mail.outbox == []


def test_reset_link_is_single_use(api_client, ask_reset, customer):
    ask_reset(customer.email)
    [link] = links_sent_to(customer.email)
    assert confirm(api_client, link).status_code == 204
    assert_envelope(confirm(api_client, link, "Another-pass-99"), 400, code="invalid_token", attr="token")
    assert login(api_client, customer.email, NEW_PASSWORD).status_code == 200


def test_reset_link_dies_when_the_password_changes_otherwise(api_client, ask_reset, customer):
    ask_reset(customer.email)
    [link] = links_sent_to(customer.email)
    customer.set_password("Changed-meanwhile-5")
    customer.save()
    assert_envelope(confirm(api_client, link), 400, code="invalid_token")


def test_reset_link_expires_after_password_reset_timeout(api_client, ask_reset, customer, monkeypatch):
    ask_reset(customer.email)
    [link] = links_sent_to(customer.email)
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 5)
    monkeypatch.setattr(password_reset_tokens, "_now", lambda: later)  # the token library's clock
    assert_envelope(confirm(api_client, link), 400, code="invalid_token")


@pytest.mark.parametrize(
    "forge",
    [
        lambda link, other: {**link, "token": link["token"][:-2] + "xx"},
        lambda link, other: {**link, "uid": other["uid"]},  # someone else's account with my token
        lambda link, other: {**link, "uid": "!!not-base64"},
        lambda link, other: {**link, "uid": "OTk5OTk5"},  # "999999": no such user
        lambda link, other: {"uid": link["uid"], "token": "1-2-3"},
    ],
)
def test_reset_confirm_forged_link_is_400(api_client, ask_reset, customer, forge):
    other = UserFactory()
    ask_reset(customer.email)
    ask_reset(other.email)
    link, other_link = links_sent_to(customer.email)[0], links_sent_to(other.email)[0]
    assert_envelope(confirm(api_client, forge(link, other_link)), 400, code="invalid_token")
    customer.refresh_from_db()
    assert customer.check_password(DEFAULT_PASSWORD)


def test_reset_confirm_weak_password_is_400_and_keeps_the_link_alive(api_client, ask_reset, customer):
    ask_reset(customer.email)
    [link] = links_sent_to(customer.email)
    assert_envelope(confirm(api_client, link, "password"), 400, attr="new_password", code="password_invalid")
    assert confirm(api_client, link).status_code == 204


def test_reset_revokes_every_refresh_token_of_the_user(api_client, ask_reset, customer):
    sessions = [login(api_client, customer.email).json()["refresh"] for _ in range(2)]
    ask_reset(customer.email)
    assert confirm(api_client, links_sent_to(customer.email)[0]).status_code == 204
    for refresh in sessions:
        assert_envelope(api_client.post(REFRESH, {"refresh": refresh}, format="json"), 401, code="token_not_valid")


@pytest.mark.parametrize(
    ("path", "body", "attr"),
    [
        (RESET, {}, "email"),
        (RESET, {"email": "not-an-email"}, "email"),
        (RESET_CONFIRM, {"uid": "MQ", "token": "x"}, "new_password"),
        (RESET_CONFIRM, {"token": "x", "new_password": NEW_PASSWORD}, "uid"),
        (RESET_CONFIRM, {"uid": "MQ", "new_password": NEW_PASSWORD}, "token"),
    ],
)
def test_reset_bad_body_is_400_naming_the_field(api_client, path, body, attr):
    assert_envelope(api_client.post(path, body, format="json"), 400, attr=attr)


def test_reset_requests_are_throttled(api_client, rates, customer):
    rates(account_email="2/hour")
    for _ in range(2):
        assert api_client.post(RESET, {"email": customer.email}, format="json").status_code == 202
    response = api_client.post(RESET, {"email": "ghost@example.com"}, format="json")
    assert_envelope(response, 429, code="throttled")
    assert "Retry-After" in response.headers
