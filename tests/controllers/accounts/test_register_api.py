"""Registration through HTTP: a customer account, validation, throttling."""

import pytest

from apps.core.models.accounts import User
from tests.controllers.accounts.helpers import REGISTER, USER_FIELDS, login
from tests.factories import UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


def test_register_creates_a_customer_and_never_returns_the_password(api_client):
    response = api_client.post(
        REGISTER,
        {"email": "New.Person@Example.com", "password": "a-Long-secret-77", "first_name": "Ada", "last_name": "L"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == USER_FIELDS
    assert (body["email"], body["first_name"], body["last_name"], body["is_staff"]) == (
        "new.person@example.com",
        "Ada",
        "L",
        False,
    )
    user = User.objects.get(pk=body["id"])
    assert user.check_password("a-Long-secret-77")
    raw = response.content.decode()
    assert "a-Long-secret-77" not in raw
    assert user.password not in raw
    assert "password" not in raw


def test_register_ignores_is_staff_in_the_body(api_client):
    response = api_client.post(
        REGISTER, {"email": "sneaky@example.com", "password": "a-Long-secret-77", "is_staff": True}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["is_staff"] is False
    assert not User.objects.get(email="sneaky@example.com").is_staff


def test_register_duplicate_email_is_400_whatever_the_case(api_client):
    UserFactory(email="taken@example.com")
    response = api_client.post(REGISTER, {"email": "TAKEN@example.com", "password": "a-Long-secret-77"}, format="json")
    assert_envelope(response, 400, attr="email", code="unique")
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


@pytest.mark.parametrize(
    "password",
    [
        "short1!",  # MinimumLengthValidator
        "password123",  # CommonPasswordValidator
        "8371926450",  # NumericPasswordValidator
        "validator.person",  # UserAttributeSimilarityValidator (e-mail)
    ],
)
def test_register_applies_djangos_password_validators(api_client, password):
    response = api_client.post(REGISTER, {"email": "validator.person@example.com", "password": password}, format="json")
    assert_envelope(response, 400, attr="password")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"password": "a-Long-secret-77"}, "email"),
        ({"email": "not-an-email", "password": "a-Long-secret-77"}, "email"),
        ({"email": "x@example.com"}, "password"),
        ({"email": "x@example.com", "password": "a-Long-secret-77", "first_name": "x" * 151}, "first_name"),
    ],
)
def test_register_bad_body_is_400_naming_the_field(api_client, body, attr):
    assert_envelope(api_client.post(REGISTER, body, format="json"), 400, attr=attr)


def test_register_malformed_json_is_400(api_client):
    response = api_client.generic("POST", REGISTER, "{not json", content_type="application/json")
    assert_envelope(response, 400, code="parse_error")


def test_register_form_encoded_body_is_415(api_client):
    response = api_client.post(REGISTER, {"email": "x@example.com", "password": "a-Long-secret-77"})  # multipart
    assert_envelope(response, 415, code="unsupported_media_type")


def test_register_then_login_works(api_client):
    api_client.post(REGISTER, {"email": "flow@example.com", "password": "a-Long-secret-77"}, format="json")
    response = login(api_client, "flow@example.com", "a-Long-secret-77")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}


def test_register_is_throttled(api_client, rates):
    rates(register="2/hour")
    for n in range(2):
        api_client.post(REGISTER, {"email": f"r{n}@example.com", "password": "a-Long-secret-77"}, format="json")
    response = api_client.post(REGISTER, {"email": "r9@example.com", "password": "a-Long-secret-77"}, format="json")
    assert_envelope(response, 429, code="throttled")
    assert "Retry-After" in response.headers
