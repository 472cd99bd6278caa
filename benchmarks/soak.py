"""Sustained-load benchmark of gunicorn configurations (issue 9 item 12; not part of the test suite).

    .venv/bin/python benchmarks/soak.py [--duration 60] [--clients 32] [--only defaults threads]

For each configuration it starts gunicorn with docker/gunicorn.conf.py (production settings,
loopback only) on the database of DATABASE_URL (default `nexus_soak_bench`; seed it first, e.g.
`manage.py migrate && manage.py seed_catalog --products 20000`) and Redis at REDIS_URL, then
runs `wrk` (`apt-get install -y wrk`) for `--duration` seconds with `--clients` keep-alive
connections over a mix of product reads: details, lists, a category filter, searches and deep
pages (paths found through the API itself). It prints, per configuration: requests/s, p50/p95/p99
latency, wrk's socket errors (connect, read, write, timeout), non-2xx answers and how many
workers booted during the run (gunicorn's "Booting worker" lines). A markdown table goes to
stdout and to benchmarks/results/soak-<time>.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
LUA = ROOT / "benchmarks" / "wrk_mix.lua"
SECRET_KEY = "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
THREADED = {"GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "8"}
RECYCLE_1000 = {"GUNICORN_MAX_REQUESTS": "1000", "GUNICORN_MAX_REQUESTS_JITTER": "100"}
NO_GUARD = {"GUNICORN_MAX_WORKER_MEMORY_MB": "0"}
# name -> (what it is, environment on top of the defaults of docker/gunicorn.conf.py)
CONFIGS = {
    "old-defaults": ("before: 5 sync workers, `max_requests` 1000 (jitter 100)", {**RECYCLE_1000, **NO_GUARD}),
    "defaults": ("now: 5 sync workers, no `max_requests`, memory guard 512 MiB", {}),
    "threads-reuseport-recycle": (
        "before, threaded: 2 workers x 8 threads, SO_REUSEPORT, `max_requests` 1000",
        {**THREADED, **RECYCLE_1000, **NO_GUARD, "GUNICORN_REUSE_PORT": "1"},
    ),
    "threads-reuseport": (
        "2 x 8, SO_REUSEPORT, no `max_requests`, memory guard",
        {**THREADED, "GUNICORN_REUSE_PORT": "1"},
    ),
    "threads": ("now, threaded: 2 x 8, shared socket, no `max_requests`, memory guard", THREADED),
    "threads-recycle": (
        "2 x 8, shared socket, `max_requests` 1000 (jitter 500), memory guard",
        {**THREADED, "GUNICORN_MAX_REQUESTS": "1000"},
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per configuration")
    parser.add_argument("--clients", type=int, default=32, help="keep-alive connections (wrk -c)")
    parser.add_argument("--port", type=int, default=18_960, help="port of the servers (one at a time)")
    parser.add_argument("--only", nargs="*", default=None, help="configuration names to run")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nexus_soak_bench"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6"),
    }
    rows = []
    with tempfile.TemporaryDirectory(prefix="nexus-soak-") as tmp:
        for name, (label, overrides) in CONFIGS.items():
            if args.only and name not in args.only:
                continue
            print(f"--- {name}: {label}", flush=True)
            result = run_config(name, overrides, env, args, Path(tmp))
            print(json.dumps(result), flush=True)
            rows.append((name, label, result))
    report = render(rows, args, env)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"soak-{datetime.now(UTC):%Y%m%d-%H%M}.md"
    out.write_text(report)
    print(report)
    print(f"written to {out.relative_to(ROOT)}")


def run_config(name: str, overrides: dict, env: dict, args, tmp: Path) -> dict:
    """Serve with one configuration, load it with wrk; returns wrk's summary plus `boots` (workers started)."""
    url = f"http://127.0.0.1:{args.port}"
    log_path = tmp / f"{name}.log"
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_RATE_ANON": "1000000/s",
        "THROTTLE_RATE_USER": "1000000/s",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG_LEVEL": "WARNING",
        "CACHE_KEY_PREFIX": f"soak-{name}-{os.getpid()}",  # each configuration starts with a cold cache
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_LOG_LEVEL": "info",  # "Booting worker" lines are counted
        **overrides,
    }
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "docker" / "gunicorn.conf.py"), "config.wsgi"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url)
        paths_file = tmp / "paths.txt"
        paths_file.write_text("\n".join(discover_paths(url)) + "\n")
        wrk(url, paths_file, clients=args.clients, duration_s=5)  # warm-up: every worker booted and connected
        boots_before = log_path.read_text(errors="replace").count("Booting worker")
        result = wrk(url, paths_file, clients=args.clients, duration_s=args.duration)
        result["boots"] = log_path.read_text(errors="replace").count("Booting worker") - boots_before
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return result


def wait_healthy(url: str, timeout_s: float = 60) -> None:
    """Return once GET /healthz answers; raises RuntimeError after `timeout_s` seconds."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn at {url} did not start")


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def discover_paths(url: str) -> list[str]:
    """The read mix, from the catalog the server serves: 20 details, lists, filters, searches, deep pages."""
    first = _get(f"{url}/api/products/?page_size=100")
    products = first["results"]
    count = first["count"]
    categories = _get(f"{url}/api/categories/")
    categories = categories["results"] if isinstance(categories, dict) else categories
    words = sorted({w.lower() for p in products for w in p["name"].split() if len(w) >= 4 and w.isalpha()})
    paths = [f"/api/products/{p['id']}/" for p in products[::5]]
    paths += ["/api/products/", "/api/products/?ordering=price", "/api/products/?in_stock=true&ordering=-price"]
    paths += [f"/api/products/?category={c['slug']}&min_price=10&max_price=500" for c in categories[:5]]
    paths += [f"/api/products/?search={w}" for w in words[:10]]
    last_page = max(count // 20, 1)
    paths += [f"/api/products/?page={max(last_page * share // 10, 1)}" for share in (2, 5, 8, 10)]
    return paths


def wrk(url: str, paths_file: Path, *, clients: int, duration_s: int) -> dict:
    """One wrk run over the paths; returns {"rps", "p50_ms", "p95_ms", "p99_ms", "requests", "errors", "non2xx"}."""
    cmd = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{duration_s}s", "--timeout", "10s", "-s", str(LUA), url]
    env = {**os.environ, "BENCH_PATHS_FILE": str(paths_file)}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True, timeout=duration_s + 60).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON "))


def render(rows: list, args, env: dict) -> str:
    """The markdown report: one table row per configuration."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    database = env["DATABASE_URL"].rsplit("/", 1)[-1]
    out = [
        f"# Sustained load on gunicorn configurations, {when}",
        "",
        f"{args.duration} s of {args.clients} keep-alive clients (wrk, 2 threads) over a mix of product reads"
        f" (details, lists, filters, searches, deep pages) on database `{database}`, production settings,"
        f" `docker/gunicorn.conf.py`. Machine: {os.cpu_count()} cores shared with other work.",
        "",
        "| configuration | req/s | p50 | p95 | p99 | socket errors | non-2xx | worker boots |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _name, label, r in rows:
        out.append(
            f"| {label} | {r['rps']:,.0f} | {r['p50_ms']:.1f} ms | {r['p95_ms']:,.1f} ms | {r['p99_ms']:,.1f} ms "
            f"| {r['errors']:,} | {r['non2xx']:,} | {r['boots']} |"
        )
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
