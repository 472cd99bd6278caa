"""Observability: request ids, the structured access log, no secrets in logs, readiness."""

import json
import logging
import re

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.core.middleware import RequestIdLogFilter
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _json_lines(records) -> list[str]:
    """Records formatted exactly as production writes them (JSON formatter + request id filter)."""
    config = settings.LOGGING["formatters"]["json"]
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(config["fmt"], rename_fields=config["rename_fields"])
    request_filter = RequestIdLogFilter()
    lines = []
    for record in records:
        request_filter.filter(record)
        lines.append(formatter.format(record))
    return lines


def _access(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "apps.access"]


def test_sane_request_id_is_echoed(api_client):
    response = api_client.get("/healthz", HTTP_X_REQUEST_ID="abc-123.def:7")
    assert response["X-Request-ID"] == "abc-123.def:7"


@pytest.mark.parametrize("bad", ["x" * 129, "has space", "semi;colon", "<script>", "ünïcode"])
def test_insane_request_id_is_replaced(api_client, bad):
    response = api_client.get("/healthz", HTTP_X_REQUEST_ID=bad)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_request_id_is_generated_when_missing(api_client):
    first, second = api_client.get("/healthz"), api_client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_access_log_has_method_path_status_duration_user_and_request_id(customer_client, customer, caplog):
    with caplog.at_level(logging.INFO):
        response = customer_client.get("/api/auth/me/", {"q": "1"}, HTTP_X_REQUEST_ID="trace-me-1")
    [record] = _access(caplog)
    line = json.loads(_json_lines([record])[0])
    assert line["message"] == "request"
    assert line["method"] == "GET"
    assert line["path"] == "/api/auth/me/"
    assert line["status"] == response.status_code == 200
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["user_id"] == customer.pk
    assert line["request_id"] == "trace-me-1"
    assert {"time", "level", "logger"} <= set(line)


def test_anonymous_and_error_requests_are_logged_too(api_client, caplog):
    with caplog.at_level(logging.INFO):
        api_client.get("/api/nothing/")
    [record] = _access(caplog)
    assert (record.status, record.user_id) == (404, None)


def test_no_passwords_or_tokens_in_logs(caplog):
    user = UserFactory()
    client = APIClient()
    with caplog.at_level(logging.DEBUG):
        pair = client.post("/api/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
        tokens = pair.json()
        client.post("/api/auth/token/", {"email": user.email, "password": "Wrong-secret-2026!"}, format="json")
        client.post("/api/auth/register/", {"email": "n@example.com", "password": "Register-secret-2026!"})
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
        client.get("/api/auth/me/", {"token": "query-secret"})
        client.post(
            "/api/auth/password/change/",
            {"old_password": DEFAULT_PASSWORD, "new_password": "Changed-secret-2026!"},
            format="json",
        )
        client.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
        client.post("/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json")
    text = "\n".join(_json_lines(caplog.records)) + caplog.text
    assert len(_access(caplog)) == 7
    for secret in [
        DEFAULT_PASSWORD,
        "Wrong-secret-2026!",
        "Register-secret-2026!",
        "Changed-secret-2026!",
        "query-secret",
        tokens["access"],
        tokens["refresh"],
        user.password,  # the hash
        settings.SECRET_KEY,
    ]:
        assert secret not in text


def test_readyz_reports_database_and_cache(api_client):
    response = api_client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_touches_nothing(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api_client.get("/healthz").json() == {"status": "ok"}
