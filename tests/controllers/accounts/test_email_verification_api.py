"""E-mail verification through HTTP: a link on registration, verify, re-send, and the order rule."""

import pytest
from django.core import mail

from apps.core.models.accounts import User
from apps.core.services.accounts.tokens import encode_uid, password_reset_tokens
from tests.conftest import client_for
from tests.controllers.accounts.helpers import EMAIL_VERIFY, EMAIL_VERIFY_RESEND, ME, REGISTER
from tests.controllers.accounts.mail import links_sent_to
from tests.factories import UserFactory
from tests.factories_shop import CartItemFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

EMAIL = "new.person@example.com"
ORDERS = "/api/orders/"


@pytest.fixture
def register(api_client, django_capture_on_commit_callbacks):
    """Sign up EMAIL, running the after-commit e-mail hand-off; returns the new user."""
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(REGISTER, {"email": EMAIL, "password": "a-Long-secret-77"}, format="json")
    assert response.status_code == 201
    assert response.json()["is_verified"] is False
    return User.objects.get(email=EMAIL)


def test_registration_sends_a_link_that_verifies_the_address(api_client, register):
    [message] = mail.outbox
    assert message.subject == "Confirm your e-mail address"
    [link] = links_sent_to(EMAIL)
    assert api_client.post(EMAIL_VERIFY, link, format="json").status_code == 204
    assert client_for(register).get(ME).json()["is_verified"] is True


def test_verify_link_is_single_use(api_client, register):
    [link] = links_sent_to(EMAIL)
    assert api_client.post(EMAIL_VERIFY, link, format="json").status_code == 204
    assert_envelope(api_client.post(EMAIL_VERIFY, link, format="json"), 400, code="invalid_token", attr="token")


def test_verify_link_dies_when_the_email_changes(api_client, register):
    [link] = links_sent_to(EMAIL)
    User.objects.filter(pk=register.pk).update(email="changed@example.com")
    assert_envelope(api_client.post(EMAIL_VERIFY, link, format="json"), 400, code="invalid_token")


@pytest.mark.parametrize(
    "forge",
    [
        lambda link: {**link, "token": link["token"][:-2] + "xx"},
        lambda link: {**link, "uid": "OTk5OTk5"},
        lambda link: {**link, "uid": "%%%"},
    ],
)
def test_verify_forged_link_is_400(api_client, register, forge):
    [link] = links_sent_to(EMAIL)
    assert_envelope(api_client.post(EMAIL_VERIFY, forge(link), format="json"), 400, code="invalid_token")
    register.refresh_from_db()
    assert not register.is_verified


def test_a_password_reset_link_does_not_verify(api_client, register):
    """Two token kinds, two salts: one cannot stand in for the other."""
    forged = {"uid": encode_uid(register), "token": password_reset_tokens.make_token(register)}
    assert_envelope(api_client.post(EMAIL_VERIFY, forged, format="json"), 400, code="invalid_token")


def test_verify_missing_fields_is_400(api_client):
    assert_envelope(api_client.post(EMAIL_VERIFY, {"uid": "MQ"}, format="json"), 400, attr="token")


def test_resend_sends_a_new_link_to_an_unverified_user(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(EMAIL_VERIFY_RESEND)
    assert (response.status_code, response.content) == (202, b"")
    assert len(links_sent_to(user.email)) == 1


def test_resend_to_a_verified_user_is_202_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(UserFactory(is_verified=True)).post(EMAIL_VERIFY_RESEND)
    assert response.status_code == 202
    assert mail.outbox == []


def test_resend_anonymous_is_401(api_client):
    assert_envelope(api_client.post(EMAIL_VERIFY_RESEND), 401)


def test_resend_is_throttled_per_user(rates):
    rates(account_email="1/hour")
    client = client_for(UserFactory())
    assert client.post(EMAIL_VERIFY_RESEND).status_code == 202
    assert_envelope(client.post(EMAIL_VERIFY_RESEND), 429, code="throttled")


# --- REQUIRE_VERIFIED_EMAIL_TO_ORDER --------------------------------------------------------
@pytest.mark.parametrize(
    ("required", "verified", "expected"),
    [(False, False, 201), (True, True, 201), (True, False, 403)],
)
def test_ordering_needs_a_verified_email_only_when_the_setting_says_so(settings, required, verified, expected):
    settings.REQUIRE_VERIFIED_EMAIL_TO_ORDER = required
    user = UserFactory(is_verified=verified)
    item = CartItemFactory(cart__user=user)
    response = client_for(user).post(ORDERS)
    assert response.status_code == expected, response.content
    if expected == 403:
        assert_envelope(response, 403, code="email_not_verified")
        item.refresh_from_db()  # the cart is untouched
