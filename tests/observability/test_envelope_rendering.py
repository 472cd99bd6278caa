"""One rendering of the error envelope everywhere (issue 9.9): URL-level 404s, 413s and DRF errors alike."""

import json

import pytest

from apps.core.envelope import error_envelope, render_envelope

pytestmark = pytest.mark.django_db


def compact(body: bytes) -> bool:
    """The body is JSON rendered without spaces after separators, as DRF renders."""
    return body == json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode()


def test_url_level_404_drf_error_and_413_render_alike(api_client, settings):
    not_found = api_client.get("/no/such/route/")
    drf_error = api_client.get("/api/products/", {"page": "x"})
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    too_large = api_client.post("/api/auth/token/", data="x" * 100, content_type="application/json")
    for response, status in ((not_found, 404), (drf_error, 400), (too_large, 413)):
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert compact(response.content), response.content


def test_the_builder_types_errors_by_status():
    assert error_envelope(404, "not_found", "Not found.")["type"] == "client_error"
    assert error_envelope(503, "service_unavailable", "Down.")["type"] == "server_error"
    assert error_envelope(400, "invalid", "Bad.", attr="page", error_type="validation_error") == {
        "type": "validation_error",
        "errors": [{"code": "invalid", "detail": "Bad.", "attr": "page"}],
    }
    assert render_envelope({"a": "é"}) == '{"a":"é"}'.encode()
