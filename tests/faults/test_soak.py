"""Fault: workers exit again and again under sustained mixed keep-alive load (issue 9 item 12).

A live gunicorn with docker/gunicorn.conf.py, made to recycle its workers often (a low
GUNICORN_MAX_REQUESTS), serves several client threads for SOAK_DURATION_S seconds per server
shape (default 25; e.g. SOAK_DURATION_S=600 for a long soak): readers on kept-alive connections
(details, lists, filters, searches, deep pages) and buyers who sign up, log in, put a product in
their cart and POST /api/orders/. Clients outnumber workers, so connections also wait queued on
the listening socket while workers exit. Asserted: not one connection error, not one 5xx, every
request answered as expected (every checkout placed its order), and workers did exit and get
replaced during the run. A second test does the same with the memory guard
(GUNICORN_MAX_WORKER_MEMORY_MB) as the reason for the exits. Printed: requests, connections
reused, worker boots. The figures under longer load are benchmarks/soak.py's (README).
"""

import http.client
import json
import os
import threading
import time
import uuid

import pytest

from tests.live import base_env, dedicated_database, gunicorn, manage

SOAK_DURATION_S = float(os.environ.get("SOAK_DURATION_S") or 25)
READERS = 4
BUYERS = 2
MAX_REQUESTS_PER_CLIENT = 100_000  # bounded whatever the duration
MIN_EXITS = 3  # worker exits a run must span (the load goes on, up to twice SOAK_DURATION_S, until then)
PASSWORD = "Soak-test-2026!"
SERVER_ENV = {
    "THROTTLE_RATE_ANON": "1000000/min",
    "THROTTLE_RATE_USER": "1000000/min",
    "THROTTLE_RATE_LOGIN": "1000000/min",
    "THROTTLE_RATE_LOGIN_EMAIL": "1000000/min",
    "THROTTLE_RATE_REGISTER": "1000000/hour",
    "ACCESS_LOG_LEVEL": "WARNING",
    "GUNICORN_LOG_LEVEL": "info",  # "Booting worker" lines are counted
}


