"""Checking a sign-in provider's token and reading who it names (Google ID tokens, Facebook access tokens).

Google: `google-auth` verifies the ID token (RS256 signature against the certificates published at
GOOGLE_CERTS_URL, expiry, audience = one of GOOGLE_OAUTH_CLIENT_IDS); we add the issuer check. The
certificates are fetched through one process-wide CacheControl session, so they are kept as long as
Google's `Cache-Control: max-age` allows (hours) instead of being fetched on every sign-in.
Facebook: the Graph API's `debug_token` says whether an access token is valid and for which app;
`/me` gives the user's id and e-mail (Facebook returns only confirmed addresses).
"""

import hashlib
import hmac
from dataclasses import dataclass

import google.auth.exceptions
import google.auth.transport.requests
import requests
from cachecontrol import CacheControl
from google.oauth2 import id_token as google_id_token

from apps.core.exceptions import AuthenticationFailedError, ServiceUnavailableError

GOOGLE_ISSUERS = {"accounts.google.com", "https://accounts.google.com"}


@dataclass(frozen=True)
class ProviderIdentity:
    """Who a provider says the token's bearer is: provider name, stable subject id, e-mail and whether it checked it."""

    provider: str
    subject: str
    email: str
    email_verified: bool


def invalid_token(provider: str) -> AuthenticationFailedError:
    """The 401 for a malformed, forged, expired or foreign token."""
    return AuthenticationFailedError(f"The {provider} token is invalid or expired.", code="invalid_social_token")


def unreachable(provider: str) -> ServiceUnavailableError:
    """The 503 for a provider that could not be reached or answered nonsense."""
    return ServiceUnavailableError(f"{provider} could not be reached; try again later.", code="provider_unavailable")


def cached_http_session() -> requests.Session:
    """A requests session that keeps responses in memory for as long as their `Cache-Control` allows.

    One per process (a container Singleton): Google's certificate responses say `max-age` of a few
    hours, so sign-ins stop paying a round trip to Google; responses without caching headers are
    not kept. Thread-safe enough for gthread workers (CacheControl's in-memory cache takes a lock).
    """
    return CacheControl(requests.Session())


class _TimedGoogleRequest(google.auth.transport.requests.Request):
    """google-auth's requests transport with our timeout on every call (its own default is 120 s)."""

    def __init__(self, timeout_s: float, session: requests.Session | None = None) -> None:
        super().__init__(session=session)
        self._timeout_s = timeout_s

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        return super().__call__(url, method, body, headers, timeout=self._timeout_s, **kwargs)


class GoogleIdentityVerifier:
    """Verifies Google ID tokens.

    Args:
        client_ids: accepted audiences (GOOGLE_OAUTH_CLIENT_IDS); empty refuses every token.
        certs_url: where the signing certificates are published (GOOGLE_CERTS_URL).
        timeout_s: seconds to wait for the certificates.
        session: the HTTP session the certificates are fetched with (`cached_http_session()`);
            None fetches them afresh every time.
    """

    def __init__(
        self, client_ids: list[str], certs_url: str, timeout_s: float, session: requests.Session | None = None
    ) -> None:
        self._client_ids, self._certs_url, self._timeout_s = list(client_ids), certs_url, timeout_s
        self._session = session

    def identity(self, token: str) -> ProviderIdentity:
        """The identity in a valid ID token.

        Raises:
            AuthenticationFailedError: malformed, bad signature, unknown key, wrong audience or
                issuer, expired (`invalid_social_token`).
            ServiceUnavailableError: the certificates could not be fetched (`provider_unavailable`).
        """
        if not self._client_ids:
            raise invalid_token("Google")
        try:
            claims = google_id_token.verify_token(
                token,
                _TimedGoogleRequest(self._timeout_s, self._session),
                audience=self._client_ids,
                certs_url=self._certs_url,
            )
        except google.auth.exceptions.TransportError:
            raise unreachable("Google") from None
        except (ValueError, google.auth.exceptions.GoogleAuthError):
            raise invalid_token("Google") from None
        if claims.get("iss") not in GOOGLE_ISSUERS or not claims.get("sub"):
            raise invalid_token("Google")
        return ProviderIdentity(
            provider="google",
            subject=str(claims["sub"]),
            email=str(claims.get("email") or ""),
            email_verified=claims.get("email_verified") is True,
        )


class FacebookIdentityVerifier:
    """Checks Facebook user access tokens through the Graph API.

    Args:
        app_id / app_secret: our Facebook app (FACEBOOK_APP_ID, FACEBOOK_APP_SECRET); empty refuses every token.
        graph_url: the Graph API base URL (FACEBOOK_GRAPH_URL).
        timeout_s: seconds to wait for each Graph call.
    """

    def __init__(self, app_id: str, app_secret: str, graph_url: str, timeout_s: float) -> None:
        self._app_id, self._app_secret = app_id, app_secret
        self._graph_url, self._timeout_s = graph_url.rstrip("/"), timeout_s

    def identity(self, token: str) -> ProviderIdentity:
        """The identity behind a valid access token issued to our app.

        Raises:
            AuthenticationFailedError: invalid, expired or issued to another app (`invalid_social_token`).
            ServiceUnavailableError: the Graph API could not be reached or answered a 5xx (`provider_unavailable`).
        """
        if not (self._app_id and self._app_secret):
            raise invalid_token("Facebook")
        app_token = f"{self._app_id}|{self._app_secret}"
        debug = self._get("debug_token", {"input_token": token, "access_token": app_token}).get("data") or {}
        if debug.get("is_valid") is not True or str(debug.get("app_id")) != self._app_id:
            raise invalid_token("Facebook")
        proof = hmac.new(self._app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        me = self._get("me", {"fields": "id,email", "access_token": token, "appsecret_proof": proof})
        if not me.get("id") or str(me["id"]) != str(debug.get("user_id", me["id"])):
            raise invalid_token("Facebook")
        email = str(me.get("email") or "")
        return ProviderIdentity(provider="facebook", subject=str(me["id"]), email=email, email_verified=bool(email))

    def _get(self, path: str, params: dict[str, str]) -> dict:
        try:
            response = requests.get(f"{self._graph_url}/{path}", params=params, timeout=self._timeout_s)
        except requests.RequestException:
            raise unreachable("Facebook") from None
        if response.status_code >= 500:
            raise unreachable("Facebook")
        try:
            body = response.json()
        except ValueError:
            raise unreachable("Facebook") from None
        if response.status_code >= 400 or not isinstance(body, dict) or "error" in body:
            raise invalid_token("Facebook")
        return body
