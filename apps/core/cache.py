"""A django-redis client with a circuit breaker, and the recovery epoch of the list cache.

Redis is an optimisation here: with `IGNORE_EXCEPTIONS` every failing call already behaves as a
miss, but each call still pays a connect timeout (and redis-py's retries) while Redis is down.
`CircuitBreakerClient` makes a down Redis cheap: after one connection failure the circuit opens
for `REDIS_CIRCUIT_OPEN_S` seconds and every call fails at once, without touching the network;
then one call probes Redis again (half-open) and closes the circuit when it succeeds.

A process that saw Redis fail may have lost writes to it, most importantly a list cache
generation bump (`ListCache.invalidate`). So when its circuit closes again it replaces
`CACHE_EPOCH_KEY`, which is part of every list cache key: every page cached before the outage
becomes unreachable in every process. The state is per process (per gunicorn worker).
"""

import functools
import logging
import socket
import threading
import time
import uuid

from django.conf import settings
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

CACHE_EPOCH_KEY = "list:epoch"
"""Cache key of the epoch every ListCache key embeds; replaced after an outage of the cache."""

_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, socket.timeout, ConnectionError, TimeoutError)

# Client methods that reach Redis; each goes through the breaker.
_GUARDED = (
    "get",
    "set",
    "add",
    "get_many",
    "set_many",
    "delete",
    "delete_many",
    "delete_pattern",
    "clear",
    "incr",
    "decr",
    "has_key",
    "touch",
    "ttl",
    "pttl",
    "expire",
    "persist",
    "incr_version",
    "keys",
    "iter_keys",
)


class CircuitOpenError(ConnectionError):
    """Raised instead of calling Redis while the circuit is open."""


class CircuitBreaker:
    """Closed -> open on a connection failure -> half-open after `open_s` -> closed on a success.

    Args:
        open_s: seconds the circuit stays open before one call may probe Redis again.
        on_recovery: called once when a call succeeds after a failure (the circuit closes).
    """

    def __init__(self, open_s: float, on_recovery) -> None:
        self.open_s = open_s
        self._on_recovery = on_recovery
        self._opened_at: float | None = None
        self._failed = False  # a failure was seen and not yet followed by a success
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        """True while calls are refused without touching Redis."""
        opened_at = self._opened_at
        return opened_at is not None and time.monotonic() - opened_at < self.open_s

    def record_failure(self) -> None:
        """A call failed to reach Redis: open (or re-open) the circuit."""
        with self._lock:
            if not self._failed:
                logger.warning("cache unreachable; circuit opened for %.1fs", self.open_s)
            self._failed = True
            self._opened_at = time.monotonic()

    def record_success(self) -> bool:
        """A call reached Redis: close the circuit, running `on_recovery` after an outage.

        Returns:
            True when this call ended an outage (and `on_recovery` ran).
        """
        if not self._failed:
            return False
        with self._lock:
            if not self._failed:
                return False
            self._failed = False
            self._opened_at = None
        logger.warning("cache reachable again; circuit closed")
        self._on_recovery()
        return True


def _guard(name: str):
    method = getattr(DefaultClient, name)

    @functools.wraps(method)
    def guarded(self: "CircuitBreakerClient", *args, **kwargs):
        if self.breaker.is_open:
            raise ConnectionInterrupted(connection=None) from CircuitOpenError("circuit open")
        try:
            result = method(self, *args, **kwargs)
        except ConnectionInterrupted as exc:
            if isinstance(exc.__cause__, _OUTAGE_ERRORS):
                self.breaker.record_failure()
            raise
        except _OUTAGE_ERRORS:
            self.breaker.record_failure()
            raise
        if self.breaker.record_success():
            # The answer was read before the recovery epoch bump: a read that fetched the epoch
            # together with entries (ListCache's single MGET) must not see the old epoch. Ask again.
            result = method(self, *args, **kwargs)
        return result

    return guarded


class CircuitBreakerClient(DefaultClient):
    """django-redis `DefaultClient` whose calls go through a per-process `CircuitBreaker`.

    Configure with `OPTIONS["CLIENT_CLASS"] = "apps.core.cache.CircuitBreakerClient"`; the open
    interval comes from `settings.REDIS_CIRCUIT_OPEN_S` (seconds, default 5).
    """

    def __init__(self, server, params, backend) -> None:
        super().__init__(server, params, backend)
        self.breaker = CircuitBreaker(
            open_s=float(getattr(settings, "REDIS_CIRCUIT_OPEN_S", 5.0)), on_recovery=self._bump_epoch
        )

    def _bump_epoch(self) -> None:
        """After an outage: hide every list page cached before it (a generation bump may be lost)."""
        try:
            DefaultClient.set(self, CACHE_EPOCH_KEY, uuid.uuid4().hex, timeout=None)
        except ConnectionInterrupted:
            self.breaker.record_failure()  # gone again; the next recovery bumps it


for _name in _GUARDED:
    setattr(CircuitBreakerClient, _name, _guard(_name))
