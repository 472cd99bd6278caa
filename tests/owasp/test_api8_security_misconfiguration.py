"""OWASP API8:2023 Security Misconfiguration.

With the production settings: `manage.py check --deploy` reports nothing; a live gunicorn
redirects plain HTTP to HTTPS (probes excepted), sends HSTS, marks cookies Secure and HttpOnly,
never shows a debug page (errors are JSON envelopes), refuses unknown Host headers, and answers
CORS only for the configured origins.
"""

import secrets

import pytest

from tests.live import base_env, dedicated_database, gunicorn, http, manage

ORIGIN = "https://shop.example.com"


def _production_env(**extra: str) -> dict[str, str]:
    return base_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,shop.example.com",
        CORS_ALLOWED_ORIGINS=ORIGIN,
        DEBUG="true",  # production settings must ignore it
        **extra,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert "no issues" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prod")
    with dedicated_database(tmp, "prod") as url, gunicorn(_production_env(DATABASE_URL=url), tmp, workers=1) as server:
        yield server


HTTPS = {"X-Forwarded-Proto": "https"}


def test_plain_http_is_redirected_to_https_but_probes_are_not(production_server):
    reply = http("GET", f"{production_server.url}/api/products/", follow_redirects=False)
    assert reply.status == 301
    assert reply.headers["Location"].startswith("https://")
    assert http("GET", f"{production_server.url}/healthz").status == 200
    assert http("GET", f"{production_server.url}/readyz").status == 200


def test_probes_answer_any_host_but_the_api_does_not(production_server):
    pod = {"Host": "10.0.3.7:8000"}  # how an orchestrator reaches a container
    assert http("GET", f"{production_server.url}/healthz", headers=pod).body == {"status": "ok"}
    assert http("GET", f"{production_server.url}/readyz", headers=pod).status == 200
    assert http("GET", f"{production_server.url}/api/products/", headers={**pod, **HTTPS}).status == 400


def test_hsts_and_security_headers_over_https(production_server):
    reply = http("GET", f"{production_server.url}/api/products/", headers=HTTPS)
    assert reply.status == 200
    hsts = reply.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_and_http_only(production_server):
    reply = http("GET", f"{production_server.url}/admin/login/", headers=HTTPS)
    assert reply.status == 200
    cookie = reply.headers["Set-Cookie"]
    assert "csrftoken=" in cookie
    assert "Secure" in cookie
    assert "SameSite=Lax" in cookie


def test_no_debug_pages(production_server):
    missing = http("GET", f"{production_server.url}/api/no-such-thing/", headers=HTTPS)
    assert missing.status == 404
    assert missing.headers["Content-Type"].startswith("application/json")
    assert missing.body["errors"][0]["code"] == "not_found"
    assert b"Traceback" not in missing.raw
    assert b"DEBUG" not in missing.raw
    bad_host = http("GET", f"{production_server.url}/api/products/", headers={**HTTPS, "Host": "evil.example"})
    assert bad_host.status == 400
    assert bad_host.headers["Content-Type"].startswith("application/json")
    bad_json = http(
        "POST",
        f"{production_server.url}/api/auth/token/",
        headers={**HTTPS, "Content-Type": "application/json"},
        body=None,
    )
    assert bad_json.status in (400, 415)
    assert bad_json.headers["Content-Type"].startswith("application/json")


def test_cors_only_for_configured_origins(production_server):
    allowed = http("GET", f"{production_server.url}/api/products/", headers={**HTTPS, "Origin": ORIGIN})
    assert allowed.headers.get("Access-Control-Allow-Origin") == ORIGIN
    assert "X-Request-ID" in allowed.headers.get("Access-Control-Expose-Headers", "")
    other = http("GET", f"{production_server.url}/api/products/", headers={**HTTPS, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert other.status == 200  # CORS is enforced by browsers; the server just does not allow it
    preflight = http(
        "OPTIONS",
        f"{production_server.url}/api/products/",
        headers={**HTTPS, "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
