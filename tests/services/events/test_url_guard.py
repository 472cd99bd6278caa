"""UrlGuard: webhook URLs must resolve to public addresses (unless private ones are allowed)."""

import pytest

from apps.core.exceptions import InvalidInputError
from apps.core.services.events import UrlGuard


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",  # loopback
        "http://localhost/hook",
        "http://10.1.2.3/hook",  # private
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # link-local (cloud metadata)
        "http://224.0.0.1/hook",  # multicast
        "http://240.0.0.1/hook",  # reserved
        "http://0.0.0.0/hook",  # unspecified
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    ],
)
def test_check_refuses_internal_addresses(url):
    with pytest.raises(InvalidInputError) as info:
        UrlGuard().check(url)
    assert (info.value.code, info.value.attr) == ("unsafe_url", "url")


@pytest.mark.parametrize(
    "url", ["ftp://93.184.216.34/x", "http:///nohost", "http://user:pw@93.184.216.34/x", "http://nx.invalid/x"]
)
def test_check_refuses_malformed_or_unresolvable_urls(url):
    with pytest.raises(InvalidInputError, match="URL|host"):
        UrlGuard(allow_private=True).check(url)


def test_check_accepts_a_public_address_and_pins_it():
    resolved = UrlGuard().check("https://93.184.216.34:8443/hooks?x=1")
    assert (resolved.host, resolved.port, str(resolved.address)) == ("93.184.216.34", 8443, "93.184.216.34")
    assert resolved.pinned_url == "https://93.184.216.34:8443/hooks?x=1"


def test_check_accepts_loopback_when_private_urls_are_allowed():
    resolved = UrlGuard(allow_private=True).check("http://localhost:9/hook")
    assert resolved.address.is_loopback
    assert resolved.pinned_url.endswith(":9/hook")


@pytest.mark.parametrize("url", ["http://93.184.216.34/a b", "http://93.184.216.34:99999/", "http://[::1/", "hook"])
def test_check_refuses_what_is_not_a_url(url):
    with pytest.raises(InvalidInputError) as info:
        UrlGuard(allow_private=True).check(url)
    assert info.value.attr == "url"