class KeepAliveClient:
    """One HTTP/1.1 connection kept alive across requests; reopened when the server closes it.

    `request` returns (status, parsed JSON body or None); status 0 is a connection error, with
    the exception's repr as body. Counts requests sent on a reused connection in `reused`.
    """

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.reused = 0

    def request(self, method: str, path: str, *, body: dict | None = None, token: str | None = None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.reused += self.conn.sock is not None
        try:
            self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            return 0, repr(exc)
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, raw[:200]


class Soak:
    """Client threads against one server until a deadline; gathers every unexpected answer.

    The load lasts `duration_s`, and on a slow machine up to twice that until `exits_seen` is set
    (enough worker exits happened to be worth asserting on).
    """

    def __init__(self, port: int, products: list[list[int]], duration_s: float) -> None:
        self.port = port
        self.product_ids = [product_id for product_id, _ in products]
        self.variant_ids = [variant_id for _, variant_id in products]  # what buyers put in their carts
        self.started = time.monotonic()
        self.elapsed_s = 0.0
        self.deadline = self.started + duration_s
        self.hard_deadline = self.deadline + duration_s
        self.exits_seen = threading.Event()
        self.requests = self.reused = 0
        self.unexpected: list[tuple[str, str, int, object]] = []
        self.orders = self.boots = 0
        self.pids: set[int] = set()
        self.lock = threading.Lock()

    def run(self, readers: int, buyers: int) -> None:
        threads = [threading.Thread(target=self._reader, args=(n,), daemon=True) for n in range(readers)]
        threads += [threading.Thread(target=self._buyer, args=(n,), daemon=True) for n in range(buyers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(self.hard_deadline - time.monotonic(), 0) + 60)
        self.elapsed_s = time.monotonic() - self.started
        assert not any(thread.is_alive() for thread in threads), "a client thread did not finish"

    def _running(self) -> bool:
        now = time.monotonic()
        return now < self.deadline or (now < self.hard_deadline and not self.exits_seen.is_set())

    def _call(self, client, method, path, expected, **kwargs):
        status, body = client.request(method, path, **kwargs)
        with self.lock:
            self.requests += 1
            if status != expected:
                self.unexpected.append((method, path, status, body))
        return status, body

    def _reader(self, n: int) -> None:
        client = KeepAliveClient(self.port)
        ids = self.product_ids
        paths = [f"/api/products/{pid}/" for pid in ids[n::7][:10]]
        paths += ["/api/products/", "/api/products/?ordering=-price", "/api/products/?in_stock=true&ordering=price"]
        paths += ["/api/products/?search=fuzz", "/api/products/?search=combination", "/api/products/?page=60"]
        paths += ["/api/products/?page=90&page_size=20", "/api/products/?min_price=10&max_price=400"]
        paths.append("/api/categories/")
        for i in range(MAX_REQUESTS_PER_CLIENT):
            if not self._running():
                break
            self._call(client, "GET", paths[(i + n) % len(paths)], 200)
        with self.lock:
            self.reused += client.reused

    def _buyer(self, n: int) -> None:
        client = KeepAliveClient(self.port)
        email = f"soak-{n}-{uuid.uuid4().hex[:8]}@example.com"
        self._call(client, "POST", "/api/auth/register/", 201, body={"email": email, "password": PASSWORD})
        token = None
        credentials = {"email": email, "password": PASSWORD}
        for i in range(MAX_REQUESTS_PER_CLIENT):
            if not self._running():
                break
            if token is None or i % 20 == 0:  # log in again now and then: logins are part of the mix
                _, body = self._call(client, "POST", "/api/auth/token/", 200, body=credentials)
                token = body.get("access") if isinstance(body, dict) else None
                if token is None:
                    continue
            variant = self.variant_ids[(i * 7 + n) % len(self.variant_ids)]
            self._call(client, "POST", "/api/cart/items/", 201, body={"variant": variant, "quantity": 1}, token=token)
            status, _ = self._call(client, "POST", "/api/orders/", 201, body={}, token=token)
            with self.lock:
                self.orders += status == 201
        with self.lock:
            self.reused += client.reused


def _prepare(database_url: str) -> list[list[int]]:
    """Add a catalog of 2,000 products to the seeded database, every variant well stocked and every product
    digital (no address needed at checkout); returns [product id, its first live variant id] pairs."""
    env = base_env(DATABASE_URL=database_url)
    manage("seed_catalog", "--products", "2000", "--no-progress", env=env)
    code = (
        "from apps.core.models.catalog import Product, ProductVariant;"
        "qs = Product.objects.filter(deleted_at__isnull=True, is_active=True);"
        "ProductVariant.objects.filter(product__in=qs).update(stock=1_000_000);"
        "qs.update(stock=1_000_000, requires_shipping=False);"  # digital: a buyer's checkout needs no address
        "rows = qs.order_by('id').values_list('id', flat=True)[:200];"
        "first = {};"
        "[first.setdefault(p, v) for p, v in ProductVariant.objects.filter(product_id__in=list(rows),"
        " deleted_at__isnull=True).order_by('product_id', 'id').values_list('product_id', 'id')];"
        " print([[p, first[p]] for p in rows])"
    )
    return json.loads(manage("shell", "-c", code, env=env).stdout.strip().splitlines()[-1])


def _soak(server, product_ids: list[list[int]], duration_s: float, *, readers: int, buyers: int) -> Soak:
    """Run the load; return it with the worker boots seen in the log (`boots`) and worker pids seen (`pids`)."""
    boots_before = server.log().count("Booting worker")
    soak = Soak(server.port, product_ids, duration_s)
    soak.pids.update(server.worker_pids())
    watcher_stop = threading.Event()

    def watch() -> None:
        while not watcher_stop.wait(0.2):
            soak.pids.update(server.worker_pids())
            if not soak.exits_seen.is_set() and server.log().count("Booting worker") - boots_before > MIN_EXITS:
                soak.exits_seen.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    soak.run(readers, buyers)
    watcher_stop.set()
    watcher.join(timeout=5)
    soak.boots = server.log().count("Booting worker") - boots_before
    return soak


@pytest.mark.parametrize(
    ("shape", "workers", "threads"),
    [("sync workers (the default)", 3, 1), ("gthread workers, keep-alive", 2, 4)],
)
def test_recycled_workers_drop_nothing_under_sustained_load(tmp_path, shape, workers, threads):
    with dedicated_database(tmp_path, "fault_soak") as database_url:
        product_ids = _prepare(database_url)
        env = base_env(
            DATABASE_URL=database_url,
            CACHE_KEY_PREFIX=f"soak-{uuid.uuid4().hex[:8]}",
            GUNICORN_THREADS=str(threads),
            GUNICORN_MAX_REQUESTS="200",  # exits every few seconds (jitter: 0-100 more per worker)
            **SERVER_ENV,
        )
        with gunicorn(env, tmp_path, workers=workers) as server:
            soak = _soak(server, product_ids, SOAK_DURATION_S, readers=READERS, buyers=BUYERS)
            log = server.log()

    print(
        f"soak, {shape}: {soak.requests} requests in {soak.elapsed_s:.0f} s ({soak.reused} on reused connections), "
        f"{soak.orders} orders, {soak.boots} workers booted, {len(soak.pids)} worker pids seen, "
        f"{len(soak.unexpected)} unexpected answers"
    )
    assert soak.unexpected == [], soak.unexpected[:10]
    assert soak.orders > 0
    assert soak.boots >= MIN_EXITS, log[-3000:]
    assert len(soak.pids) >= workers + MIN_EXITS
    assert log.count("Autorestarting worker") >= MIN_EXITS
    if threads > 1:
        assert soak.reused > 0  # keep-alive was exercised


def test_memory_guard_replaces_workers_gracefully_under_load(tmp_path):
    with dedicated_database(tmp_path, "fault_soak_memory") as database_url:
        product_ids = _prepare(database_url)
        env = base_env(
            DATABASE_URL=database_url,
            CACHE_KEY_PREFIX=f"soak-{uuid.uuid4().hex[:8]}",
            GUNICORN_THREADS="2",
            GUNICORN_MAX_WORKER_MEMORY_MB="1",  # every worker is over it after its first request
            **SERVER_ENV,
        )
        with gunicorn(env, tmp_path, workers=2) as server:
            soak = _soak(server, product_ids, min(SOAK_DURATION_S, 8), readers=2, buyers=1)
            log = server.log()

    print(f"memory guard: {soak.requests} requests, {soak.boots} workers booted, {len(soak.unexpected)} unexpected")
    assert soak.unexpected == [], soak.unexpected[:10]
    assert soak.requests > 0
    assert soak.boots >= MIN_EXITS
    assert log.count("GUNICORN_MAX_WORKER_MEMORY_MB=1") >= MIN_EXITS
