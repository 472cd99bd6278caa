"""Benchmark of the public product reads on a seeded catalog (not part of the test suite).

    .venv/bin/python benchmarks/run.py            # or: make bench

Needs PostgreSQL and Redis (DATABASE_URL, default the `nexus_bench` database; REDIS_URL, default
Redis DB 6) holding a catalog made by `manage.py seed_catalog --products 1000000` (pass
`--seed-catalog` to create it when the database has fewer products), and `wrk` on the PATH
(`apt-get install -y wrk`).

It starts two gunicorn servers on the same database and Redis, each with its own cache key
prefix: one as deployed (responses cached) and one with LIST_CACHE_TIMEOUT_S=0 (nothing is
cached: every request builds its page, counts included, and still pays the cache lookups).
For each scenario of issues 4 and 11 (option filters, rating, facets of a ~40k-product category and
of a leaf category) it measures with wrk:
  * uncached: p50/p95/p99 latency with one client, then throughput with 16 clients;
  * cache hits: the same on the caching server, after one warming request;
  * the SQL floor: the exact statements one uncached request runs (captured in-process),
    replayed alone on one connection, p50/p95;
and prints the EXPLAIN ANALYZE plan of each statement (and flags any sequential scan on
core_product, core_productvariant or core_variantoption). A markdown table goes to benchmarks/results/ and to stdout.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
LUA = ROOT / "benchmarks" / "wrk_report.lua"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nexus_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
# The servers and this process sign cursors with the same key (the cursor scenario's token is made here).
BENCH_SECRET_KEY = "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
os.environ["SECRET_KEY"] = BENCH_SECRET_KEY

import django  # noqa: E402

django.setup()

from django.apps import apps as django_apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache.backends.dummy import DummyCache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.core.infra.db.batch import split_batch  # noqa: E402
from apps.core.infra.pagination import encode_cursor  # noqa: E402
from apps.core.infra.versioned_cache import VersionedCache  # noqa: E402
from apps.core.management.commands.seed_catalog import line_word  # noqa: E402
from apps.core.models.catalog import Category, Product  # noqa: E402
from apps.core.services.catalog import CatalogCache, FacetService, ProductLister  # noqa: E402
from apps.core.services.catalog.option_filters import selection_from  # noqa: E402
from apps.core.services.catalog.products import ProductFilters, ProductService  # noqa: E402

# issue 4's table: the textbook implementation on the same kind of machine (p50, p95 ms; req/s with 16 clients)
TEXTBOOK = {
    "list": (288, 379, 4.5),
    "category_price": (100, 183, 15.6),
    "search_common": (2503, 2630, 0.2),
    "search_rare": (4886, 4886, 0.2),
    "page_2000": (220, 293, 4.2),
    "detail": (7.5, 11.8, 275),
    "in_stock_price": (237, 289, 5.3),
}
SEQ_SCAN = re.compile(r"Seq Scan on core_(product|productvariant|variantoption)\b")  # product and variant tables
FACETS = "facets"  # the `filters` slot of a facets scenario holds (FACETS, ProductFilters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=1_000_000, help="catalog size expected (or seeded)")
    parser.add_argument("--seed-catalog", action="store_true", help="seed the catalog when it is smaller")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--port", type=int, default=18_940, help="first of the two ports used")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (one per core)")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--only", nargs="*", default=None, help="scenario names to run")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per measurement; the median one is reported (noisy machines)"
    )
    args = parser.parse_args()

    have = Product.objects.count()
    if have < args.products:
        if not args.seed_catalog:
            sys.exit(f"The catalog has {have} products; run with --seed-catalog or seed_catalog first.")
        call_command("seed_catalog", products=args.products, clear=True)
    scenarios = discover_scenarios()
    if args.only:
        scenarios = {k: v for k, v in scenarios.items() if k in args.only}

    cached = Server(args.port, args, cache_timeout_s=600)
    uncached = Server(args.port + 1, args, cache_timeout_s=0)
    rows, plans = [], []
    try:
        cached.start()
        uncached.start()
        for name, (path, filters, page, cursor) in scenarios.items():
            print(f"--- {name}: {path}", flush=True)
            wrk(uncached.url(path), 1, 2)  # warm the workers' connections and PostgreSQL's buffers
            cold1 = median_run(uncached.url(path), 1, args, by="p95_ms")
            cold16 = median_run(uncached.url(path), 16, args, by="rps")
            etag = warm(cached.url(path))
            hot1 = median_run(cached.url(path), 1, args, by="p95_ms")
            hot16 = median_run(cached.url(path), 16, args, by="rps")
            if isinstance(filters, tuple) and filters[0] == FACETS:
                floor, plan_text, seq = facets_floor(filters[1])
            elif filters is not None:
                floor, plan_text, seq = sql_floor(filters, page, cursor)
            else:
                floor, plan_text, seq = detail_floor(path)
            plans.append((name, path, plan_text))
            rows.append((name, path, cold1, cold16, hot1, hot16, floor, seq))
            if name == "list":
                not_modified = median_run(cached.url(path), 16, args, by="rps", etag=etag)
                rows.append(("list_304", path + " (If-None-Match)", None, None, None, not_modified, None, seq))
    finally:
        cached.stop()
        uncached.stop()
    report = render(rows, plans, args, have=max(have, Product.objects.count()))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(UTC):%Y%m%d-%H%M}.md"
    out.write_text(report)
    print(report)
    print(f"written to {out.relative_to(ROOT)}")


def discover_scenarios() -> dict:
    """The issue's scenarios with parameters found in this catalog: (path, filters, page, cursor)."""
    root = (
        Category.objects.filter(parent__isnull=True, deleted_at__isnull=True, children__isnull=False)
        .order_by("slug")
        .first()
    )
    leaf = root.children.filter(deleted_at__isnull=True).order_by("slug").first()  # ~4,000 products: exact facets
    common = common_word(0.28)
    rare = line_word(1234)
    public = Product.objects.filter(deleted_at__isnull=True, is_active=True)
    detail_id = public.order_by("id").values_list("id", flat=True)[500]
    service = uncached_product_service()
    deep = service.list_page(ProductFilters(), page=2000, page_size=20)
    key = deep.items[-1]
    cursor = encode_cursor(
        {"ordering": "-created_at", "direction": "next", "segment": 0, "key": [key.created_at.isoformat(), key.id]}
    )
    cat = ProductFilters(category=root.slug, min_price=100, max_price=500, ordering="-price")
    return {
        "list": ("/api/products/", ProductFilters(), 1, None),
        "category_price": (
            f"/api/products/?category={root.slug}&min_price=100&max_price=500&ordering=-price",
            cat,
            1,
            None,
        ),
        "search_common": (f"/api/products/?search={common}", ProductFilters(search=common), 1, None),
        "search_rare": (f"/api/products/?search={rare}", ProductFilters(search=rare), 1, None),
        "page_2000": ("/api/products/?page=2000", ProductFilters(), 2000, None),
        "cursor_40k": (f"/api/products/?cursor={cursor}", ProductFilters(), 1, cursor),
        "detail": (f"/api/products/{detail_id}/", None, None, None),
        "in_stock_price": (
            "/api/products/?in_stock=true&ordering=price",
            ProductFilters(in_stock=True, ordering="price"),
            1,
            None,
        ),
        # issue 11: option filters matched on one variant, rating filter and order, facets of a ~40k category
        "size_color": (
            "/api/products/?size=M&color=black",
            ProductFilters(options=selection_from({"size": ["M"], "color": ["black"]})),
            1,
            None,
        ),
        "rating_desc": (
            "/api/products/?min_rating=4&ordering=-rating",
            ProductFilters(min_rating=4, ordering="-rating"),
            1,
            None,
        ),
        "facets_category": (
            f"/api/products/facets/?category={root.slug}",
            (FACETS, ProductFilters(category=root.slug)),
            None,
            None,
        ),
        # a facets request for a leaf category (under PRODUCT_FACET_EXACT_LIMIT: exact counts), a list
        # scenario for the targets (p95 <= 25 ms)
        "facets_leaf": (
            f"/api/products/facets/?category={leaf.slug}",
            (FACETS, ProductFilters(category=leaf.slug)),
            None,
            None,
        ),
    }


