"""In-process timing of the public product detail read: the ORM vs PrecompiledQuery vs prepared statements.

    .venv/bin/python benchmarks/detail_read.py [--calls 2000] [--rounds 5]

Reads products by id from the seeded catalog (DATABASE_URL, default the `nexus_bench` database;
SELECTs only) with the query of `ProductService` (alive, active, category joined), four ways:
  * orm: `queryset.get(pk=...)`, compiled to SQL by Django on every call;
  * precompiled: `apps.core.infra.precompiled.PrecompiledQuery` (SQL compiled once per connection);
  * orm_prepared / precompiled_prepared: the same on a second connection with server-side binding
    (`OPTIONS["server_side_binding"] = True`) and `OPTIONS["prepare_threshold"] = 0`, so psycopg 3
    runs every statement as a server-side prepared statement (PostgreSQL skips parsing and planning).
The variants run interleaved, `--rounds` times `--calls` calls each; the median round's
microseconds per call are printed: wall clock, and this process's CPU time (what Django's
compilation costs, the part a busy shared machine distorts least).
Not part of the test suite: figures are printed, never asserted.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nexus_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402

from apps.core.infra.precompiled import PrecompiledQuery  # noqa: E402
from apps.core.models.catalog import Product  # noqa: E402

PREPARED = "prepared"


def detail_queryset(pk: int, using: str = "default"):
    """The public detail query of ProductService for `pk` on the `using` connection."""
    return Product.objects.using(using).alive().filter(is_active=True, pk=pk).select_related("category").order_by()


def main() -> None:
    """Parse the arguments, time each variant, print a table of microseconds per call."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="reads per variant per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median is printed")
    args = parser.parse_args()
    if connections["default"].vendor != "postgresql":
        sys.exit("needs PostgreSQL (DATABASE_URL)")
    settings.DATABASES[PREPARED] = {
        **settings.DATABASES["default"],
        "OPTIONS": {**settings.DATABASES["default"]["OPTIONS"], "server_side_binding": True, "prepare_threshold": 0},
    }
    ids = list(Product.objects.filter(is_active=True, deleted_at__isnull=True).values_list("pk", flat=True)[:5000])
    random.seed(7)
    sample = [random.choice(ids) for _ in range(args.calls)]
    precompiled = PrecompiledQuery(lambda pk: detail_queryset(pk), -1)
    precompiled_prepared = PrecompiledQuery(lambda pk: detail_queryset(pk, PREPARED), -1, using=PREPARED)
    variants = {
        "orm": lambda pk: detail_queryset(pk).get(),
        "precompiled": precompiled.first,
        "orm_prepared": lambda pk: detail_queryset(pk, PREPARED).get(),
        "precompiled_prepared": precompiled_prepared.first,
    }
    for read in variants.values():  # warm: connect, compile, prepare
        for pk in sample[:50]:
            assert read(pk).pk == pk
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, read in variants.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            for pk in sample:
                read(pk)
            cpu[name].append((time.process_time() - started_cpu) / len(sample) * 1e6)
            wall[name].append((time.perf_counter() - started) / len(sample) * 1e6)
    print(f"public product detail read, {args.calls} calls x {args.rounds} rounds, median round (us per call)")
    print("| variant | wall us/call | client CPU us/call | wall, all rounds |")
    print("| --- | --- | --- | --- |")
    for name, rounds in wall.items():
        print(
            f"| {name} | {statistics.median(rounds):.0f} | {statistics.median(cpu[name]):.0f} "
            f"| {' '.join(f'{r:.0f}' for r in rounds)} |"
        )


if __name__ == "__main__":
    main()
