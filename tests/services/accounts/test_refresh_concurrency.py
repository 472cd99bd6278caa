"""One refresh token, presented by several clients at once, rotates exactly once (PostgreSQL row lock)."""

import pytest

from apps.core.exceptions import AuthenticationFailedError
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.services.shopping.test_checkout_concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("clients", [2, 6])
def test_concurrent_refreshes_of_one_token_rotate_it_once(container, clients):
    user = UserFactory()
    pair = container.auth_service().login(user.email, DEFAULT_PASSWORD)
    outcomes = run_concurrently([lambda: container.auth_service().refresh(pair.refresh) for _ in range(clients)])
    assert sorted(outcomes) == sorted(["ok"] + [AuthenticationFailedError.__name__] * (clients - 1))
