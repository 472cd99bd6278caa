"""Hostile clients against a live gunicorn (production-like: real sockets, real parser, Redis counters).

* A throttled login stays throttled with a spoofed X-Forwarded-For (NUM_PROXIES=0, the default),
  and with NUM_PROXIES=1 the right-most X-Forwarded-For entry is the client.
* A body of thousands of nested arrays is a 400 in the envelope, not a RecursionError 500.
"""

import json
import urllib.error
import urllib.request
import uuid

import pytest

from tests.controllers.test_client_address import SPOOFED, body_for
from tests.live import base_env, dedicated_database, gunicorn, http


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    with dedicated_database(tmp_path_factory.mktemp("client_address"), "client_address") as url:
        yield url


def live_env(database: str, **overrides: str) -> dict[str, str]:
    return base_env(
        DATABASE_URL=database,
        CACHE_KEY_PREFIX=f"xff-{uuid.uuid4().hex[:8]}",  # counters of this server only
        THROTTLE_RATE_LOGIN="3/min",
        THROTTLE_RATE_LOGIN_EMAIL="100/min",
        THROTTLE_RATE_ANON="1000/min",
        **overrides,
    )


def login_status(url: str, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return http("POST", f"{url}/api/auth/token/", body=body_for("login"), headers=headers).status


def test_live_throttled_login_stays_throttled_with_a_spoofed_header(database, tmp_path):
    env = live_env(database)
    env.pop("NUM_PROXIES", None)  # the default
    with gunicorn(env, tmp_path, workers=1) as server:
        assert [login_status(server.url) for _ in range(3)] == [401, 401, 401]
        assert login_status(server.url) == 429
        assert login_status(server.url, SPOOFED) == 429
        assert login_status(server.url, f"{SPOOFED}, 198.51.100.7") == 429


def test_live_one_proxy_counts_the_right_most_forwarded_address(database, tmp_path):
    with gunicorn(live_env(database, NUM_PROXIES="1"), tmp_path, workers=1) as server:
        assert [login_status(server.url, f"{SPOOFED}, 198.51.100.1") for _ in range(3)] == [401, 401, 401]
        assert login_status(server.url, "10.9.9.9, 198.51.100.1") == 429
        assert login_status(server.url, "198.51.100.2") == 401  # another client behind the proxy


def test_live_deeply_nested_body_is_a_400_envelope(database, tmp_path):
    with gunicorn(live_env(database), tmp_path, workers=1) as server:
        request = urllib.request.Request(
            f"{server.url}/api/auth/token/",
            data=b"[" * 5000 + b"]" * 5000,
            headers={"Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request, timeout=10)
            pytest.fail("a deeply nested body was accepted")
        except urllib.error.HTTPError as exc:
            status, body = exc.code, json.loads(exc.read())
        assert status == 400
        assert body["type"] == "client_error"
        assert [error["code"] for error in body["errors"]] == ["parse_error"]
        assert http("GET", f"{server.url}/healthz").status == 200  # the worker is fine
