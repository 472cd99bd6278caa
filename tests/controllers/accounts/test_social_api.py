"""Social sign-in through HTTP, against local fakes of Google's certificates and Facebook's Graph API."""

import socket
import time

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from apps.core.models.accounts import SocialAccount, User
from tests.controllers.accounts.fake_providers import CLIENT_ID, FB_APP_ID, FB_APP_SECRET, FakeProviders
from tests.controllers.accounts.helpers import REFRESH, login
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

GOOGLE = "/api/auth/social/google/"
FACEBOOK = "/api/auth/social/facebook/"


@pytest.fixture(scope="module")
def fakes():
    providers = FakeProviders()
    yield providers
    providers.close()


@pytest.fixture(autouse=True)
def _point_settings_at_the_fakes(settings, fakes):
    settings.GOOGLE_OAUTH_CLIENT_IDS = ["another-client", CLIENT_ID]
    settings.GOOGLE_CERTS_URL = f"{fakes.base_url}/certs"
    settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = FB_APP_ID, FB_APP_SECRET
    settings.FACEBOOK_GRAPH_URL = f"{fakes.base_url}/graph"
    settings.SOCIAL_AUTH_TIMEOUT_S = 2.0
    fakes.facebook_tokens.clear()


def google(client, token: str):
    return client.post(GOOGLE, {"id_token": token}, format="json")


def _user_of(body: dict) -> User:
    return User.objects.get(pk=AccessToken(body["access"])["user_id"])


def test_google_first_sign_in_creates_a_verified_account_then_finds_it(api_client, fakes):
    first = google(api_client, fakes.google_token())
    assert first.status_code == 200, first.content
    assert set(first.json()) == {"access", "refresh", "created"}
    assert first.json()["created"] is True
    user = _user_of(first.json())
    assert (user.email, user.is_verified, user.has_usable_password()) == ("ada@example.com", True, False)
    again = google(api_client, fakes.google_token(email="ada.new@example.com"))  # same sub, e-mail changed
    assert (again.json()["created"], _user_of(again.json()).pk) == (False, user.pk)
    assert api_client.post(REFRESH, {"refresh": again.json()["refresh"]}, format="json").status_code == 200


def test_google_verified_email_links_to_the_existing_account(api_client, fakes):
    existing = UserFactory(email="ada@example.com", is_verified=True)
    response = google(api_client, fakes.google_token(email="ADA@example.com"))
    assert (response.json()["created"], _user_of(response.json()).pk) == (False, existing.pk)
    assert SocialAccount.objects.filter(user=existing, provider="google", subject="g-1001").exists()
    assert login(api_client, existing.email).status_code == 200  # its password still works


def test_google_verified_email_takes_a_squatted_unverified_account_back(api_client, fakes):
    squatter = UserFactory(email="ada@example.com", is_verified=False)
    squatter_session = login(api_client, squatter.email).json()["refresh"]
    response = google(api_client, fakes.google_token())
    assert _user_of(response.json()).pk == squatter.pk
    assert_envelope(login(api_client, squatter.email, DEFAULT_PASSWORD), 401)
    assert_envelope(api_client.post(REFRESH, {"refresh": squatter_session}, format="json"), 401)


def test_google_unverified_email_never_takes_over_an_existing_account(api_client, fakes):
    UserFactory(email="ada@example.com")
    response = google(api_client, fakes.google_token(email_verified=False))
    assert_envelope(response, 401, code="social_email_not_verified")
    assert not SocialAccount.objects.exists()


def test_google_unverified_email_of_nobody_creates_an_unverified_account(api_client, fakes):
    response = google(api_client, fakes.google_token(email="new@example.com", email_verified=False))
    assert response.json()["created"] is True
    assert _user_of(response.json()).is_verified is False


