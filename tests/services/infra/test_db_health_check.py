"""The PostgreSQL backend's health check: no round trip for a connection known alive, a real one otherwise.

Real PostgreSQL, real sockets: a backend is terminated from another connection
(`pg_terminate_backend`), exactly what a server restart does to every connection.
"""

import select

import psycopg
import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql

from apps.core.infra.db.postgresql import base

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_checks(monkeypatch) -> list[int]:
    """Counts the health checks that reach PostgreSQL (Django's own `is_usable`, which runs SELECT 1)."""
    calls = []
    real = django_postgresql.DatabaseWrapper.is_usable

    def counted(self) -> bool:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", counted)
    return calls


def request_boundary() -> None:
    """What Django does between two requests on a persistent connection (request_finished/started)."""
    connection.close_if_unusable_or_obsolete()


def query() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid: int) -> None:
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's FATAL message and end of stream reach our socket (well within the check interval).
    select.select([connection.connection.fileno()], [], [], 0.5)


def test_the_engine_is_the_projects():
    assert isinstance(connections["default"], base.DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_connection_checked_within_the_interval_is_not_pinged(real_checks):
    pid = query()
    for _ in range(5):
        request_boundary()
        assert query() == pid
    assert real_checks == []


def test_after_the_interval_the_check_reaches_postgresql(real_checks, monkeypatch):
    pid = query()
    monkeypatch.setattr(base, "HEALTH_CHECK_INTERVAL_S", 0.0)
    request_boundary()
    assert query() == pid
    assert real_checks == [1]


def test_a_terminated_connection_is_replaced_before_the_next_query(real_checks):
    """Django's check would also catch this; skipping SELECT 1 blindly would raise OperationalError."""
    pid = query()
    terminate(pid)
    request_boundary()
    new_pid = query()  # no error: the health check saw the socket readable, pinged, failed, reconnected
    assert new_pid != pid
    assert real_checks == [1]


def test_after_an_error_the_check_always_reaches_postgresql(real_checks):
    query()
    with pytest.raises(Exception, match="no_such_table"), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert connection.errors_occurred
    request_boundary()
    assert real_checks == [1]
    assert connection.connection is not None
    assert not connection.errors_occurred
