"""The HTTP checkout benchmark of issue 12 (run through benchmarks/checkout_contention.py --mode http)."""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
TAG = "ckbench"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cpu_seconds(port: int, database: str) -> dict[tuple[str, int], float]:
    """CPU seconds (user + system) used so far by each process of this run, read from /proc (Linux).

    Returns {(group, pid): seconds} for the groups "gunicorn" (the processes bound to
    127.0.0.1:`port`), "postgres" (the backends connected to `database` and PostgreSQL's own
    background processes, which other databases' work shares) and "client" (this process: the
    customers' threads and their cart fills). Empty where /proc is missing.
    """
    hz = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        if int(pid) == os.getpid():
            group = "client"
        elif "gunicorn" in command and f"127.0.0.1:{port}" in command:
            group = "gunicorn"
        elif command.startswith("postgres") and (f" {database} " in command or "(" not in command):
            group = "postgres"  # a backend shows "user database host(port) state"; background processes no host
        else:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        used[(group, int(pid))] = (int(fields[11]) + int(fields[12])) / hz
    return used


def connections_per_worker(port: int) -> list[int]:
    """How many established connections each gunicorn worker serving 127.0.0.1:`port` holds, largest
    first, read from /proc (Linux; empty elsewhere).

    A keep-alive connection stays with the worker that accepted it, and a worker's Python runs on one
    core at a time (the GIL): with 16 customers and 2 workers, a 10/6 split leaves one worker
    saturated while the other idles, which moves orders/s and p95 by 10-20% between runs.
    """
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # local port, ESTABLISHED
                inodes.add(fields[9])
    counts = []
    for group, pid in cpu_seconds(port, "-"):
        if group != "gunicorn":
            continue
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        held = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in inodes)
        if held:
            counts.append(held)
    return sorted(counts, reverse=True)


def cpu_per_order(before: dict, after: dict, orders: int) -> dict[str, float]:
    """Milliseconds of CPU per order by group, from two `cpu_seconds` readings (processes that ended
    between them are left out; those that started count from zero)."""
    per_group = {"gunicorn": 0.0, "postgres": 0.0, "client": 0.0}
    for (group, pid), seconds in after.items():
        per_group[group] += seconds - before.get((group, pid), 0.0)
    return {group: 1000 * seconds / max(orders, 1) for group, seconds in per_group.items()}


def vacuum(connection, models: list) -> None:
    """`VACUUM (ANALYZE)` the tables a checkout writes, so every run starts without the dead rows of
    the runs before it (PostgreSQL on the CI machines runs with `autovacuum = off`)."""
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def start_gunicorn(args, *, port: int | None = None, root: Path = ROOT) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:`port` (default args.port) as deployed: docker/gunicorn.conf.py (sync
    workers, 2 x CPUs + 1 of them, unless `--workers` / `--gunicorn-threads` say otherwise; more
    than one thread makes them gthread workers) and the production settings, serving the checkout
    at `root` (this one, or `--compare`'s)."""
    port = args.port if port is None else port
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_RATE_ANON": "1000000/s",
        "THROTTLE_RATE_USER": "1000000/s",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE_S": "600",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "CACHE_KEY_PREFIX": f"{TAG}{port}",
        # As deployed: events go to a broker for the workers (none runs here; the queue is dropped at
        # the end) instead of running e-mails and webhooks inline after each commit ("embedded" mode).
        "CELERY_BROKER_URL": args.broker,
        "CELERY_TASK_DEFAULT_QUEUE": f"{TAG}-queue",
        "GUNICORN_LOG_LEVEL": "warning",
        "GUNICORN_KEEPALIVE_S": "30",  # gthread workers keep the customers' connections for the run
        "GUNICORN_REUSE_PORT": str(args.reuse_port).lower(),
        **({"GUNICORN_WORKERS": str(args.workers)} if args.workers else {}),
        **({"GUNICORN_THREADS": str(args.gunicorn_threads)} if args.gunicorn_threads else {}),
    }
    # The bind is on the command line too: cpu_seconds() finds the server's processes by it.
    cmd = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "docker/gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=root, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