def common_word(share: float) -> str:
    """A word of descriptions found in about `share` of the products (from a 2% sample)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat($$SELECT search_vector FROM core_product TABLESAMPLE SYSTEM (2) "
            "REPEATABLE (7) WHERE deleted_at IS NULL AND is_active$$) WHERE length(word) >= 4"
        )
        stats = cursor.fetchall()
        cursor.execute(
            "SELECT count(*) FROM core_product TABLESAMPLE SYSTEM (2) REPEATABLE (7) "
            "WHERE deleted_at IS NULL AND is_active"
        )
        sample = cursor.fetchone()[0]
    return min(stats, key=lambda s: abs(s[1] / sample - share))[0]


class Server:
    """A gunicorn serving the project on 127.0.0.1:port."""

    def __init__(self, port: int, args, *, cache_timeout_s: int) -> None:
        self.port, self.args, self.cache_timeout_s, self.proc = port, args, cache_timeout_s, None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": BENCH_SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "THROTTLE_RATE_ANON": "1000000/s",
            "THROTTLE_RATE_USER": "1000000/s",
            "LOG_LEVEL": "WARNING",
            "ACCESS_LOG_LEVEL": "WARNING",  # no access-log line per request (when the app writes one)
            "DB_CONN_MAX_AGE_S": "600",
            "LIST_CACHE_TIMEOUT_S": str(self.cache_timeout_s),
            # Each server has its own keys: the uncached one must never read what the cached one stored.
            "CACHE_KEY_PREFIX": f"bench{self.port}",
        }
        cmd = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.args.workers), "--worker-class", "gthread", "--threads", str(self.args.threads),
            "--keep-alive", "30", "--log-level", "warning",
            "--reuse-port",  # as deployed (docker/gunicorn.conf.py): connections spread evenly over workers
        ]  # fmt: skip
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn on port {self.port} did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def warm(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return response.headers["ETag"]


def median_run(url: str, clients: int, args, *, by: str, etag: str | None = None) -> dict:
    """`args.repeat` wrk runs of `url`; returns the run whose `by` figure ("p95_ms", "rps") is the median."""
    runs = [wrk(url, clients, args.duration, etag=etag) for _ in range(max(args.repeat, 1))]
    return sorted(runs, key=lambda r: r[by])[len(runs) // 2]


def wrk(url: str, clients: int, duration_s: int, *, etag: str | None = None) -> dict:
    """One wrk run; returns {"rps", "p50_ms", "p95_ms", "p99_ms", "requests", "non2xx", "errors"}."""
    threads = min(clients, 2)
    cmd = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{duration_s}s", "--timeout", "10s"]
    cmd += ["-s", str(LUA), url]
    env = {**os.environ, "BENCH_IF_NONE_MATCH": etag or ""}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    result = json.loads(line.removeprefix("WRKJSON "))
    if etag:  # wrk counts 304 as non-2xx: they are the expected answers here
        result["non2xx"] = 0
    return result


def _replay(statements: list[str], repeat: int = 30) -> list[float]:
    """Milliseconds to run the statements in one transaction (the request's own), `repeat` times."""
    timings = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute("BEGIN")
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
            cursor.execute("COMMIT")
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def _plans(statements: list[str]) -> tuple[str, bool]:
    """EXPLAIN ANALYZE of each statement (those a round trip sent together one by one, see `run_batch`)."""
    text, seq = [], False
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        for sql, _params in (part for batch in statements for part in split_batch(batch)):
            if sql.startswith("EXPLAIN"):
                continue
            if "set_config" in sql:
                cursor.execute(sql)
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            seq = seq or bool(SEQ_SCAN.search(plan))
            text.append(f"-- {sql}\n{plan}")
        cursor.execute("COMMIT")
    return "\n\n".join(text), seq


def uncached_product_service() -> ProductService:
    """A ProductService whose cache stores nothing (every read builds, counts included)."""
    cache = VersionedCache(DummyCache("bench", {}), 1)
    container = django_apps.get_app_config("core").container
    return container.product_service(
        lister=ProductLister(cache, settings.PRODUCT_COUNT_EXACT_LIMIT), catalog_cache=CatalogCache(cache)
    )


def sql_floor(filters, page, cursor) -> tuple[dict, str, bool]:
    """The statements of one uncached list request, replayed alone: p50/p95 ms, plans, any seq scan."""
    service = uncached_product_service()
    with CaptureQueriesContext(connection) as captured:
        service.list_page(filters, page=page, page_size=20, cursor=cursor)
    statements = [q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    timings = _replay(statements)
    plan_text, seq = _plans(statements)
    return _summary(timings), plan_text, seq


def facets_floor(filters) -> tuple[dict, str, bool]:
    """The statements of one uncached facets request, replayed alone: p50/p95 ms, plans, any seq scan."""
    cache = VersionedCache(DummyCache("bench", {}), 1)
    service = FacetService(
        ProductLister(cache, settings.PRODUCT_COUNT_EXACT_LIMIT),
        cache,
        settings.PRODUCT_FACET_EXACT_LIMIT,
        settings.PRODUCT_FACET_SAMPLE_ROWS,
    )
    with CaptureQueriesContext(connection) as captured:
        service.facets(filters)
    statements = [q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    plan_text, seq = _plans(statements)
    return _summary(_replay(statements)), plan_text, seq


def detail_floor(path: str) -> tuple[dict, str, bool]:
    product_id = int(path.rstrip("/").rsplit("/", 1)[1])
    service = uncached_product_service()
    with CaptureQueriesContext(connection) as captured:
        service.get(product_id)
    statements = [q["sql"] for q in captured.captured_queries]
    plan_text, seq = _plans(statements)
    return _summary(_replay(statements)), plan_text, seq


def _summary(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {"p50_ms": statistics.median(ordered), "p95_ms": ordered[int(len(ordered) * 0.95) - 1]}


def _lat(r: dict | None) -> str:
    return "" if r is None else f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} / {r['p99_ms']:.1f}"


def _rps(r: dict | None) -> str:
    if r is None:
        return ""
    bad = r["non2xx"] + r["errors"]
    return f"{r['rps']:.0f}" + (f" ({bad} errors)" if bad else "")


def render(rows, plans, args, *, have: int) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f"# Product read benchmark, {when}",
        "",
        f"{have:,} products; gunicorn {args.workers} workers x {args.threads} threads (gthread) on PostgreSQL + Redis;"
        f" wrk, {args.duration}s per run, median of {args.repeat} run(s) per figure."
        f" Machine: {os.cpu_count()} cores shared with other work (figures are noisy).",
        "Latency p50 / p95 / p99 in ms with one client; throughput in requests/s with 16 clients.",
        "",
        "| scenario | uncached p50/p95/p99 | uncached req/s | cached p50/p95/p99 | cached req/s "
        "| SQL floor p50/p95 | textbook p50/p95, req/s | seq scan |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, _path, cold1, cold16, hot1, hot16, floor, seq in rows:
        book = TEXTBOOK.get(name)
        book_text = f"{book[0]} / {book[1]}, {book[2]}" if book else ""
        floor_text = f"{floor['p50_ms']:.2f} / {floor['p95_ms']:.2f}" if floor else ""
        out.append(
            f"| {name} | {_lat(cold1)} | {_rps(cold16)} | {_lat(hot1)} | {_rps(hot16)} | {floor_text} "
            f"| {book_text} | {'YES' if seq else 'no'} |"
        )
    out += ["", "Scenarios:", ""]
    out += [f"- `{name}`: `{path}`" for name, path, *_ in rows]
    out += ["", "## Targets", ""]
    lists = [r for r in rows if r[2] is not None and r[0] not in ("detail", "facets_category")]  # facets_leaf is in
    facets = next((r for r in rows if r[0] == "facets_category"), None)
    detail = next((r for r in rows if r[0] == "detail"), None)
    hot = [r for r in rows if r[5] is not None]
    coolest = min(hot, key=lambda r: r[5]["rps"])
    if lists:
        worst = max(lists, key=lambda r: r[2]["p95_ms"])
        out.append(f"- every list/search p95 <= 25 ms uncached: worst {worst[0]} {worst[2]['p95_ms']:.1f} ms")
    if facets:
        out.append(f"- facets of a ~40k-product category p95 <= 50 ms uncached: {facets[2]['p95_ms']:.1f} ms")
    if detail:
        out.append(f"- detail p50 <= 3 ms: {detail[2]['p50_ms']:.2f} ms uncached, {detail[4]['p50_ms']:.2f} ms cached")
    out.append(f"- cached >= 1,500 req/s with 16 clients: lowest {coolest[0]} {coolest[5]['rps']:.0f} req/s")
    out.append(
        "- sequential scan on a product or variant table (core_product, core_productvariant, core_variantoption)"
        f" in any plan: {'YES' if any(r[7] for r in rows) else 'none'}"
    )
    out += ["", "## Plans (EXPLAIN ANALYZE of each statement of one uncached request)", ""]
    for name, path, plan_text in plans:
        out += [f"### {name} `{path}`", "", "```", plan_text, "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    main()
