"""A django-redis client with a circuit breaker, the recovery epoch of the list cache, window counters.

Redis is an optimisation here: with `IGNORE_EXCEPTIONS` every failing call already behaves as a
miss, but each call still pays a connect timeout (and redis-py's retries) while Redis is down.
`CircuitBreakerClient` makes a down Redis cheap: after one connection failure the circuit opens
for `REDIS_CIRCUIT_OPEN_S` seconds and every call fails at once, without touching the network;
then one call probes Redis again (half-open) and closes the circuit when it succeeds.

A process that saw Redis fail may have lost writes to it, most importantly a list cache
generation bump (`VersionedCache.invalidate`). So when its circuit closes again it replaces
`CACHE_EPOCH_KEY`, which is part of every list cache key: every page cached before the outage
becomes unreachable in every process. The state is per process (per gunicorn worker), and a
process does not wait for its next request to notice the end of an outage: a daemon thread
probes Redis every `open_s` seconds while the circuit is failed, so the epoch is replaced as
soon as Redis answers, even if the worker that lost the bump receives no further request
(other workers, which never saw the outage, would otherwise serve pre-outage pages meanwhile).

`count_hit` counts one hit in a fixed time window and reads the previous window's count, in one
round trip on Redis (`CircuitBreakerClient.hit_window`) and with add + incr + get elsewhere; the
throttles (apps.core.controllers.throttles) are built on it. It answers None when the cache is
unreachable, so its callers can fail open.
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
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

CACHE_EPOCH_KEY = "list:epoch"
"""Cache key of the epoch every VersionedCache key embeds; replaced after an outage of the cache."""

_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, socket.timeout, ConnectionError, TimeoutError)
_REDIS_ERRORS = (*_OUTAGE_ERRORS, ResponseError)  # what DefaultClient turns into ConnectionInterrupted

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
    "hit_window",
)

# Guarded methods that change counters: not repeated when their call ends an outage (see _guard).
_COUNTING = ("hit_window",)


class CircuitOpenError(ConnectionError):
    """Raised instead of calling Redis while the circuit is open."""


class CircuitBreaker:
    """Closed -> open on a connection failure -> half-open after `open_s` -> closed on a success.

    Args:
        open_s: seconds the circuit stays open before one call may probe Redis again.
        on_recovery: called once when a call succeeds after a failure (the circuit closes).
        probe: when given, a failure starts a daemon thread that calls it every `open_s` seconds
            until it returns without raising (then the circuit closes and `on_recovery` runs) or
            a regular call succeeds first. It should be a cheap round trip (a PING).
    """

    def __init__(self, open_s: float, on_recovery, probe=None) -> None:
        self.open_s = open_s
        self._on_recovery = on_recovery
        self._probe = probe
        self._prober: threading.Thread | None = None
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
            if self._probe is not None and (self._prober is None or not self._prober.is_alive()):
                self._prober = threading.Thread(target=self._probe_until_recovered, name="cache-probe", daemon=True)
                self._prober.start()

    @property
    def failed(self) -> bool:
        """True from a failure until the next success (the circuit may already be half-open)."""
        return self._failed

    def _probe_until_recovered(self) -> None:
        while self._failed:
            time.sleep(self.open_s)
            if not self._failed:
                return  # a regular call succeeded meanwhile
            try:
                self._probe()
            except Exception:  # noqa: BLE001 - any failure means "still down"; try again later
                self.record_failure()  # re-opens the circuit; this thread goes on probing
                continue
            self.record_success()

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


def _guard(method, *, repeat_on_recovery: bool):
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
        if self.breaker.record_success() and repeat_on_recovery:
            # The answer was read before the recovery epoch bump: a read that fetched the epoch
            # together with entries (VersionedCache's single MGET) must not see the old epoch. Ask again.
            result = method(self, *args, **kwargs)
        return result

    return guarded


class CircuitBreakerClient(DefaultClient):
    """django-redis `DefaultClient` whose calls go through a per-process `CircuitBreaker`.

    Configure with `OPTIONS["CLIENT_CLASS"] = "apps.core.infra.redis_breaker.CircuitBreakerClient"`; the open
    interval comes from `settings.REDIS_CIRCUIT_OPEN_S` (seconds, default 5).
    """

    def __init__(self, server, params, backend) -> None:
        super().__init__(server, params, backend)
        self.breaker = CircuitBreaker(
            open_s=float(getattr(settings, "REDIS_CIRCUIT_OPEN_S", 5.0)),
            on_recovery=self._bump_epoch,
            probe=self._ping,
        )

    def _ping(self) -> None:
        """One PING to the primary; raises when Redis does not answer (the breaker's background probe)."""
        self.get_client(write=True).ping()

    def _bump_epoch(self) -> None:
        """After an outage: hide every list page cached before it (a generation bump may be lost)."""
        try:
            DefaultClient.set(self, CACHE_EPOCH_KEY, uuid.uuid4().hex, timeout=None)
        except ConnectionInterrupted:
            self.breaker.record_failure()  # gone again; the next recovery bumps it

    def hit_window(self, key: str, previous_key: str, ttl_s: int) -> tuple[int, int]:
        """Count one hit under `key` and read the count under `previous_key`, in one round trip.

        One non-transactional pipeline: INCR key, EXPIRE key ttl_s NX (Redis 7+; the first hit of
        a window sets its lifetime, later hits leave it), GET previous_key. INCR is atomic, so
        concurrent callers each see a distinct count. Both keys get the cache's KEY_PREFIX.

        Args:
            key: the current window's counter (e.g. `throttle_anon_<ident>:<window number>`).
            previous_key: the previous window's counter; only read.
            ttl_s: lifetime of a new counter, seconds.

        Returns:
            (current, previous): the current counter after this hit (>= 1) and the previous
            window's count (0 when absent or expired).

        Raises:
            ConnectionInterrupted: Redis did not answer (or the circuit is open).
        """
        client = self.get_client(write=True)
        current_key = self.make_key(key)
        try:
            pipeline = client.pipeline(transaction=False)
            pipeline.incr(current_key)
            pipeline.expire(current_key, ttl_s, nx=True)
            pipeline.get(self.make_key(previous_key))
            current, _, previous = pipeline.execute()
        except _REDIS_ERRORS as exc:
            raise ConnectionInterrupted(connection=client) from exc
        return int(current), int(previous or 0)


for _name in _GUARDED:
    _method = getattr(CircuitBreakerClient, _name)  # DefaultClient's, or hit_window above
    setattr(CircuitBreakerClient, _name, _guard(_method, repeat_on_recovery=_name not in _COUNTING))
