"""Several SQL statements in one round trip to the database: PostgreSQL's simple query protocol.

A checkout's hot writes (variant stock, product stock) hold row locks from their UPDATE until
COMMIT. Sent one by one, each statement costs a round trip plus, on a busy server, the wait for
the interpreter lock of the Python thread that sent it; other checkouts of the same rows wait
behind all of that. Sent as one query string they cost one round trip.

Django's psycopg 3 cursor binds parameters on the client (`ClientCursor`, unless the database's
`OPTIONS["server_side_binding"]` is on), so `execute("s1; s2", params_1 + params_2)` is one
query string, and psycopg gives each statement's result set in turn (`nextset()`). Where the
cursors bind on the server (inside `apps.core.infra.db.prepared.prepared_statements()`), one
string cannot carry several statements with parameters: they go in one psycopg pipeline instead,
each prepared, still one round trip. Other databases (SQLite for the zero-configuration default)
run the statements one by one, with the same results.
"""

from collections.abc import Sequence

from django.db import connection

from apps.core.infra.db.prepared import binds_on_server

Statement = tuple[str, Sequence]
"""One SQL statement (placeholders `%s`, literal percent signs written `%%`) and its parameters."""

SEPARATOR = "; "
"""What `run_batch` joins its statements with into one query string."""


def batched() -> bool:
    """True when `run_batch` sends its statements in one round trip on the default connection (PostgreSQL)."""
    return connection.vendor == "postgresql"


def run_batch(statements: Sequence[Statement]) -> list[list[tuple]]:
    """Run `statements` in order on the default connection, in the caller's transaction.

    Each statement sees the effects of the ones before it (READ COMMITTED takes a snapshot per
    statement). An error in one aborts the whole transaction, as it would one by one.

    Args:
        statements: `(sql, params)` pairs; a statement must not end with ";".

    Returns:
        One list of row tuples per statement, in order (empty for a statement returning no rows).
    """
    if not statements:
        return []
    if not batched():
        with connection.cursor() as cursor:
            results = []
            for sql, params in statements:
                cursor.execute(sql, list(params))
                results.append(cursor.fetchall() if cursor.description is not None else [])
            return results
    if binds_on_server():
        return _run_pipeline(statements)
    with connection.cursor() as cursor:
        cursor.execute(SEPARATOR.join(sql for sql, _ in statements), [p for _, params in statements for p in params])
        results = []
        while True:
            results.append(cursor.fetchall() if cursor.description is not None else [])
            if not cursor.cursor.nextset():
                return results


def _run_pipeline(statements: Sequence[Statement]) -> list[list[tuple]]:
    """`run_batch` on a connection that binds on the server: one psycopg pipeline (one round trip, one sync),
    a cursor per statement so that each keeps its own rows; errors come out as Django's (e.g. IntegrityError)."""
    cursors = [connection.cursor() for _ in statements]  # connects, if need be
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, list(params))
        return [cursor.fetchall() if cursor.description is not None else [] for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def split_batch(sql: str, params: Sequence = ()) -> list[Statement]:
    """The statements of a query string `run_batch` sent (or any one statement), apart again, each with its share
    of `params` (its `%s` placeholders, in order). For the benchmarks, which explain each statement alone; a
    statement whose literals hold SEPARATOR would be cut there.
    """
    rest = list(params)
    out: list[Statement] = []
    for part in sql.split(SEPARATOR):
        n = part.count("%s")
        out.append((part, rest[:n]))
        rest = rest[n:]
    return out
