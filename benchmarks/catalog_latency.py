"""Latency of a filtered, searched, ordered product list on the DummyJSON catalog behind gunicorn.

    .venv/bin/python benchmarks/catalog_latency.py --prepare        # create/migrate/load, serve, measure
    .venv/bin/python benchmarks/catalog_latency.py --url http://127.0.0.1:8000   # an already running server

Measures `GET /api/products/?category=...&min_price=...&search=...&ordering=...`:
  * uncached: every request carries a distinct (result-neutral) `max_price`, so its cache key is
    new and the server builds the page from PostgreSQL each time;
  * cached: one URL, warmed once, then served from Redis.
Each is measured two ways: sequential requests from one keep-alive client (per-request timings
in Python: median, p95, p99), and `wrk` with a few concurrent connections when it is on the PATH
(p50/p95/p99 and requests per second; the Lua script is generated into a temp file).

Without `--url` the script starts its own gunicorn (`config.wsgi`, production settings with
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,localhost, SECURE_SSL_REDIRECT=false and the anonymous
throttles lifted so the load is not answered with 429s) on `--port`, against `--database-url`
(default: the `nexus_catalog_bench` database) and `--redis-url`, and stops it at the end.
`--prepare` first creates that database when missing, migrates it and runs `load_catalog` on
`$NEXUS_SHARED_DIR/data/dummyjson/products.json` (default `../shared/...`). Figures are printed,
never asserted: this is not part of the test suite.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

WRK_LUA = r"""
-- Uncached mode: a distinct max_price per request (every thread its own range), same result set.
local counter, thread_id = 0, 0
local base = os.getenv("BENCH_PATH")
local run = tonumber(os.getenv("BENCH_RUN") or "0")
local distinct = os.getenv("BENCH_DISTINCT") == "1"
local next_id = 0
setup = function(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end
request = function()
  local path = base
  if distinct then
    counter = counter + 1
    local whole = run + thread_id * 100000 + math.floor(counter / 100)
    path = string.format("%s&max_price=%d.%02d", base, whole, counter % 100)
  end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format(
    'WRKJSON {"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"errors": %d, "non2xx": %d}\n',
    summary.requests, summary.requests / s, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="measure this running server instead of starting gunicorn")
    parser.add_argument("--prepare", action="store_true", help="create, migrate and load the bench database first")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nexus_catalog_bench"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"))
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--category", default="smartphones")
    parser.add_argument("--min-price", default="100")
    parser.add_argument("--search", default="smartphone")
    parser.add_argument("--ordering", default="-price")
    parser.add_argument("--requests", type=int, default=400, help="sequential requests per mode")
    parser.add_argument("--wrk-connections", type=int, default=4)
    parser.add_argument("--wrk-duration-s", type=int, default=10)
    return parser.parse_args()


def server_env(args: argparse.Namespace) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "THROTTLE_RATE_ANON": "100000000/min",
        "THROTTLE_RATE_USER": "100000000/min",  # DRF's user throttle also counts anonymous clients by address
        "LOG_LEVEL": "WARNING",
    }


def prepare(args: argparse.Namespace) -> None:
    """Create the bench database when missing, migrate it and load the DummyJSON catalog."""
    import psycopg

    parsed = urllib.parse.urlparse(args.database_url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    shared = Path(os.environ.get("NEXUS_SHARED_DIR", ROOT.parent / "shared"))
    catalog = shared / "data" / "dummyjson" / "products.json"
    env = server_env(args)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "load_catalog", str(catalog)], cwd=ROOT, env=env, check=True)


def start_gunicorn(args: argparse.Namespace) -> subprocess.Popen:
    command = [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers)]
    process = subprocess.Popen(command, cwd=ROOT, env=server_env(args))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def sequential(host: str, port: int, paths: list[str]) -> list[float]:
    """Send the paths one after the other on one keep-alive connection; per-request ms."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    timings = []
    for path in paths:
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        timings.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status} {body[:200]!r}")
    conn.close()
    return timings


def run_wrk(url: str, path: str, *, distinct: bool, args: argparse.Namespace) -> dict | None:
    if not shutil.which("wrk"):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(WRK_LUA)
    run = str(random.randrange(10**6, 10**9))  # a fresh key range: earlier runs' entries never hit
    env = {**os.environ, "BENCH_PATH": path, "BENCH_DISTINCT": "1" if distinct else "0", "BENCH_RUN": run}
    command = ["wrk", "-t", "2", "-c", str(args.wrk_connections), "-d", f"{args.wrk_duration_s}s", "-s", lua.name, url]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    finally:
        os.unlink(lua.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON "))


def main() -> None:
    args = parse_args()
    if args.prepare:
        prepare(args)
    process = None if args.url else start_gunicorn(args)
    url = args.url or f"http://127.0.0.1:{args.port}"
    parsed = urllib.parse.urlparse(url)
    query = urllib.parse.urlencode(
        {"category": args.category, "min_price": args.min_price, "search": args.search, "ordering": args.ordering}
    )
    path = f"/api/products/?{query}"
    try:
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=30)
        conn.request("GET", path)
        first = conn.getresponse()
        body = json.loads(first.read())
        if first.status != 200 or not body.get("count"):
            raise SystemExit(f"{path}: HTTP {first.status}, count {body.get('count')}: pick a query with results")
        print(f"GET {path}\n  -> {body['count']} products, first: {body['results'][0]['name']!r}\n")

        n = args.requests
        # max_price far above every price: the same rows, a new cache key per request (random base per run).
        base = random.randrange(10**6, 10**9)
        uncached_paths = [f"{path}&max_price={base + i / 100:.2f}" for i in range(n + 20)]
        sequential(parsed.hostname, parsed.port or 80, uncached_paths[:20])  # warm workers and connections
        results = {
            "uncached": sequential(parsed.hostname, parsed.port or 80, uncached_paths[20:]),
            "cached": sequential(parsed.hostname, parsed.port or 80, [path] * n),
        }
        print(f"Sequential, one keep-alive client, {n} requests each (ms):")
        print(f"  {'mode':<9} {'median':>8} {'p95':>8} {'p99':>8} {'mean':>8} {'min':>8}")
        for mode, timings in results.items():
            print(
                f"  {mode:<9} {statistics.median(timings):8.2f} {percentile(timings, 95):8.2f} "
                f"{percentile(timings, 99):8.2f} {statistics.fmean(timings):8.2f} {min(timings):8.2f}"
            )
        wrk_rows = {mode: run_wrk(url, path, distinct=mode == "uncached", args=args) for mode in results}
        if all(wrk_rows.values()):
            print(
                f"\nwrk, 2 threads, {args.wrk_connections} connections, {args.wrk_duration_s} s each "
                f"(gunicorn --workers {args.workers}):"
            )
            print(f"  {'mode':<9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>7} {'non2xx':>7}")
            for mode, row in wrk_rows.items():
                print(
                    f"  {mode:<9} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['p99_ms']:8.2f} {row['rps']:8.1f} "
                    f"{row['errors']:7d} {row['non2xx']:7d}"
                )
        else:
            print("\n(wrk not on the PATH: apt-get install -y wrk for the concurrent figures)")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
