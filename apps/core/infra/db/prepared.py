"""Server-side prepared statements for a hot write path, without turning them on for every query.

Django's psycopg 3 connection binds parameters on the client (`ClientCursor`): each statement
reaches PostgreSQL as a new query string that it parses, analyses and plans again. On a checkout
(issue 12, ~17 statements) planning alone was a third of PostgreSQL's CPU. Inside
`prepared_statements()` the connection's cursors bind on the server instead (Django's own `ServerBindingCursor`, what
`OPTIONS["server_side_binding"]` selects for a whole connection) and psycopg prepares each
statement the second time it runs on the connection (`prepare_threshold = 1`: once would also
prepare the one-off `SAVEPOINT` commands, whose names are unique); a statement the connection has
prepared (psycopg keeps the last `prepared_max`, 100) skips the parse and, once
PostgreSQL's plan cache settles on a generic plan (after five executions, for the primary-key
and foreign-key lookups of such paths), the plan too. `apps.core.infra.db.batch.run_batch` sends
its statements in one pipeline there. Measured in the README's checkout section: PostgreSQL's CPU
per checkout fell from 6.8 to 3.3 ms; Python's is unchanged (binding on the server saves the quoting
and adds psycopg's bookkeeping of prepared statements).

Why a scope and not the connection option: the catalog's reads are planned for each request's own
values (a category's size decides between index paths, issue 11); a generic plan chosen by the
plan cache could be wrong for the next category. A checkout's statements look rows up by key.

`DB_PREPARED_STATEMENTS=false` turns it off: a pooler in transaction mode (PgBouncer before 1.21,
or without `max_prepared_statements`) does not keep a session's prepared statements.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PREPARE_THRESHOLD = 1
"""psycopg's `prepare_threshold` inside the scope: how many times a statement runs unprepared on a connection."""


def enabled(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when `prepared_statements()` changes anything on this database (PostgreSQL, setting on)."""
    return connections[using].vendor == "postgresql" and getattr(settings, "DB_PREPARED_STATEMENTS", True)


@contextmanager
def prepared_statements(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, the connection's new cursors bind on the server and prepare each statement.

    Nests, and restores the connection's own cursor class and threshold on the way out (also when
    the block raises). A no-op off PostgreSQL and with `DB_PREPARED_STATEMENTS=false`. Cursors
    opened before the block keep binding on the client.

    Args:
        using: the database alias.
    """
    if not enabled(using):
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # imports psycopg

    wrapper = connections[using]
    wrapper.ensure_connection()
    raw = wrapper.connection
    saved = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, PREPARE_THRESHOLD
    try:
        yield
    finally:
        if not raw.closed:  # a broken connection is replaced by a new one with Django's defaults
            raw.cursor_factory, raw.prepare_threshold = saved


def binds_on_server(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when the connection's cursors bind parameters on the server now (inside `prepared_statements()`,
    or with `OPTIONS["server_side_binding"]`): several statements then cannot share one query string."""
    wrapper = connections[using]
    if wrapper.vendor != "postgresql":
        return False
    if wrapper.connection is None:
        return bool(wrapper.settings_dict["OPTIONS"].get("server_side_binding"))
    import psycopg

    return not issubclass(wrapper.connection.cursor_factory, psycopg.ClientCursor)
