"""In-process timing of an uncached facets build, with each statement's time and plan.

    .venv/bin/python benchmarks/facets_build.py [--query category=audio] [--calls 50] [--explain]

Builds `FacetService._compute` (the cache bypassed) for the filters of `--query` (the facets
endpoint's query string, e.g. `category=audio&size=M`) on DATABASE_URL (default the `nexus_bench`
database; SELECTs only), `--calls` times after one warm-up call, and prints p50/p95 of:
  * build: the whole computation in this process (Django, psycopg, PostgreSQL);
  * sql: the time spent inside `cursor.execute` + fetch of its statements (wall clock, seen from Python);
  * floor: the statements of one build replayed alone, one after the other (their SQL floor).
`--explain` also prints EXPLAIN (ANALYZE, BUFFERS) of every statement of one build (those sent in one
round trip one by one).
Not part of the test suite: figures are printed, never asserted.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nexus_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402

from apps.core.containers import Container  # noqa: E402
from apps.core.infra.db.batch import split_batch  # noqa: E402
from apps.core.serializers.catalog.facets import FacetQuerySerializer  # noqa: E402
from apps.core.services.catalog import ProductFilters  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile (0..1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


class StatementLog:
    """A connection wrapper recording (sql, params, seconds) of every statement run through it."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, time.perf_counter() - start))


def _one_by_one(statements: list[tuple[str, object, float]]) -> list[tuple[str, list, float]]:
    """The statements with those a round trip sent together (`run_batch`) split apart (`split_batch`)."""
    return [
        (part, part_params, seconds)
        for sql, params, seconds in statements
        for part, part_params in split_batch(sql, params or ())
    ]


def main() -> None:
    """Parse the arguments, time the builds, print the figures (and plans)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="category=audio", help="the facets endpoint's query string")
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    service = Container().facet_service()
    query = FacetQuerySerializer(data=QueryDict(args.query))  # as the controller parses it
    query.is_valid(raise_exception=True)
    filters = ProductFilters(**query.validated_data)
    service._compute(filters)  # warm-up: connection, option slugs, category tree caches
    builds, sqls, floors = [], [], []
    last: StatementLog | None = None
    for _ in range(args.calls):
        log = StatementLog()
        with connection.execute_wrapper(log):
            start = time.perf_counter()
            result = service._compute(filters)
            builds.append(time.perf_counter() - start)
        sqls.append(sum(s[2] for s in log.statements))
        last = log
    assert last is not None
    with connection.cursor() as cursor:
        for _ in range(args.calls):
            start = time.perf_counter()
            for sql, params, _seconds in last.statements:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
            floors.append(time.perf_counter() - start)
    print(f"facets?{args.query}: {len(last.statements)} statements, estimate={result.get('count_is_estimate', False)}")
    print(
        f"count={result['count']} categories={len(result['categories'])} "
        f"option values={sum(len(v) for v in result['options'].values())}"
    )
    for name, values in (("build", builds), ("sql (in build)", sqls), ("floor (replayed)", floors)):
        ms = [v * 1000 for v in values]
        print(f"  {name:18s} p50 {statistics.median(ms):7.2f} ms   p95 {percentile(ms, 0.95):7.2f} ms")
    for sql, _params, seconds in last.statements:
        print(f"  {seconds * 1000:7.2f} ms  {sql[:150]}")
    if args.explain:
        with connection.cursor() as cursor:
            for sql, params, _seconds in _one_by_one(last.statements):
                if sql.lstrip().upper().startswith("EXPLAIN"):
                    continue
                print("\n-- " + sql.strip(), params)
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
