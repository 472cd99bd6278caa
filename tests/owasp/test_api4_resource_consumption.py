"""OWASP API4:2023 Unrestricted Resource Consumption.

Page sizes are clamped, huge page numbers and ids are a clean 404, request bodies above
DATA_UPLOAD_MAX_MEMORY_SIZE are refused with 413 in the envelope before anything parses them,
search text is length-limited, and every client (anonymous by address, authenticated by user)
has its own throttle whose rate comes from settings.
"""

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.conftest import client_for
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_page_size_is_clamped(api_client):
    ProductFactory.create_batch(3)
    response = api_client.get("/api/products/", {"page_size": 1_000_000})
    assert response.status_code == 200
    assert "page_size=100" not in (response.json()["next"] or "")  # nothing to page: all 3 rows fit
    assert len(response.json()["results"]) == 3
    assert api_client.get("/api/categories/", {"page_size": 10**9}).status_code == 200


def test_page_size_above_max_returns_at_most_max_rows(api_client):
    ProductFactory.create_batch(settings.PAGE_SIZE_MAX + 1)
    body = api_client.get("/api/products/", {"page_size": 5000}).json()
    assert len(body["results"]) == settings.PAGE_SIZE_MAX
    assert body["next"] is not None


@pytest.mark.parametrize(
    "path",
    [
        "/api/products/?page=99999999999999999999",
        "/api/products/99999999999999999999/",
        "/api/categories/99999999999999999999/",
        "/api/products/?page=2147483648",
    ],
)
def test_huge_numbers_are_client_errors_not_500(api_client, path):
    response = api_client.get(path)
    assert response.status_code in (400, 404)
    assert response.json()["type"] in ("client_error", "validation_error")


def test_body_over_the_limit_is_413_in_the_envelope(admin_client):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = admin_client.generic(
        "POST", "/api/products/", b'{"name": "' + b"x" * size + b'"}', content_type="application/json"
    )
    assert response.status_code == 413
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "request_too_large"
    assert "X-Request-ID" in response


def test_body_under_the_limit_is_parsed(admin_client):
    response = admin_client.generic("POST", "/api/products/", b'{"name": "x"}', content_type="application/json")
    assert response.status_code == 400  # validation, not size


def test_search_text_is_length_limited(api_client):
    response = api_client.get("/api/products/", {"search": "a" * (settings.SEARCH_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "search"
    assert api_client.get("/api/products/", {"search": "a" * settings.SEARCH_MAX_LENGTH}).status_code == 200


def test_long_string_fields_are_rejected(admin_client):
    response = admin_client.patch("/api/auth/me/", {"first_name": "x" * 10_000}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "first_name"


def test_anonymous_clients_are_throttled_per_address(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/min")
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    assert [client.get("/api/categories/").status_code for _ in range(3)] == [200] * 3
    throttled = client.get("/api/categories/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["errors"][0]["code"] == "throttled"
    assert APIClient(REMOTE_ADDR="10.0.0.2").get("/api/categories/").status_code == 200


def test_authenticated_clients_are_throttled_per_user(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/min")
    first, second = client_for(UserFactory()), client_for(UserFactory())
    assert [first.get("/api/auth/me/").status_code for _ in range(3)] == [200] * 3
    throttled = first.get("/api/auth/me/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert second.get("/api/auth/me/").status_code == 200  # same address, another user


def test_anonymous_clients_are_bounded_by_the_anonymous_rate_alone(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "5/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "2/min")
    client = APIClient(REMOTE_ADDR="10.0.0.3")
    assert [client.get("/api/categories/").status_code for _ in range(6)] == [200] * 5 + [429]


def test_throttle_rates_come_from_settings():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"anon", "user", "login", "login_email", "register"} <= set(rates)
