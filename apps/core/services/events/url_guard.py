"""SSRF guard for webhook URLs: resolve the host, refuse addresses inside the shop's own network.

Checked when a subscription is created or changed and again before every delivery (DNS may have
changed since); the delivery then connects to the address that was checked, not to a second lookup.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from apps.core.exceptions import InvalidInputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class ResolvedUrl:
    """A checked URL: its parts and the address to connect to (the first one the resolver gave)."""

    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress

    @property
    def pinned_url(self) -> str:
        """The URL with the host replaced by the checked address (send `Host: host` beside it)."""
        parts = urlsplit(self.url)
        literal = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return parts._replace(netloc=f"{literal}:{self.port}").geturl()


def is_internal(address: IPAddress) -> bool:
    """True for private, loopback, link-local, multicast, reserved, unspecified or otherwise non-global addresses."""
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


class UrlGuard:
    """Resolves and vets webhook URLs.

    Args:
        allow_private: accept internal addresses too (WEBHOOK_ALLOW_PRIVATE_URLS; tests, closed networks).
    """

    def __init__(self, allow_private: bool = False) -> None:
        self._allow_private = allow_private

    def check(self, url: str) -> ResolvedUrl:
        """Resolve `url`'s host and refuse it unless every address it resolves to is public.

        Returns:
            The URL with the first resolved address.

        Raises:
            InvalidInputError: code "unsafe_url" (attr "url") for a non-http(s) URL, credentials in
                the URL, an unresolvable host, or an internal address while those are not allowed.
        """
        if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
            raise self._refuse("The URL must not contain spaces or control characters.")
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        except ValueError as exc:
            raise self._refuse("The URL is malformed.") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self._refuse("The URL must be http(s) with a host name.")
        if parts.username or parts.password:
            raise self._refuse("The URL must not carry credentials.")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except (OSError, ValueError, UnicodeError) as exc:
            raise self._refuse(f"The host {parts.hostname!r} cannot be resolved.") from exc
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        if not addresses:
            raise self._refuse(f"The host {parts.hostname!r} has no address.")
        if not self._allow_private:
            for address in addresses:
                if is_internal(address):
                    raise self._refuse(f"The URL resolves to an internal address ({address}); use a public host.")
        return ResolvedUrl(url=url, scheme=parts.scheme, host=parts.hostname, port=port, address=addresses[0])

    @staticmethod
    def _refuse(detail: str) -> InvalidInputError:
        return InvalidInputError(detail, code="unsafe_url", attr="url")
