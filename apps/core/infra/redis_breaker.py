"""A circuit breaker for Redis at the connection level, and the `cache_recovered` signal.

Redis is an optimisation here: with `IGNORE_EXCEPTIONS` every failing cache call already behaves
as a miss, but each call still pays a connect timeout while Redis is down. The breaker makes a
down Redis cheap: after one connection failure every call fails at once, without touching the
network, until Redis answers a probe again.

Where it sits: `CircuitBreakerPool`, a redis-py `ConnectionPool` selected with django-redis's
`OPTIONS["CONNECTION_POOL_CLASS"]`. django-redis keeps one pool per server URL per process, so
there is one breaker per process (per gunicorn worker) and Redis server, shared by its threads.
Every command, pipelined or not, takes a connection from the pool, so nothing is wrapped per
method and the cache client above (django-redis's `DefaultClient`) is the stock one:

- a connection that fails to connect, send or read (redis-py's ConnectionError/TimeoutError)
  records a failure and the circuit opens;
- while it is open, `get_connection` raises `CircuitOpenError` (a redis-py ConnectionError, so
  django-redis reports it as `ConnectionInterrupted` and `IGNORE_EXCEPTIONS` makes it a miss);
- a daemon thread then PINGs Redis every `open_s` seconds (the half-open probe: the only call let
  through). When Redis answers it sends `cache_recovered` from that thread, whose calls still get
  through, and only then lets every other call through again (unless a receiver's call failed:
  then the circuit stays open and the thread probes on).

Why a signal: a process that saw Redis fail may have lost writes to it (e.g. a cache generation
bump). What to do about that is the cache's business (apps.core.infra.versioned_cache replaces its
epoch), not the connection's. Receivers run before any regular call reaches Redis again, so no
request reads what they are about to replace; and the probe runs without waiting for a request,
so other processes, which never saw the outage, stop serving stale entries as soon as Redis answers.
"""

import logging
import threading
import time
from collections.abc import Callable

import redis
from django.dispatch import Signal
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

cache_recovered = Signal()
"""Sent with `sender=CircuitBreakerPool, pool=<the pool>` when Redis answers again after an outage this
process saw, from the breaker's probe thread, before other calls are let through. A receiver may use
Redis (through any django-redis cache on that server); a failure of its calls keeps the circuit open
and the signal is sent again on the next recovery. Exceptions a receiver raises are logged, not raised."""

_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)


class CircuitOpenError(RedisConnectionError):
    """Raised instead of calling Redis while the circuit is open."""


class CircuitBreaker:
    """Closed -> open on a failure -> half-open after `open_s` -> closed on a success.

    Args:
        open_s: seconds the circuit stays open before one call may probe Redis again.
        on_recovery: called when a success follows a failure, before the circuit closes (it may
            use Redis); the circuit closes afterwards unless a failure was recorded meanwhile.
        probe: when given, a failure starts a daemon thread that calls it every `open_s` seconds
            until it returns without raising, then records the success; only that thread's calls
            are admitted while the circuit is not closed. Without it, any call is admitted once
            `open_s` has passed (half-open) and its caller records the outcome.
    """

    def __init__(self, open_s: float, on_recovery: Callable[[], None], probe: Callable[[], None] | None = None) -> None:
        self.open_s = open_s
        self._on_recovery = on_recovery
        self._probe = probe
        self._prober: threading.Thread | None = None
        self._opened_at: float | None = None
        self._failed = False  # a failure was seen and not yet followed by a success
        self._failures = 0  # failures recorded so far; tells whether one happened during on_recovery
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        """True while calls are refused without touching Redis."""
        opened_at = self._opened_at
        return opened_at is not None and time.monotonic() - opened_at < self.open_s

    @property
    def failed(self) -> bool:
        """True from a failure until the next success (the circuit may already be half-open)."""
        return self._failed

    def admits(self) -> bool:
        """True when the current call may go to Redis (closed; or half-open and, with a probe, the probe's thread)."""
        if not self._failed:
            return True
        if self._probe is None:
            return not self.is_open
        prober = self._prober
        if prober is None or not prober.is_alive():  # e.g. a process forked while failed: probe again
            self.record_failure()
            return False
        return prober.ident == threading.get_ident()

    def record_failure(self) -> None:
        """A call failed to reach Redis: open (or re-open) the circuit and start the probe thread."""
        with self._lock:
            if not self._failed:
                logger.warning("cache unreachable; circuit opened for %.1fs", self.open_s)
            self._failed = True
            self._failures += 1
            self._opened_at = time.monotonic()
            if self._probe is not None and (self._prober is None or not self._prober.is_alive()):
                self._prober = threading.Thread(target=self._probe_until_recovered, name="cache-probe", daemon=True)
                self._prober.start()

    def record_success(self) -> bool:
        """A call reached Redis: after a failure, run `on_recovery`, then close the circuit.

        Returns:
            True when this call ended the outage (`on_recovery` ran and no failure was recorded
            while it ran); False when there was no outage or it goes on.
        """
        if not self._failed:
            return False
        failures_before = self._failures
        self._on_recovery()
        with self._lock:
            if not self._failed or self._failures != failures_before:
                return False  # another call closed it, or Redis failed again during on_recovery
            self._failed = False
            self._opened_at = None
        logger.warning("cache reachable again; circuit closed")
        return True

    def _probe_until_recovered(self) -> None:
        while self._failed:
            time.sleep(self.open_s)
            try:
                self._probe()
            except Exception:  # noqa: BLE001 - any failure means "still down"; try again later
                self.record_failure()  # re-opens the circuit; this thread goes on probing
                continue
            self.record_success()


