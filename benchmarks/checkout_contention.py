"""Checkout under contention: throughput and latency of `OrderService.place_order` on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_checkout_bench \\
        .venv/bin/python benchmarks/checkout_contention.py [--threads 1 4 16] [--orders 400]

For each thread count, `--orders` checkouts run through the service layer (each thread its own
connection and its own buyers), in two scenarios:
  * hot: every order takes 1 unit of ONE product (all checkouts fight for the same row lock);
  * spread: every order takes 1 unit of one of 50 products (little contention).
The hot product's stock is `--orders - --short` so the last checkouts must fail with 409: the
script prints successes, rejections and the final stock, and checks that nothing was oversold.
Only `place_order` is timed (filling the cart is not). The database is created and migrated
when missing; its rows are deleted at the end. Figures are printed, never asserted.
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
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--orders", type=int, default=400, help="Checkouts per run.")
    parser.add_argument("--short", type=int, default=20, help="How many more checkouts than stock (hot).")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
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