@pytest.mark.parametrize(
    "forge",
    [
        lambda f: f.google_token(signer=f.stranger),  # signed by a key Google never published
        lambda f: f.google_token(aud="someone-elses-client"),
        lambda f: f.google_token(iss="https://evil.example.com"),
        lambda f: f.google_token(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
        lambda f: f.google_token()[:-4] + "AAAA",
        lambda f: "not.a.jwt",
        lambda f: "garbage",
    ],
)
def test_google_forged_expired_or_foreign_token_is_401(api_client, fakes, forge):
    assert_envelope(google(api_client, forge(fakes)), 401, code="invalid_social_token")
    assert not User.objects.exists()


def test_google_unknown_key_id_is_401(api_client, fakes):
    fakes.stranger._key_id = "key-2"
    try:
        assert_envelope(google(api_client, fakes.google_token(signer=fakes.stranger)), 401, code="invalid_social_token")
    finally:
        fakes.stranger._key_id = "key-1"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_google_unreachable_is_503(fakes, settings, caplog):
    settings.GOOGLE_CERTS_URL = f"http://127.0.0.1:{_closed_port()}/certs"
    with caplog.at_level("INFO", logger="apps.core.controllers.errors"):
        response = google(APIClient(raise_request_exception=False), fakes.google_token())  # a 5xx is reported
    assert_envelope(response, 503, code="provider_unavailable")
    assert response["Retry-After"]
    # An outside service down is one warning line, not a traceback per request.
    records = [r for r in caplog.records if r.name == "apps.core.controllers.errors"]
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in records] == [
        ("WARNING", "dependency unavailable: provider_unavailable", None)
    ]


def test_google_certificates_are_fetched_once_while_their_max_age_lasts(api_client, fakes, settings):
    settings.GOOGLE_CERTS_URL = f"{fakes.base_url}/certs-cached"  # answers `Cache-Control: max-age=3600`
    before = fakes.cached_certs_fetches
    for sub in ("g-cache-1", "g-cache-2", "g-cache-3"):
        response = google(api_client, fakes.google_token(sub=sub, email=f"{sub}@example.com"))
        assert response.status_code == 200, response.content
    assert fakes.cached_certs_fetches - before == 1


def test_a_deactivated_linked_account_is_refused(api_client, fakes):
    user = _user_of(google(api_client, fakes.google_token()).json())
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert_envelope(google(api_client, fakes.google_token()), 401, code="invalid_social_token")


# --- Facebook -------------------------------------------------------------------------------
def test_facebook_sign_in_creates_then_finds_the_account(api_client, fakes):
    fakes.facebook_tokens["fb-token"] = {"app_id": FB_APP_ID, "user_id": "77", "email": "bob@example.com"}
    first = api_client.post(FACEBOOK, {"access_token": "fb-token"}, format="json")
    assert (first.status_code, first.json()["created"]) == (200, True)
    assert _user_of(first.json()).is_verified
    again = api_client.post(FACEBOOK, {"access_token": "fb-token"}, format="json")
    assert (again.json()["created"], _user_of(again.json()).email) == (False, "bob@example.com")


@pytest.mark.parametrize(
    ("token", "entry"),
    [
        ("unknown", None),
        ("other-app", {"app_id": "9999", "user_id": "77", "email": "bob@example.com"}),
    ],
)
def test_facebook_invalid_or_foreign_token_is_401(api_client, fakes, token, entry):
    if entry:
        fakes.facebook_tokens[token] = entry
    response = api_client.post(FACEBOOK, {"access_token": token}, format="json")
    assert_envelope(response, 401, code="invalid_social_token")


def test_facebook_without_email_is_401(api_client, fakes):
    fakes.facebook_tokens["no-email"] = {"app_id": FB_APP_ID, "user_id": "78", "email": None}
    response = api_client.post(FACEBOOK, {"access_token": "no-email"}, format="json")
    assert_envelope(response, 401, code="social_email_missing")


def test_facebook_unreachable_is_503(settings):
    settings.FACEBOOK_GRAPH_URL = f"http://127.0.0.1:{_closed_port()}/graph"
    response = APIClient(raise_request_exception=False).post(FACEBOOK, {"access_token": "x"}, format="json")
    assert_envelope(response, 503, code="provider_unavailable")


def test_unconfigured_providers_refuse_every_token(api_client, fakes, settings):
    settings.GOOGLE_OAUTH_CLIENT_IDS, settings.FACEBOOK_APP_ID = [], ""
    assert_envelope(google(api_client, fakes.google_token()), 401)
    assert_envelope(api_client.post(FACEBOOK, {"access_token": "x"}, format="json"), 401)


@pytest.mark.parametrize(("path", "attr"), [(GOOGLE, "id_token"), (FACEBOOK, "access_token")])
def test_missing_token_is_400(api_client, path, attr):
    assert_envelope(api_client.post(path, {}, format="json"), 400, attr=attr)
