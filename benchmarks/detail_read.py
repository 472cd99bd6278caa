"""In-process timing of the public product detail read: the ORM vs PrecompiledQuery vs prepared statements.

    .venv/bin/python benchmarks/detail_read.py [--calls 2000] [--rounds 5]
    .venv/bin/python benchmarks/detail_read.py --whole [--calls 1000]

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

`--whole` times the whole uncached detail instead (issue 11), `--calls` calls over the first 50
public products with at least 3 live variants and 2 images, each call timed on its own: the
request through `django.test.Client` (middleware, DRF, throttle, cache miss; the response cache
is off, `LIST_CACHE_TIMEOUT_S=0`), `ProductService.get` alone and the serializer alone; it prints
the median and p95 in milliseconds of wall clock and of process CPU, and the request's queries.
Set REDIS_URL to measure with Redis (the throttle and the cache lookup), as deployed; the access
log (a JSON line per request, on stderr) stays on: send it to /dev/null.
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
if "--whole" in sys.argv:  # the request path: nothing cached, no throttling
    os.environ["LIST_CACHE_TIMEOUT_S"] = "0"
    os.environ["THROTTLE_RATE_ANON"] = os.environ["THROTTLE_RATE_USER"] = "100000000/min"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402

from apps.core.infra.precompiled import PrecompiledQuery  # noqa: E402
from apps.core.models.catalog import Product  # noqa: E402

PREPARED = "prepared"

RICH_PRODUCTS = """
SELECT p.id FROM core_product p
WHERE p.deleted_at IS NULL AND (p.is_active OR p.status = 'discontinued')
  AND (SELECT count(*) FROM core_productvariant v WHERE v.product_id = p.id AND v.deleted_at IS NULL) >= 3
  AND (SELECT count(*) FROM core_productimage i WHERE i.product_id = p.id) >= 2
ORDER BY p.id LIMIT 50
"""


def detail_queryset(pk: int, using: str = "default"):
    """The public detail query of ProductService for `pk` on the `using` connection."""
    return Product.objects.using(using).alive().filter(is_active=True, pk=pk).select_related("category").order_by()


def main() -> None:
    """Parse the arguments, time each variant, print a table of microseconds per call."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="reads per variant per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median is printed")
    parser.add_argument("--whole", action="store_true", help="time the whole uncached detail (see the docstring)")
    args = parser.parse_args()
    if connections["default"].vendor != "postgresql":
        sys.exit("needs PostgreSQL (DATABASE_URL)")
    if args.whole:
        whole_detail(args.calls)
        return
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


def whole_detail(calls: int) -> None:
    """Time the uncached detail request, `ProductService.get` and the serializer; print a table (ms)."""
    from django.apps import apps
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from apps.core.serializers.catalog import ProductDetailOutputSerializer

    with connections["default"].cursor() as cursor:
        cursor.execute(RICH_PRODUCTS)
        ids = [row[0] for row in cursor.fetchall()]
    service = apps.get_app_config("core").container.product_service()
    client = Client()

    def request(pk: int) -> None:
        response = client.get(f"/api/products/{pk}/")
        assert response.status_code == 200, response.content

    for pk in ids:  # warm: connect, compile
        request(pk)
    with CaptureQueriesContext(connections["default"]) as queries:
        request(ids[0])
    products = {pk: service.get(pk) for pk in ids}
    parts = {
        "request (django.test.Client)": request,
        "ProductService.get": service.get,
        "serializer .data": lambda pk: ProductDetailOutputSerializer(products[pk]).data,
    }
    print(f"uncached product detail, {calls} calls over {len(ids)} products (ids {ids[0]}..{ids[-1]}), ms per call;")
    print(f"queries per request: {len(queries)}")
    print("| part | wall p50 | wall p95 | CPU p50 | CPU p95 |")
    print("| --- | --- | --- | --- | --- |")
    for name, call in parts.items():
        wall, cpu = [], []
        for i in range(calls):
            pk = ids[i % len(ids)]
            started, started_cpu = time.perf_counter(), time.process_time()
            call(pk)
            cpu.append((time.process_time() - started_cpu) * 1e3)
            wall.append((time.perf_counter() - started) * 1e3)
        print(f"| {name} | {_p(wall, 0.5):.2f} | {_p(wall, 0.95):.2f} | {_p(cpu, 0.5):.2f} | {_p(cpu, 0.95):.2f} |")


def _p(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


if __name__ == "__main__":
    main()
