"""Throttles beyond DRF's anon/user defaults. Rates live in settings.THROTTLE_RATES (env-overridable)."""

import hashlib

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class LoginClientThrottle(AnonRateThrottle):
    """Login attempts per client address (THROTTLE_RATE_LOGIN)."""

    scope = "login"


class LoginEmailThrottle(SimpleRateThrottle):
    """Login attempts per target e-mail, whatever the client (THROTTLE_RATE_LOGIN_EMAIL): slows credential stuffing."""

    scope = "login_email"

    def get_cache_key(self, request, view) -> str | None:
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class RegisterThrottle(AnonRateThrottle):
    """Sign-ups per client address (THROTTLE_RATE_REGISTER)."""

    scope = "register"


class AuthenticatedUserThrottle(UserRateThrottle):
    """Requests per signed-in user (THROTTLE_RATE_USER); anonymous clients are left to the anon throttle.

    DRF's UserRateThrottle also counts anonymous clients (keyed by address), so every anonymous
    request paid two throttle round trips to the cache and was bounded by both rates.
    """

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
