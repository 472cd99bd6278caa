"""Unit-level pieces behind the fault tests: the Redis circuit breaker's states, the database timeouts."""

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


@pytest.mark.postgres
@pytest.mark.django_db
def test_statement_and_connect_timeouts_are_applied_to_postgres_connections():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] not in ("0", "0ms")


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
