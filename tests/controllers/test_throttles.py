"""The sliding-window throttles against the real cache: arithmetic, atomicity, round trips, fail open.

The window arithmetic runs on a controlled clock (DRF's `timer` class attribute) and on whatever
cache the suite uses (Redis with REDIS_URL, locmem without). The concurrency and round-trip tests
need Redis; "Redis down" is a real django-redis client pointed at a closed port, never a mock.
"""

import logging
import threading
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.module_loading import import_string
from django_redis.cache import RedisCache
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from apps.core.controllers import throttles
from apps.core.controllers.throttles import AnonymousClientThrottle, SlidingWindowThrottle
from apps.core.infra.redis_breaker import breaker_of
from apps.core.infra.throttle_counters import count_hit
from tests.live import breaker_cache, free_port, redis_server, wait_until

ON_REDIS = settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
needs_redis = pytest.mark.skipif(not ON_REDIS, reason="needs Redis (set REDIS_URL)")

START = 864_000_000.0  # seconds since the epoch; a whole number of minutes, hours and days
ADDRESS = "10.9.0.1"
SLACK_S = 0.001  # step past a computed boundary: float sums may land a hair before it


class Clock:
    """A callable standing in for `time.time` (an instance, so it is not bound as a method)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(START)
    monkeypatch.setattr(SlidingWindowThrottle, "timer", clock)
    return clock


@pytest.fixture
def anon_rate(monkeypatch):
    """Set the "anon" rate for one test (read when a throttle is built)."""

    def set_rate(rate: str) -> None:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", rate)

    return set_rate


def anonymous_request(address: str = ADDRESS) -> Request:
    return Request(APIRequestFactory().get("/api/categories/", REMOTE_ADDR=address))


def check(address: str = ADDRESS) -> tuple[bool, SlidingWindowThrottle]:
    """One anonymous throttle check as DRF runs it (a fresh throttle per request): (allowed, the throttle)."""
    throttle = AnonymousClientThrottle()
    return throttle.allow_request(anonymous_request(address), None), throttle


def allowed_in(n: int) -> list[bool]:
    return [check()[0] for _ in range(n)]


def redis_cache(location: str, open_s: float = 5.0) -> RedisCache:
    """A real django-redis cache with the circuit breaker's pool, failures ignored as in production."""
    return breaker_cache(location, open_s=open_s, key_prefix="thr-test")


# --- window arithmetic ----------------------------------------------------------------------
def test_allow_request_refuses_past_the_rate_and_counts_refused_requests(clock, anon_rate):
    anon_rate("10/min")
    assert allowed_in(12) == [True] * 10 + [False] * 2
    allowed, throttle = check()
    assert not allowed
    assert throttle.estimate() == 13  # refused requests count too
    window = int(START // 60)
    assert throttle.key == f"throttle_anon_{ADDRESS}"
    assert cache.get(f"{throttle.key}:{window}") == 13
    assert check("10.9.0.2")[0]  # another client has its own counter


def test_allow_request_weights_the_previous_window_by_what_is_left_of_it(clock, anon_rate):
    anon_rate("10/min")
    clock.now = START + 30
    assert allowed_in(10) == [True] * 10
    clock.now = START + 60 + 15  # a quarter into the next window: the previous counts 10 * 0.75
    assert allowed_in(3) == [True, True, False]
    allowed, throttle = check()
    assert (allowed, throttle.previous_count, throttle.current_count) == (False, 10, 4)
    assert throttle.estimate() == pytest.approx(11.5)


def test_wait_is_when_the_previous_window_has_decayed_enough(clock, anon_rate):
    anon_rate("10/min")
    assert allowed_in(10) == [True] * 10
    clock.now = START + 60 + 30  # half-way: the previous window weighs 5
    assert allowed_in(7) == [True] * 5 + [False] * 2
    allowed, throttle = check()  # 10 * 0.5 + 8 = 13
    assert not allowed
    # The next request gets through when 10 * (1 - f) + 8 + 1 <= 10, i.e. f = 0.9: 54 s into the window.
    assert throttle.wait() == 24
    clock.now += 24 + SLACK_S
    assert check()[0]


def test_wait_reaches_into_the_next_window_when_the_current_count_alone_is_over(clock, anon_rate):
    anon_rate("10/min")
    clock.now = START + 15
    allowed_in(10)
    allowed, throttle = check()
    assert not allowed
    # 11 counted: in the next window 11 * (1 - f) + 1 <= 10 when f = 2/11.
    assert throttle.wait() == pytest.approx(45 + 60 * 2 / 11)
    clock.now += throttle.wait() + SLACK_S
    allowed, throttle = check()
    assert allowed
    assert throttle.estimate() == pytest.approx(10, abs=0.01)


def test_a_window_before_the_previous_one_is_forgotten(clock, anon_rate):
    anon_rate("10/min")
    allowed_in(15)
    clock.now = START + 120
    assert allowed_in(11) == [True] * 10 + [False]


@pytest.mark.django_db
def test_refusal_is_a_429_whose_retry_after_is_the_ceiling_of_wait(clock, anon_rate):
    anon_rate("2/min")
    client = APIClient(REMOTE_ADDR=ADDRESS)
    clock.now = START + 45
    statuses = [client.get("/api/categories/").status_code for _ in range(2)]
    refused = client.get("/api/categories/")
    assert statuses + [refused.status_code] == [200, 200, 429]
    assert refused.json()["errors"][0]["code"] == "throttled"
    # 3 counted: next window, 3 * (1 - f) + 1 <= 2 at f = 1/3 (20 s), 15 + 40 s from now.
    assert refused["Retry-After"] == "55"
    assert client.get("/api/categories/")["Retry-After"] == "60"  # 4 counted: f = 3/4 in the next window


@needs_redis
def test_counters_expire_after_two_windows(clock, anon_rate):
    anon_rate("10/min")
    _, throttle = check()
    assert 115 <= cache.ttl(f"{throttle.key}:{int(START // 60)}") <= 120
    check()
    assert 115 <= cache.ttl(f"{throttle.key}:{int(START // 60)}") <= 120  # NX: the first hit set it


def test_every_throttle_of_the_project_counts_sliding_windows():
    classes = [import_string(path) for path in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]]
    classes += [throttles.LoginClientThrottle, throttles.LoginEmailThrottle, throttles.RegisterThrottle]
    assert all(issubclass(cls, SlidingWindowThrottle) for cls in classes)
    assert [cls.scope for cls in classes] == ["anon", "user", "login", "login_email", "register"]
    assert [cls().rate for cls in classes] == [settings.THROTTLE_RATES[cls.scope] for cls in classes]


