"""UserService: registration, profile changes, password changes (Django's validators apply)."""

import pytest

from apps.core.exceptions import InvalidInputError
from apps.core.models.accounts import User
from apps.core.services.accounts.users import Registration
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_register_creates_a_customer_with_a_hashed_password(user_service):
    user = user_service.register(Registration(email="Ada@Example.COM", password="a-Long-secret-77", first_name="Ada"))
    assert user.pk is not None
    assert user.email == "ada@example.com"
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert user.password != "a-Long-secret-77"
    assert user.check_password("a-Long-secret-77")
    assert user.first_name == "Ada"


def test_register_duplicate_email_in_any_case_is_invalid(user_service):
    UserFactory(email="ada@example.com")
    with pytest.raises(InvalidInputError) as caught:
        user_service.register(Registration(email="ADA@example.com", password="a-Long-secret-77"))
    assert (caught.value.attr, caught.value.code) == ("email", "unique")
    assert User.objects.count() == 1


@pytest.mark.parametrize("password", ["short", "password1", "90210333444", "ada.lovelace77"])
def test_register_rejects_passwords_djangos_validators_reject(user_service, password):
    with pytest.raises(InvalidInputError) as caught:
        user_service.register(Registration(email="ada.lovelace77@example.com", password=password))
    assert (caught.value.attr, caught.value.code) == ("password", "password_invalid")
    assert caught.value.detail
    assert not User.objects.exists()


def test_update_profile_changes_only_allowed_fields(user_service):
    user = UserFactory(email="keep@example.com")
    changes = {"first_name": "G", "phone_number": "+44 20 7946 0000", "email": "x@example.com", "is_staff": True}
    user_service.update_profile(user, changes)
    user.refresh_from_db()
    assert (user.first_name, user.phone_number) == ("G", "+44 20 7946 0000")
    assert (user.email, user.is_staff) == ("keep@example.com", False)


def test_update_profile_with_nothing_allowed_writes_nothing(user_service):
    user = UserFactory()
    before = User.objects.get(pk=user.pk).updated_at
    user_service.update_profile(user, {"email": "x@example.com"})
    assert User.objects.get(pk=user.pk).updated_at == before


def test_change_password_replaces_it(user_service):
    user = UserFactory()
    user_service.change_password(user, old_password=DEFAULT_PASSWORD, new_password="Another-pass-99")
    user.refresh_from_db()
    assert user.check_password("Another-pass-99")
    assert not user.check_password(DEFAULT_PASSWORD)


def test_change_password_wrong_old_password(user_service):
    user = UserFactory()
    with pytest.raises(InvalidInputError) as caught:
        user_service.change_password(user, old_password="nope", new_password="Another-pass-99")
    assert caught.value.attr == "old_password"


def test_change_password_new_one_is_validated(user_service):
    user = UserFactory()
    with pytest.raises(InvalidInputError) as caught:
        user_service.change_password(user, old_password=DEFAULT_PASSWORD, new_password="123")
    assert caught.value.attr == "new_password"
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
