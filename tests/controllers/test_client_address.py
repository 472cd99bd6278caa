"""The client address of every address-keyed throttle (anon, login, register) cannot be spoofed.

With no trusted proxy (NUM_PROXIES=0, the default) the address is the socket's (REMOTE_ADDR) and
X-Forwarded-For is ignored; with N trusted proxies it is the Nth entry from the right of
X-Forwarded-For, so what the client prepends to the header changes nothing. In process for each throttle here;
through HTTP against a live gunicorn in tests/controllers/test_hostile_clients_live.py.
"""

import uuid

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

SOCKET = "10.20.30.40"
SPOOFED = "203.0.113.77"
ENDPOINTS = {  # throttle scope -> a request it counts, answered 4xx/2xx below the rate
    "anon": ("GET", "/api/categories/", None),
    "login": ("POST", "/api/auth/token/", "login"),
    "register": ("POST", "/api/auth/register/", "register"),
}


def body_for(kind: str | None) -> dict | None:
    """A fresh body per request, so no per-e-mail throttle or uniqueness rule interferes."""
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    if kind == "login":
        return {"email": email, "password": "Wrong-pass-1"}
    if kind == "register":
        return {"email": email, "password": "a-Long-secret-77"}
    return None


@pytest.fixture
def rates(settings, monkeypatch):
    """Every address-keyed rate at 2/min, the per-e-mail one out of the way; returns a setter of NUM_PROXIES."""
    for scope, rate in {"anon": "2/min", "login": "2/min", "login_email": "100/min", "register": "2/min"}.items():
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)  # read when a throttle is built

    def num_proxies(n: int) -> None:
        settings.REST_FRAMEWORK = {**django_settings.REST_FRAMEWORK, "NUM_PROXIES": n}  # DRF reloads its settings

    return num_proxies


def status_of(client: APIClient, scope: str, forwarded_for: str | None = None) -> int:
    method, path, kind = ENDPOINTS[scope]
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    if kind is None:
        return client.get(path, **extra).status_code
    return client.post(path, body_for(kind), format="json", **extra).status_code


def test_the_default_trusts_no_proxy():
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("scope", list(ENDPOINTS))
def test_spoofed_forwarded_for_does_not_reset_the_budget(rates, scope):
    client = APIClient(REMOTE_ADDR=SOCKET)
    assert [status_of(client, scope) for _ in range(2)] != [429, 429]
    assert status_of(client, scope) == 429
    assert status_of(client, scope, SPOOFED) == 429
    assert status_of(client, scope, f"{SPOOFED}, 198.51.100.9") == 429
    assert status_of(APIClient(REMOTE_ADDR="10.20.30.41"), scope) != 429  # another socket is another client


@pytest.mark.django_db
@pytest.mark.parametrize("scope", list(ENDPOINTS))
def test_one_trusted_proxy_means_the_right_most_entry(rates, scope):
    rates(1)
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")  # every request comes through the one proxy
    for _ in range(2):
        status_of(proxy, scope, f"{SPOOFED}, 198.51.100.1")
    assert status_of(proxy, scope, "10.9.9.9, 198.51.100.1") == 429  # the left part is the client's to invent
    assert status_of(proxy, scope, "198.51.100.1") == 429
    assert status_of(proxy, scope, "198.51.100.1, 198.51.100.2") != 429  # the proxy saw another client
