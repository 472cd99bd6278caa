"""What the default connection sends PostgreSQL, read off libpq's protocol trace (psycopg's `pgconn.trace`)."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class Wire:
    """The frontend messages of a `traced()` block, one `(message, text)` pair per line of the trace."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def count(self, message: str) -> int:
        """How many `message`s (e.g. "Sync": round trips that end a statement or a pipeline; "Parse") were sent."""
        return sum(1 for name, _ in self.sent if name == message)

    def prepared(self) -> list[str]:
        """The texts of the named `Parse` messages (psycopg's prepared statements: `"_pg3_<n>" "<sql>" ...`)."""
        return [text for name, text in self.sent if name == "Parse" and text.startswith('"_pg3_')]

    def unnamed(self) -> list[str]:
        """The texts of the unnamed `Parse` messages: statements bound on the server but not prepared."""
        return [text for name, text in self.sent if name == "Parse" and text.startswith('""')]


@contextmanager
def traced() -> Iterator[Wire]:
    """Record the frontend messages the default connection (PostgreSQL) sends in the block."""
    from psycopg import pq

    connection.ensure_connection()
    wire = Wire()
    with tempfile.TemporaryFile("w+") as out:
        pgconn = connection.connection.pgconn
        pgconn.trace(out.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            yield wire
        finally:
            pgconn.untrace()
            out.seek(0)
            for line in out.read().splitlines():
                parts = line.split("\t")
                if len(parts) >= 3 and parts[0] == "F":
                    wire.sent.append((parts[2].strip(), "\t".join(parts[3:]).strip()))
