"""The project's throttles: sliding-window counters, one atomic cache round trip per check.

Rates live in settings.THROTTLE_RATES (env-overridable); every throttle here is a
`SlidingWindowThrottle`, DRF's `SimpleRateThrottle` with another counting algorithm.

**Algorithm.** Cloudflare's sliding-window counter: time is cut into fixed windows of the rate's
period (`duration` seconds, numbered `floor(now / duration)`), each with one counter
`<throttle key>:<window number>`. A request is refused when

    estimate = previous window's count * (1 - elapsed fraction of the current window) + current count

exceeds the rate's number of requests (the current count includes the request itself). The
estimate assumes the previous window's requests were spread evenly; it never lets a client send
twice the rate across a window boundary, as a fixed window would.

**Why.** DRF's throttle keeps a list of timestamps: a cache GET then a SET per request, two Redis
round trips, and not atomic: concurrent requests read the same history and each writes its own
back, so N parallel login attempts counted as about one. Here a check is one round trip (INCR the
current counter, EXPIRE it NX, GET the previous one, pipelined: `apps.core.infra.throttle_counters.count_hit`) and
INCR is atomic, so parallel requests are all counted. Without Redis (locmem) the counters use the
cache's add/incr/get, atomic within the process.

**Refused requests count.** The counter is incremented before the decision, so a refused request
counts too (uncounting it would cost a second round trip). A client that keeps retrying above the
rate stays refused until it slows down: the safer choice against brute force.

**Client address.** The address-keyed throttles (anon, login, register) key on DRF's
`get_ident`: with `REST_FRAMEWORK["NUM_PROXIES"] = 0` (NUM_PROXIES, the default) it is the
socket's REMOTE_ADDR and X-Forwarded-For is ignored; with N trusted proxies it is the Nth entry
from the right of X-Forwarded-For, the one the outermost trusted proxy appended. The setting is
always present: DRF's default (None) would trust the header as the client sent it, and a spoofed
`X-Forwarded-For` would buy a fresh budget (tests/controllers/test_client_address.py).

**Fail open.** When the cache is unreachable (django-redis IGNORE_EXCEPTIONS, the circuit breaker
of `apps.core.infra.redis_breaker` open) every request is allowed and nothing is logged per request: the
breaker logs the outage once. The API keeps working without Redis, unthrottled meanwhile.
"""

import hashlib

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from apps.core.infra.throttle_counters import count_hit


class SlidingWindowThrottle(SimpleRateThrottle):
    """DRF's `SimpleRateThrottle` counting with a sliding-window counter (see the module docstring).

    Subclasses set `scope` (or `rate`) and `get_cache_key`, as for DRF. `timer` (seconds since the
    epoch) and `cache` are DRF's class attributes. After `allow_request` counted a request, the
    instance holds `now` (seconds), `current_count`, `previous_count` and `elapsed_s` (seconds into
    the current window) for `estimate` and `wait`.
    """

    def allow_request(self, request, view) -> bool:
        """Count this request and allow it unless the estimate exceeds the rate.

        Returns:
            True when allowed: under the rate, not throttled (no rate, no key), or the cache is
            unreachable (fail open).
        """
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        counts = count_hit(self.cache, f"{self.key}:{window}", f"{self.key}:{window - 1}", 2 * self.duration)
        if counts is None:
            return True  # the cache is unreachable: fail open
        self.current_count, self.previous_count = counts
        self.elapsed_s = self.now - window * self.duration
        return self.estimate() <= self.num_requests

    def estimate(self) -> float:
        """Requests counted over the last `duration` seconds, this one included (after `allow_request`)."""
        return self.previous_count * (1 - self.elapsed_s / self.duration) + self.current_count

    def wait(self) -> float:
        """Seconds until the next request would be allowed (>= 0.001; DRF sends its ceiling as Retry-After).

        That is when the estimate, with the next request's own hit, is back at the rate, assuming
        no request comes meanwhile. It lies in the current window while the current count alone
        leaves room; otherwise in the next one, where this window's count becomes the previous.
        Rounded to microseconds, so float noise never adds a second to Retry-After.
        """
        room = self.num_requests - 1  # what the estimate may reach before the next request's hit
        if self.current_count <= room and self.previous_count:  # the previous window's share must decay
            until_s = self.duration * (1 - (room - self.current_count) / self.previous_count)
            wait_s = until_s - self.elapsed_s
        else:
            into_next_s = self.duration * max(0.0, 1 - room / self.current_count)
            wait_s = self.duration - self.elapsed_s + into_next_s
        return max(round(wait_s, 6), 0.001)


class AnonymousClientThrottle(SlidingWindowThrottle, AnonRateThrottle):
    """Requests per anonymous client address (scope "anon", THROTTLE_RATE_ANON); signed-in users are not counted."""


class LoginClientThrottle(SlidingWindowThrottle, AnonRateThrottle):
    """Login attempts per client address (THROTTLE_RATE_LOGIN)."""

    scope = "login"


class LoginEmailThrottle(SlidingWindowThrottle):
    """Login attempts per target e-mail, whatever the client (THROTTLE_RATE_LOGIN_EMAIL): slows credential stuffing."""

    scope = "login_email"

    def get_cache_key(self, request, view) -> str | None:
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class RegisterThrottle(SlidingWindowThrottle, AnonRateThrottle):
    """Sign-ups per client address (THROTTLE_RATE_REGISTER)."""

    scope = "register"


class AccountEmailThrottle(SlidingWindowThrottle, UserRateThrottle):
    """Requests that send an account e-mail (reset, verification re-send), per signed-in user or else per
    client address (THROTTLE_RATE_ACCOUNT_EMAIL): nobody can use the shop to flood a mailbox."""

    scope = "account_email"


class AuthenticatedUserThrottle(SlidingWindowThrottle, UserRateThrottle):
    """Requests per signed-in user (THROTTLE_RATE_USER); anonymous clients are left to the anon throttle.

    DRF's UserRateThrottle also counts anonymous clients (keyed by address), so every anonymous
    request paid two throttle round trips to the cache and was bounded by both rates.
    """

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
