"""Checkout benchmarks on PostgreSQL (issue 12; figures are printed, never asserted).

Default (`--mode http`): the checkout benchmark of issue 12 against a live gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_checkout_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python benchmarks/checkout_contention.py [--customers 16] [--orders-per-customer 100]

It starts gunicorn as deployed (docker/gunicorn.conf.py: sync workers, 2 x CPUs + 1 of them;
`--workers` and `--gunicorn-threads` change that, more than one thread making them gthread workers)
with the production settings, and `--customers` concurrent customers, each with a JWT, an address
in the address book, placing `--warmup` untimed orders (every worker prepares its statements and
fills its caches, as a server in service has) and then `--orders-per-customer` timed orders of 3
lines over HTTP: `POST /api/orders/` with `shipping_address` (id), `shipping_method` and
`voucher_code`, GB tax at 20 %. Each customer's cart is filled between orders by one SQL INSERT
of its 3 lines (not timed, not counted as requests, but its CPU shares the machine); only the
order requests are timed. It prints orders/s (timed orders / wall time of the timed run),
p50/p95/p99 latency of `POST /api/orders/`, the CPU per placed order of gunicorn, PostgreSQL and
the customers' process (from /proc, over the timed run), and the checks after the run (over every
order, warm-up included): stock never negative (products and variants), voucher uses = discounted
orders, and sum(order totals) = sum(line totals) + shipping + tax - discounts (and the same identity
on every order).

`--compare PATH` (http mode) serves a second checkout of the repository (e.g. `git worktree add
../base <commit>`) from another gunicorn at `--port + 1`, at the same time: each customer sends its
orders to the two servers in turn, and the figures are printed per server. This machine's speed
drifts by 20-25% within minutes, so two runs one after the other compare the machine as much as the
code; two servers under the same load at the same moment see the same machine. Both share the
database, so their schemas must agree (no migration between the two commits), and the two cores:
each server's orders/s is about half of what it would reach alone.

`--mode service`: the older contention benchmark of `OrderService.place_order` through the service
layer (`--threads 1 4 16 --orders 400`):
  * hot: every order takes 1 unit of ONE product (all checkouts fight for the same row lock);
  * spread: every order takes 1 unit of one of 50 products (little contention).
The hot product's stock is `--orders - --short` so the last checkouts must fail with 409: the
script prints successes, rejections and the final stock, and checks that nothing was oversold.

The database is created and migrated when missing; the benchmark's rows are deleted at the end.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nexus_checkout_bench")


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(threads: int, orders: int, *, hot: bool, short: int) -> dict:
    from django.apps import apps
    from django.db import connection

    from apps.core.exceptions import InsufficientStockError
    from apps.core.models.accounts import User
    from apps.core.models.catalog import Category, Product

    container = apps.get_app_config("core").container
    category = Category.objects.create(name=f"bench-{time.monotonic_ns()}", slug=f"bench-{time.monotonic_ns()}")
    count = 1 if hot else 50
    stock = orders - short if hot else orders
    products = [
        Product.objects.create(
            name=f"bench {i}",
            slug=f"bench-{category.pk}-{i}",
            sku=f"B{category.pk}-{i}",
            price="9.99",
            stock=stock,
            category=category,
        )
        for i in range(count)
    ]
    per_thread = orders // threads
    buyers = [User.objects.create_user(email=f"b{category.pk}-{t}@bench.example") for t in range(threads)]
    latencies: list[float] = []
    outcome = {"ok": 0, "rejected": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def worker(t: int) -> None:
        cart, service = container.cart_service(), container.order_service()
        mine: list[float] = []
        ok = rejected = 0
        try:
            barrier.wait()
            for i in range(per_thread):
                product = products[(t * per_thread + i) % count]
                cart.clear(buyers[t])
                try:
                    cart.add_item(buyers[t], product.pk, 1)
                except Exception:  # noqa: BLE001 - out of stock already: counts as a rejection
                    rejected += 1
                    continue
                start = time.perf_counter()
                try:
                    service.place_order(buyers[t])
                    ok += 1
                except InsufficientStockError:
                    rejected += 1
                mine.append(time.perf_counter() - start)
        finally:
            with lock:
                latencies.extend(mine)
                outcome["ok"] += ok
                outcome["rejected"] += rejected
            connection.close()

    began = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    final = sum(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("stock", flat=True))
    return {
        "threads": threads,
        "scenario": "hot" if hot else "spread",
        "attempts": per_thread * threads,
        "stock": stock * count,
        "ok": outcome["ok"],
        "rejected": outcome["rejected"],
        "final_stock": final,
        "oversold": final < 0 or outcome["ok"] > stock * count,
        "orders_per_s": outcome["ok"] / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
        "p95_ms": 1000 * percentile(latencies, 0.95) if latencies else 0.0,
        "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["http", "service"], default="http")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4, 16], help="service mode")
    parser.add_argument("--orders", type=int, default=400, help="Checkouts per run (service mode).")
    parser.add_argument("--short", type=int, default=20, help="How many more checkouts than stock (hot).")
    parser.add_argument("--customers", type=int, default=16, help="Concurrent customers (http mode).")
    parser.add_argument("--orders-per-customer", type=int, default=100, help="Timed orders (http mode).")
    parser.add_argument(
        "--warmup",
        type=int,
        default=5,
        help="Untimed orders per customer before the timed run (http mode): every worker prepares its statements",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="gunicorn workers (http mode; default: docker/gunicorn.conf.py's, 2 x CPUs + 1)",
    )
    parser.add_argument(
        "--gunicorn-threads",
        type=int,
        default=0,
        help="threads per gunicorn worker (http mode; default: docker/gunicorn.conf.py's, 1 = sync workers; "
        "more makes them gthread workers)",
    )
    parser.add_argument(
        "--reuse-port",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="gunicorn SO_REUSEPORT, one listening socket per worker (http mode; off as deployed)",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--compare",
        default="",
        help="http mode: another checkout of this repository (e.g. a git worktree of the base commit) served "
        "at --port + 1 at the same time; each customer alternates its orders between the two servers",
    )
    parser.add_argument(
        "--broker",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="CELERY_BROKER_URL of the server (http mode); '' runs events inline (embedded mode).",
    )
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    if args.mode == "http":
        from checkout_http import main_http  # benchmarks/checkout_http.py

        main_http(args)
        return
    import django

    django.setup()
    from django.core.management import call_command

    from apps.core.models.accounts import User
    from apps.core.models.catalog import Category, Product
    from apps.core.models.shopping import Cart, Order

    call_command("migrate", verbosity=0)
    print(
        f"{'scenario':8} {'threads':>7} {'attempts':>8} {'stock':>6} {'ok':>5} {'409':>5} {'final':>6} "
        f"{'oversold':>8} {'orders/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    try:
        for hot in (True, False):
            for threads in args.threads:
                r = run(threads, args.orders, hot=hot, short=args.short)
                print(
                    f"{r['scenario']:8} {r['threads']:>7} {r['attempts']:>8} {r['stock']:>6} {r['ok']:>5} "
                    f"{r['rejected']:>5} {r['final_stock']:>6} {str(r['oversold']):>8} {r['orders_per_s']:>9.1f} "
                    f"{r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f}"
                )
    finally:
        Order.objects.filter(user__email__endswith="@bench.example").delete()
        Cart.objects.filter(user__email__endswith="@bench.example").delete()
        User.objects.filter(email__endswith="@bench.example").delete()
        Product.objects.filter(sku__startswith="B", category__name__startswith="bench-").delete()
        Category.objects.filter(name__startswith="bench-").delete()


if __name__ == "__main__":
    main()