# --- atomicity and cost on Redis ------------------------------------------------------------
@needs_redis
def test_parallel_requests_are_all_counted(clock, anon_rate):
    """20 checks released at once by a barrier, each on its own connection: exactly 5 get through."""
    anon_rate("5/min")
    clock.now = START + 30
    barrier = threading.Barrier(20)
    results: list[bool] = []

    def attempt() -> None:
        throttle, request = AnonymousClientThrottle(), anonymous_request()
        cache.get("warm-up")  # this thread's cache and connection, opened before the barrier
        barrier.wait(timeout=10)
        results.append(throttle.allow_request(request, None))

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results) == [False] * 15 + [True] * 5


@needs_redis
def test_a_throttle_check_is_one_redis_round_trip(clock, anon_rate, monkeypatch):
    anon_rate("100/min")
    cache.get("warm-up")  # the connection exists (its handshake is not counted)
    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counting_send(connection, command, *args, **kwargs):
        sent.append(command)
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting_send)
    assert check()[0]  # a new counter
    assert check()[0]  # an existing one
    assert len(sent) == 2


# --- Redis down -----------------------------------------------------------------------------
@pytest.fixture
def dead_redis(monkeypatch) -> RedisCache:
    """The throttles' cache replaced by a real django-redis cache on a closed port, as configured in production."""
    dead = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setattr(SlidingWindowThrottle, "cache", dead)
    return dead


def test_allow_request_fails_open_quickly_and_quietly_when_redis_is_down(dead_redis, anon_rate, caplog):
    anon_rate("1/min")
    caplog.set_level(logging.DEBUG)
    started = time.monotonic()
    results = allowed_in(50)
    elapsed = time.monotonic() - started
    assert results == [True] * 50
    assert elapsed < 2
    assert breaker_of(dead_redis).is_open
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["cache unreachable; circuit opened for 5.0s"]  # the breaker's one line


@pytest.mark.django_db
def test_requests_are_served_when_the_throttle_cache_is_down(dead_redis, anon_rate):
    anon_rate("1/min")
    client = APIClient(REMOTE_ADDR=ADDRESS)
    assert [client.get("/api/categories/").status_code for _ in range(5)] == [200] * 5


# --- the counters on other caches, and around an outage -------------------------------------
def test_count_hit_on_locmem_counts_the_same():
    local = LocMemCache("thr-test-locmem", {})
    assert [count_hit(local, "k:2", "k:1", 60) for _ in range(2)] == [(1, 0), (2, 0)]
    assert count_hit(local, "k:3", "k:2", 60) == (1, 2)


def test_count_hit_on_a_down_redis_is_none():
    dead = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    assert count_hit(dead, "k:2", "k:1", 60) is None


def test_no_hit_is_counted_while_the_circuit_is_open_and_counting_resumes_after(tmp_path):
    """Hits during an outage are refused (None: fail open); after the probe closes the circuit they count once each."""
    with redis_server(tmp_path) as server:
        live = redis_cache(server.url, open_s=0.1)
        assert count_hit(live, "k:2", "k:1", 60) == (1, 0)
        assert 55 <= live.ttl("k:2") <= 60
        server.stop(save=True)
        assert count_hit(live, "k:2", "k:1", 60) is None  # the failure opens the circuit
        breaker = breaker_of(live)
        assert count_hit(live, "k:2", "k:1", 60) is None  # refused at once while the circuit is open
        server.start()
        assert wait_until(lambda: not breaker.failed, timeout_s=5)
        assert [count_hit(live, "k:2", "k:1", 60) for _ in range(2)] == [(2, 0), (3, 0)]
