"""Django's PostgreSQL SQL compilers, whose multi-row INSERT uses UNNEST only from `UNNEST_MIN_ROWS` rows.

Django 5.2 sends every multi-row `bulk_create` on PostgreSQL as `INSERT ... SELECT * FROM
UNNEST(%s::type[], ...)`: one array parameter per column, whatever the row count, so PostgreSQL
plans one short statement instead of a `VALUES` list that grows with the rows. For a few rows it
costs more than it saves. Each column is sent as a list, which psycopg dumps in Python (it scans
every list to choose the element type), and with server-side prepared statements
(apps.core.infra.db.prepared) the planning it saves is paid once per connection anyway.

Measured with `OrderLine.objects.bulk_create` (12 columns, one statement, in a transaction;
CPU of the Python process per call, `time.thread_time()`):

| rows | UNNEST | VALUES | (prepared statements / client-side binding) |
| --- | --- | --- | --- |
| 3  | 0.49 / 0.49 ms | 0.31 / 0.37 ms | VALUES cheaper |
| 12 | 0.88 / 1.02 ms | 0.88 / 0.92 ms | even |
| 30 | 1.71 / 1.61 ms | 2.23 / 2.39 ms | UNNEST cheaper |

So below `UNNEST_MIN_ROWS` rows the insert is Django's generic `VALUES (...), (...)`, and from it
on, Django's UNNEST. An order's lines (3 in the checkout benchmark) are the hot case.
"""

from django.db.backends.postgresql.compiler import (  # noqa: F401 - the module Django's operations load
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as PostgresInsertCompiler
from django.db.models.sql.compiler import SQLInsertCompiler as GenericInsertCompiler

UNNEST_MIN_ROWS = 10
"""Rows from which a multi-row INSERT uses UNNEST (the two cost the same at ~12 rows; table above)."""

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]


class SQLInsertCompiler(PostgresInsertCompiler):
    """PostgreSQL's insert compiler with a `VALUES` list for fewer than `UNNEST_MIN_ROWS` rows."""

    def assemble_as_sql(self, fields, value_rows):
        """Placeholders and parameters of the rows: `VALUES` rows below `UNNEST_MIN_ROWS`, else Django's UNNEST."""
        if len(value_rows) < UNNEST_MIN_ROWS:
            return GenericInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