def main_http(args) -> None:
    os.environ["SECRET_KEY"] = SECRET_KEY  # the tokens minted here must verify on the server
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Min, Sum
    from rest_framework_simplejwt.tokens import AccessToken

    from apps.core.models.accounts import User
    from apps.core.models.catalog import Category, Product, ProductVariant
    from apps.core.models.events import Event
    from apps.core.models.promotions import Voucher, VoucherType, VoucherUse
    from apps.core.models.shipping import Address, ShippingMethod, TaxRate
    from apps.core.models.shopping import Cart, CartItem, Order, OrderLine
    from apps.core.services.catalog.variant_sync import default_variant

    call_command("migrate", verbosity=0)
    cleanup = _cleanup(Category, Product, User, Order, Cart, Voucher, VoucherUse, ShippingMethod, Address)
    cleanup()
    category = Category.objects.create(name=f"{TAG}-cat", slug=f"{TAG}-cat")
    products = [
        Product.objects.create(
            name=f"{TAG} {i}", slug=f"{TAG}-{i}", sku=f"{TAG.upper()}-{i}", price=Decimal("9.99") + i,
            stock=100_000, category=category, requires_shipping=True,
        )
        for i in range(30)
    ]  # fmt: skip
    for product in products:  # the interim bridge: a product's default variant mirrors it
        ProductVariant.objects.get_or_create(
            product=product, is_default=True, defaults={"sku": product.sku, "price": product.price, "stock": 100_000}
        )
    variants = {p.pk: default_variant(p.pk).pk for p in products}
    method = ShippingMethod.objects.create(name=f"{TAG} courier", price=Decimal("4.99"), countries=["GB"])
    TaxRate.objects.get_or_create(country="GB", region="", defaults={"rate": Decimal("0.2000")})
    voucher = Voucher.objects.create(
        code=f"{TAG.upper()}10", type=VoucherType.PERCENTAGE, value=Decimal("10"), usage_limit=1_000_000
    )
    customers = []
    for c in range(args.customers):
        user = User.objects.create_user(email=f"c{c}@{TAG}.example")
        address = Address.objects.create(
            user=user, full_name=f"Customer {c}", line1=f"{c + 1} Baker Street", city="London",
            postal_code="NW1 6XE", country="GB",
        )  # fmt: skip
        cart, _ = Cart.objects.get_or_create(user=user)
        customers.append((user, address, cart, str(AccessToken.for_user(user))))
    vacuum(connection, [Product, ProductVariant, Voucher, VoucherUse, Order, OrderLine, Cart, CartItem, User, Event])
    connection.close()

    fill_cart = (
        f"INSERT INTO {CartItem._meta.db_table} (created_at, updated_at, cart_id, product_id, variant_id, quantity) "
        "VALUES " + ", ".join(["(now(), now(), %s, %s, %s, %s)"] * 3)
    )
    # One server, or two (this checkout and --compare's) under the same load at the same time: each
    # customer sends its orders to them in turn, so both see the same machine speed (see the docstring).
    targets = [("this", ROOT, args.port)]
    if args.compare:
        targets.append((f"compare {args.compare}", Path(args.compare).resolve(), args.port + 1))
    servers = [start_gunicorn(args, port=port, root=root) for _, root, port in targets]
    latencies: dict[str, list[float]] = {label: [] for label, _, _ in targets}
    statuses: dict[str, dict[int, int]] = {label: {} for label, _, _ in targets}
    lock = threading.Lock()
    barrier = threading.Barrier(args.customers)
    warmed = threading.Barrier(args.customers + 1)  # the customers and the timer: the timed run starts

    def customer(index: int) -> None:
        user, address, cart, token = customers[index]
        body = json.dumps(
            {"shipping_address": address.pk, "shipping_method": method.pk, "voucher_code": voucher.code.lower()}
        )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _, _, port in targets]
        mine: dict[str, list[float]] = {label: [] for label, _, _ in targets}
        seen: dict[str, dict[int, int]] = {label: {} for label, _, _ in targets}

        def order(n: int) -> tuple[str, float, int]:
            """Fill the cart (untimed) and place order `n`: (server label, seconds, status)."""
            which = (n + index) % len(targets)
            label, conn = targets[which][0], conns[which]
            picks = [products[(index * 7 + n * 3 + k) % len(products)] for k in range(3)]
            with connection.cursor() as cursor:  # one autocommit INSERT: the fill is not what is measured
                cursor.execute(
                    fill_cart,
                    [v for k, p in enumerate(picks) for v in (cart.pk, p.pk, variants[p.pk], 1 + k)],
                )
            start = time.perf_counter()
            conn.request("POST", "/api/orders/", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            seconds = time.perf_counter() - start
            if response.status != 201:
                CartItem.objects.filter(cart=cart).delete()
            return label, seconds, response.status

        try:
            barrier.wait()
            for n in range(args.warmup):  # every worker prepares its statements and fills its caches
                order(n)
            warmed.wait()
            for n in range(args.warmup, args.warmup + args.orders_per_customer):
                label, seconds, status = order(n)
                mine[label].append(seconds)
                seen[label][status] = seen[label].get(status, 0) + 1
        finally:
            warmed.abort()  # after the timed run, a no-op; a customer that failed before it frees the timer
            for conn in conns:
                conn.close()
            connection.close()
            with lock:
                for label in mine:
                    latencies[label].extend(mine[label])
                    for status, count in seen[label].items():
                        statuses[label][status] = statuses[label].get(status, 0) + count

    database = connection.settings_dict["NAME"]
    try:
        pool = [threading.Thread(target=customer, args=(i,)) for i in range(args.customers)]
        for thread in pool:
            thread.start()
        try:
            warmed.wait()
        except threading.BrokenBarrierError:
            pass  # a customer failed during the warm-up: its error is printed, the run goes on without it
        began = time.perf_counter()
        cpu_before = {port: cpu_seconds(port, database) for _, _, port in targets}
        time.sleep(1.0)  # every customer holds its connection by now; the split lasts the run
        splits = {port: connections_per_worker(port) for _, _, port in targets}
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - began
        cpu_after = {port: cpu_seconds(port, database) for _, _, port in targets}
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)

    orders = Order.objects.filter(user__email__endswith=f"@{TAG}.example")
    sums = orders.aggregate(
        total=Sum("total"), shipping=Sum("shipping_total"), tax=Sum("tax_total"), discount=Sum("discount_total")
    )
    line_sum = OrderLine.objects.filter(order__in=orders).aggregate(s=Sum("line_total"))["s"] or Decimal("0")
    placed = orders.count()
    discounted = orders.filter(voucher=voucher, discount_total__gt=0).count()
    voucher.refresh_from_db()
    min_stock = min(
        Product.objects.filter(category=category).aggregate(m=Min("stock"))["m"],
        ProductVariant.objects.filter(product__category=category).aggregate(m=Min("stock"))["m"],
    )
    each_identity = all(
        o.total == o.subtotal - o.discount_total + o.shipping_total + o.tax_total
        for o in orders.only("total", "subtotal", "discount_total", "shipping_total", "tax_total")
    )
    checks = {
        "stock never negative": min_stock >= 0,
        "voucher uses = discounted orders": voucher.used_count
        == discounted
        == VoucherUse.objects.filter(voucher=voucher).count()
        == placed,
        "sum(totals) = sum(lines) + shipping + tax - discounts": sums["total"]
        == line_sum + sums["shipping"] + sums["tax"] - sums["discount"],
        "every order: total = subtotal - discount + shipping + tax": each_identity,
    }
    # The shape as served: the processes seen (the master is one of them); threads as docker/gunicorn.conf.py has them.
    workers = sum(1 for group, _ in cpu_before[args.port] if group == "gunicorn") - 1
    threads = args.gunicorn_threads or 1
    shape = f"{workers} sync workers" if threads == 1 else f"{workers} gthread workers x {threads} threads"
    print(
        f"checkout over HTTP: {args.customers} customers x {args.orders_per_customer} orders of 3 lines "
        f"(address, shipping method, voucher, GB tax); gunicorn {shape}{' (SO_REUSEPORT)' if args.reuse_port else ''}; "
        f"broker {args.broker or 'none (embedded)'}; "
        f"{os.cpu_count()} cores shared with other work"
    )
    timed = sum(counts.get(201, 0) for counts in statuses.values())
    print(
        f"placed {timed} in {elapsed:.2f} s: {timed / elapsed:.1f} orders/s in all "
        f"(after {args.warmup} untimed warm-up orders per customer; {placed} orders in all)"
    )
    for label, _, port in targets:
        mine, done = latencies[label], statuses[label].get(201, 0)
        per_order = cpu_per_order(cpu_before[port], cpu_after[port], done)
        prefix = f"[{label}] " if len(targets) > 1 else ""
        print(
            prefix + f"statuses: {dict(sorted(statuses[label].items()))}; orders/s {done / elapsed:.1f}   "
            f"p50 {1000 * statistics.median(mine):.1f} ms   p95 {1000 * percentile(mine, 0.95):.1f} ms   "
            f"p99 {1000 * percentile(mine, 0.99):.1f} ms"
        )
        shared = "" if len(targets) == 1 else " (PostgreSQL and the customers: both servers' orders, per order)"
        total = cpu_per_order(cpu_before[port], cpu_after[port], timed)
        print(
            prefix
            + f"CPU per placed order: gunicorn {per_order['gunicorn']:.1f} ms   postgres {total['postgres']:.1f} ms   "
            f"client {total['client']:.1f} ms{shared}"
        )
        if threads > 1:  # a sync worker closes the connection after each response: no lasting split
            print(prefix + f"connections per worker: {'/'.join(map(str, splits[port])) or 'unknown'}")
    for name, ok in checks.items():
        print(f"check: {name}: {ok}")
    cleanup()
    if args.broker.startswith("redis://"):
        import redis

        redis.Redis.from_url(args.broker).delete(f"{TAG}-queue")


def _cleanup(Category, Product, User, Order, Cart, Voucher, VoucherUse, ShippingMethod, Address):  # noqa: N803
    def run() -> None:
        users = User.objects.filter(email__endswith=f"@{TAG}.example")
        VoucherUse.objects.filter(user__in=users).delete()
        Order.objects.filter(user__in=users).delete()
        Cart.objects.filter(user__in=users).delete()
        Address.objects.filter(user__in=users).delete()
        users.delete()
        Voucher.objects.filter(code__startswith=TAG.upper()).delete()
        ShippingMethod.objects.filter(name__startswith=TAG).delete()
        Product.objects.filter(category__slug=f"{TAG}-cat").delete()
        Category.objects.filter(slug=f"{TAG}-cat").delete()

    return run
