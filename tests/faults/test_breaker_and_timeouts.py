"""Unit-level pieces behind the fault tests: the Redis circuit breaker's states, the database timeouts."""

import threading

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from apps.core.infra.redis_breaker import CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_on_failure_half_opens_after_interval_and_recovers_once(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("apps.core.infra.redis_breaker.time.monotonic", clock)
    recoveries = []
    breaker = CircuitBreaker(open_s=5, on_recovery=lambda: recoveries.append(clock.now))

    breaker.record_success()
    assert (breaker.is_open, recoveries) == (False, [])  # closed: successes change nothing
    breaker.record_failure()
    assert breaker.is_open
    clock.now += 4.9
    assert breaker.is_open
    clock.now += 0.2
    assert not breaker.is_open  # half-open: the next call may probe Redis
    breaker.record_failure()  # the probe failed: open again for a full interval
    clock.now += 4.9
    assert breaker.is_open
    clock.now += 0.2
    breaker.record_success()  # the probe succeeded
    assert not breaker.is_open
    assert recoveries == [clock.now]  # the recovery hook (epoch bump) ran once
    breaker.record_success()
    assert len(recoveries) == 1


def test_with_a_probe_only_the_probe_thread_gets_through_until_recovery_ran_without_a_failure():
    """Regular calls wait for the probe; a failure while on_recovery runs keeps the circuit failed."""
    probed, recovered = threading.Event(), threading.Event()
    calls_admitted_during_recovery = []
    failures_left = [1]  # the first recovery fails (e.g. the epoch write), the second succeeds

    def on_recovery() -> None:
        calls_admitted_during_recovery.append(breaker.admits())  # the probe's thread
        if failures_left[0]:
            failures_left[0] -= 1
            breaker.record_failure()
        else:
            recovered.set()

    breaker = CircuitBreaker(open_s=0.05, on_recovery=on_recovery, probe=probed.set)
    breaker.record_failure()
    assert not breaker.admits()
    assert recovered.wait(timeout=5)
    assert probed.is_set()
    assert calls_admitted_during_recovery == [True, True]
    breaker._prober.join(timeout=5)
    assert not breaker._prober.is_alive()
    assert not breaker.failed
    assert breaker.admits()


@pytest.mark.postgres
@pytest.mark.django_db
def test_statement_and_connect_timeouts_are_applied_to_postgres_connections():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] not in ("0", "0ms")
        cursor.execute("SHOW jit")  # off unless DB_JIT (see config/settings/base.py)
        assert cursor.fetchone()[0] == "off"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_past_the_timeout_is_cancelled():
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 100")
        try:
            with pytest.raises(OperationalError, match="statement timeout"):
                cursor.execute("SELECT pg_sleep(2)")
        finally:
            cursor.execute("RESET statement_timeout")
