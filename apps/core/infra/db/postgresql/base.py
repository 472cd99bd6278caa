"""Django's PostgreSQL backend, whose health check skips the round trip for a connection known alive
(and whose few-row INSERTs use VALUES, not UNNEST: `compiler`).

With `CONN_HEALTH_CHECKS`, Django runs `SELECT 1` before the first query of every request on a
persistent connection: a full round trip to PostgreSQL (0.3-0.4 ms on the 2-core machines we
measure on; an eighth of the uncached product detail's 3 ms budget, issue 4). This backend
answers that check without the round trip when all of these hold:

- the connection passed a real check (or was opened) less than `HEALTH_CHECK_INTERVAL_S` ago;
- psycopg has not marked it closed or broken;
- its socket has nothing to read. An idle connection receives nothing unsolicited, except the
  server's last words: a restart or `pg_terminate_backend` sends a FATAL message and closes the
  socket, which makes it readable at once.

Otherwise, and always after an error in the request (Django's `close_if_unusable_or_obsolete`),
it runs Django's real check. The interval bounds how long a silently vanished server (no FIN,
no RST) goes unnoticed to the same as with Django's check: such a server also stalls `SELECT 1`.
The pool checks of other ecosystems work the same way (e.g. pgx's pool pings only connections
idle for more than a second).

Why not Django's own pool (psycopg_pool, `OPTIONS["pool"]`, `DB_POOL=true` in config.settings.base):
measured against it (README, Performance), it was no faster, and it was less resilient to a
PostgreSQL restart: with its per-checkout check (the round trip this backend skips) requests wait
for a connection during the outage instead of failing at once; without it, dead connections are
handed out after the restart (errors after recovery). This backend answered every request during
the outage at once (503) and none failed after it.
"""

import select
import time

from django.db.backends.postgresql import base, operations

HEALTH_CHECK_INTERVAL_S = 1.0


class DatabaseOperations(operations.DatabaseOperations):
    """Django's PostgreSQL operations with this package's compilers (`compiler.SQLInsertCompiler`)."""

    compiler_module = "apps.core.infra.db.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    """`django.db.backends.postgresql`'s wrapper with the cheaper `is_usable` described above.

    Select it with `ENGINE = "apps.core.infra.db.postgresql"` (config.settings.base does so for any
    PostgreSQL DATABASE_URL).
    """

    ops_class = DatabaseOperations
    _checked_at = float("-inf")

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self._checked_at = time.monotonic()
        return connection

    def is_usable(self) -> bool:
        """True when the connection works (see the module docstring for when no query is sent)."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if (
            not self.errors_occurred
            and time.monotonic() - self._checked_at < HEALTH_CHECK_INTERVAL_S
            and not _readable(connection.fileno())
        ):
            return True
        usable = super().is_usable()
        if usable:
            self._checked_at = time.monotonic()
        return usable


def _readable(fd: int) -> bool:
    """True when the socket has data or an end of stream waiting (a poll that does not block)."""
    try:
        ready, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return True  # let the real check decide
    return bool(ready)