class _BreakerConnectionMixin:
    """Records a failure on the pool's breaker when connecting, sending or reading fails."""

    breaker: CircuitBreaker  # set by CircuitBreakerPool.make_connection

    def connect(self, *args, **kwargs):
        return self._guarded(super().connect, *args, **kwargs)

    def send_packed_command(self, *args, **kwargs):
        return self._guarded(super().send_packed_command, *args, **kwargs)

    def read_response(self, *args, **kwargs):
        return self._guarded(super().read_response, *args, **kwargs)

    def _guarded(self, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except _OUTAGE_ERRORS:
            self.breaker.record_failure()
            raise


class BreakerConnection(_BreakerConnectionMixin, Connection):
    """A TCP connection (`redis://`) reporting failures to its pool's breaker."""


class BreakerSSLConnection(_BreakerConnectionMixin, SSLConnection):
    """A TLS connection (`rediss://`) reporting failures to its pool's breaker."""


class BreakerUnixConnection(_BreakerConnectionMixin, UnixDomainSocketConnection):
    """A Unix socket connection (`unix://`) reporting failures to its pool's breaker."""


_BREAKER_CONNECTIONS = {
    Connection: BreakerConnection,
    SSLConnection: BreakerSSLConnection,
    UnixDomainSocketConnection: BreakerUnixConnection,
}


class CircuitBreakerPool(redis.ConnectionPool):
    """A redis-py connection pool that fails fast while its `CircuitBreaker` is open (see the module docstring).

    Configure with `OPTIONS["CONNECTION_POOL_CLASS"] = "apps.core.infra.redis_breaker.CircuitBreakerPool"` and
    `OPTIONS["CONNECTION_POOL_KWARGS"] = {"circuit_open_s": 5.0}`.

    Args:
        circuit_open_s: seconds between probes while Redis is unreachable (default 5).
        connection_class: the class redis-py picked for the URL; replaced by its breaker subclass.
        **kwargs: redis-py's `ConnectionPool` arguments.

    Raises:
        ValueError: a connection class other than redis-py's TCP, TLS or Unix socket one.
    """

    def __init__(self, *, circuit_open_s: float = 5.0, connection_class: type = Connection, **kwargs) -> None:
        if connection_class not in _BREAKER_CONNECTIONS:
            raise ValueError(f"CircuitBreakerPool cannot guard {connection_class.__name__}.")
        super().__init__(connection_class=_BREAKER_CONNECTIONS[connection_class], **kwargs)
        self.breaker = CircuitBreaker(circuit_open_s, on_recovery=self._announce_recovery, probe=self._ping)

    def get_connection(self, *args, **kwargs):
        """A connected connection, as redis-py's; raises `CircuitOpenError` at once while the circuit is open."""
        if not self.breaker.admits():
            raise CircuitOpenError("Redis circuit open")
        return super().get_connection(*args, **kwargs)

    def make_connection(self):
        """A new connection wired to this pool's breaker."""
        connection = super().make_connection()
        connection.breaker = self.breaker
        return connection

    def _ping(self) -> None:
        redis.Redis(connection_pool=self).ping()  # raises while Redis does not answer

    def _announce_recovery(self) -> None:
        for receiver, error in cache_recovered.send_robust(sender=CircuitBreakerPool, pool=self):
            if isinstance(error, Exception):
                logger.error("cache_recovered receiver %r failed", receiver, exc_info=error)


def breaker_of(cache) -> CircuitBreaker | None:
    """The breaker guarding a django-redis cache backend's primary server, or None when it has none.

    Args:
        cache: a Django cache backend (django-redis's `RedisCache`, or any other: then None).
    """
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    return getattr(client.get_client(write=True).connection_pool, "breaker", None)
