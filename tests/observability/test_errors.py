"""Graceful degradation: every 4xx/5xx is the JSON envelope, never an HTML page.

Covers DRF views (validation, 401, 403, 404, 405, 406, 415, unexpected exceptions) and plain
Django (unknown routes, a non-DRF view that raises, a database outage in a non-DRF view, 405
from `require_POST`).
"""

import logging

import pytest
from dependency_injector import providers
from rest_framework.test import APIClient

from apps.core.services.catalog.products import ProductService

pytestmark = pytest.mark.django_db


def _assert_envelope(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"type", "errors"}
    assert body["type"] in {"validation_error", "client_error", "server_error"}
    assert {"code", "detail", "attr"} <= set(body["errors"][0])
    if code is not None:
        assert body["errors"][0]["code"] == code
    return body


@pytest.fixture
def failing_product_service(container):
    class Broken(ProductService):
        def list_page(self, *args, **kwargs):
            raise RuntimeError("secret internal detail")

    broken = providers.Factory(
        Broken,
        lister=container.product_lister,
        catalog_cache=container.catalog_cache,
        variants=container.variant_service,
    )
    with container.product_service.override(broken):
        yield


def test_unexpected_exception_in_an_api_view_is_500_envelope_with_request_id(failing_product_service, caplog):
    client = APIClient(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/api/products/", HTTP_X_REQUEST_ID="req-500-check")
    body = _assert_envelope(response, 500, "error")
    assert body["type"] == "server_error"
    assert response["X-Request-ID"] == "req-500-check"
    assert "req-500-check" in body["errors"][0]["detail"]
    assert "secret internal detail" not in response.content.decode()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1  # logged once ...
    assert errors[0].exc_info is not None  # ... with its traceback
    assert "secret internal detail" in str(errors[0].exc_info[1])


@pytest.mark.urls("tests.observability.urls")
def test_unexpected_exception_outside_drf_is_500_envelope(caplog):
    client = APIClient(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/test/boom/", HTTP_X_REQUEST_ID="plain-500")
    body = _assert_envelope(response, 500, "error")
    assert "plain-500" in body["errors"][0]["detail"]
    assert response["X-Request-ID"] == "plain-500"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None


@pytest.mark.urls("tests.observability.urls")
def test_database_outage_outside_drf_is_503_envelope():
    response = APIClient(raise_request_exception=False).get("/test/db-down/")
    _assert_envelope(response, 503, "service_unavailable")
    assert response["Retry-After"]


@pytest.mark.urls("tests.observability.urls")
def test_django_405_is_the_envelope_and_keeps_allow():
    response = APIClient().get("/test/post-only/")
    _assert_envelope(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"


def test_unknown_route_is_404_envelope(api_client):
    _assert_envelope(api_client.get("/api/definitely/not/here/"), 404, "not_found")
    _assert_envelope(api_client.post("/nowhere", {}, format="json"), 404, "not_found")


def test_api_405_is_the_envelope(admin_client):
    response = admin_client.delete("/api/products/")
    _assert_envelope(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_401_403_404_400_are_envelopes(api_client, customer_client):
    _assert_envelope(api_client.get("/api/auth/me/"), 401, "not_authenticated")
    _assert_envelope(customer_client.post("/api/categories/", {"name": "x"}, format="json"), 403)
    _assert_envelope(api_client.get("/api/products/424242/"), 404)
    _assert_envelope(api_client.get("/api/products/", {"page_size": "zero"}), 400)


def test_415_and_406_are_envelopes(api_client):
    response = api_client.generic("POST", "/api/auth/token/", "email=a", content_type="text/plain")
    _assert_envelope(response, 415, "unsupported_media_type")
    _assert_envelope(api_client.get("/api/products/", HTTP_ACCEPT="text/html"), 406, "not_acceptable")


def test_malformed_json_is_400_envelope(api_client):
    response = api_client.generic("POST", "/api/auth/token/", "{not json", content_type="application/json")
    _assert_envelope(response, 400, "parse_error")
