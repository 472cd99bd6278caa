"""AuthService: login, rotation, verify, revoking one session or all of them."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from apps.core.exceptions import AuthenticationFailedError
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth_service(container):
    return container.auth_service()


def test_login_records_the_refresh_token_as_outstanding(auth_service):
    user = UserFactory()
    pair = auth_service.login(user.email, DEFAULT_PASSWORD)
    assert OutstandingToken.objects.filter(user=user, token=pair.refresh).exists()
    user.refresh_from_db()
    assert user.last_login is not None


@pytest.mark.parametrize("case", ["wrong_password", "unknown_email", "inactive"])
def test_login_failures_share_one_code(auth_service, case):
    user = UserFactory(is_active=case != "inactive")
    email = "ghost@example.com" if case == "unknown_email" else user.email
    password = "Wrong-pass-1" if case == "wrong_password" else DEFAULT_PASSWORD
    with pytest.raises(AuthenticationFailedError) as caught:
        auth_service.login(email, password)
    assert caught.value.code == "no_active_account"


def test_refresh_blacklists_the_presented_token(auth_service):
    user = UserFactory()
    first = auth_service.login(user.email, DEFAULT_PASSWORD)
    second = auth_service.refresh(first.refresh)
    assert BlacklistedToken.objects.filter(token__token=first.refresh).exists()
    with pytest.raises(AuthenticationFailedError):
        auth_service.refresh(first.refresh)
    auth_service.verify(second.refresh)


def test_logout_all_counts_only_live_unrevoked_tokens(auth_service):
    user = UserFactory()
    pairs = [auth_service.login(user.email, DEFAULT_PASSWORD) for _ in range(3)]
    auth_service.logout(pairs[0].refresh)
    assert auth_service.logout_all(user) == 2
    assert auth_service.logout_all(user) == 0
    for pair in pairs:
        with pytest.raises(AuthenticationFailedError):
            auth_service.verify(pair.refresh)
