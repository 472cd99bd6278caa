"""The accounts admin: users, groups and refresh tokens are manageable in /admin/."""

import pytest
from django.contrib.auth.models import Group

from apps.core.models.accounts import SocialAccount
from tests.controllers.accounts.helpers import REFRESH, login
from tests.factories import UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/core/user/",
        "/admin/auth/group/",
        "/admin/token_blacklist/outstandingtoken/",
        "/admin/token_blacklist/blacklistedtoken/",
    ],
)
def test_admin_lists_users_groups_and_tokens(admin_site_client, path):
    UserFactory()
    assert admin_site_client.get(path).status_code == 200


def test_user_change_page_shows_roles_and_social_identities(admin_site_client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="marketing"))
    SocialAccount.objects.create(user=user, provider="google", subject="g-1")
    page = admin_site_client.get(f"/admin/core/user/{user.pk}/change/").content.decode()
    assert "marketing" in page
    assert "g-1" in page


def test_log_out_everywhere_action_revokes_the_users_refresh_tokens(admin_site_client, api_client):
    user = UserFactory()
    refresh = login(api_client, user.email).json()["refresh"]
    response = admin_site_client.post(
        "/admin/core/user/", {"action": "log_out_everywhere", "_selected_action": [user.pk]}, follow=True
    )
    assert "1 refresh token(s) revoked." in response.content.decode()
    assert_envelope(api_client.post(REFRESH, {"refresh": refresh}, format="json"), 401)
