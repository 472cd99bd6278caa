"""User administration through HTTP: superusers list accounts, switch them off, give them roles."""

import pytest
from django.contrib.auth.models import Group

from apps.core.models.accounts import User
from apps.core.services.accounts import ROLE_NAMES
from tests.conftest import client_for
from tests.controllers.accounts.helpers import REFRESH, USER_FIELDS, login
from tests.factories import AdminFactory, UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

USERS = "/api/users/"
ADMIN_FIELDS = USER_FIELDS | {"is_active", "is_superuser", "groups", "last_login"}


def test_list_is_a_page_of_every_account(admin_client, admin_user):
    others = UserFactory.create_batch(3)
    body = admin_client.get(USERS, {"page_size": 2}).json()
    assert body["count"] == 4
    assert [row["id"] for row in body["results"]] == [admin_user.pk, others[0].pk]
    assert set(body["results"][0]) == ADMIN_FIELDS
    assert "page_size=2" in body["next"]


def test_list_constant_queries(admin_client, django_assert_max_num_queries):
    for user in UserFactory.create_batch(5):
        user.groups.set(Group.objects.filter(name__in=ROLE_NAMES[:2]))
    with django_assert_max_num_queries(4):  # requesting user, count, page, groups
        assert admin_client.get(USERS).status_code == 200


def test_detail_shows_roles_by_name(admin_client):
    user = UserFactory()
    admin_client.patch(f"{USERS}{user.pk}/", {"groups": ["marketing"]}, format="json")
    body = admin_client.get(f"{USERS}{user.pk}/").json()
    assert (body["groups"], body["is_staff"]) == (["marketing"], True)


def test_patch_roles_makes_staff_and_empty_roles_unmakes_it(admin_client):
    user = UserFactory()
    response = admin_client.patch(
        f"{USERS}{user.pk}/", {"groups": ["catalog_managers", "order_managers"]}, format="json"
    )
    assert response.status_code == 200
    assert sorted(response.json()["groups"]) == ["catalog_managers", "order_managers"]
    # the new catalog manager may now create a category
    assert (
        client_for(User.objects.get(pk=user.pk)).post("/api/categories/", {"name": "New"}, format="json").status_code
        == 201
    )
    response = admin_client.patch(f"{USERS}{user.pk}/", {"groups": []}, format="json")
    assert (response.json()["groups"], response.json()["is_staff"]) == ([], False)


def test_patch_unknown_group_is_400_and_changes_nothing(admin_client):
    user = UserFactory()
    response = admin_client.patch(f"{USERS}{user.pk}/", {"groups": ["marketing", "gods"]}, format="json")
    assert_envelope(response, 400, attr="groups", code="unknown_group")
    assert not User.objects.get(pk=user.pk).groups.exists()


def test_deactivating_locks_the_account_out_and_revokes_its_sessions(admin_client, api_client):
    user = UserFactory()
    refresh = login(api_client, user.email).json()["refresh"]
    response = admin_client.patch(f"{USERS}{user.pk}/", {"is_active": False}, format="json")
    assert (response.status_code, response.json()["is_active"]) == (200, False)
    assert_envelope(login(api_client, user.email), 401)
    assert_envelope(api_client.post(REFRESH, {"refresh": refresh}, format="json"), 401)
    assert admin_client.patch(f"{USERS}{user.pk}/", {"is_active": True}, format="json").json()["is_active"] is True
    assert login(api_client, user.email).status_code == 200


def test_patch_ignores_fields_a_superuser_may_not_set_here(admin_client):
    user = UserFactory()
    response = admin_client.patch(f"{USERS}{user.pk}/", {"is_superuser": True, "email": "x@example.com"}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.is_superuser, user.email) != (True, "x@example.com")


@pytest.mark.parametrize(("body", "attr"), [({"is_active": "maybe"}, "is_active"), ({"groups": "marketing"}, "groups")])
def test_patch_bad_body_is_400_naming_the_field(admin_client, body, attr):
    assert_envelope(admin_client.patch(f"{USERS}{UserFactory().pk}/", body, format="json"), 400, attr=attr)


def test_a_superuser_cannot_deactivate_themself(admin_client, admin_user):
    response = admin_client.patch(f"{USERS}{admin_user.pk}/", {"is_active": False}, format="json")
    assert_envelope(response, 400, attr="is_active", code="cannot_deactivate_self")
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_unknown_user_is_404(admin_client):
    assert_envelope(admin_client.get(f"{USERS}999999/"), 404)
    assert_envelope(admin_client.patch(f"{USERS}999999/", {"is_active": False}, format="json"), 404)


@pytest.mark.parametrize("who", ["customer", "staff_with_every_role"])
def test_only_superusers_may_read_or_change_users(api_client, who):
    user = UserFactory(is_staff=who != "customer")
    if who != "customer":
        user.groups.set(Group.objects.filter(name__in=ROLE_NAMES))
    client = client_for(user)
    target = AdminFactory()
    assert_envelope(client.get(USERS), 403, code="permission_denied")
    assert_envelope(client.get(f"{USERS}{target.pk}/"), 403)
    assert_envelope(client.patch(f"{USERS}{target.pk}/", {"is_active": False}, format="json"), 403)
    assert_envelope(api_client.get(USERS), 401)
    assert User.objects.get(pk=target.pk).is_active
