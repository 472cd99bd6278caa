"""Fault: PostgreSQL stops for a few seconds under a running gunicorn, then comes back.

A private cluster (initdb + pg_ctl as the `postgres` user, on a free port) backs a live gunicorn
with no Redis (so no answer can come from a cache). A client loop keeps calling endpoints that
must reach the database while the cluster is stopped for OUTAGE_S seconds and started again.

Observed and asserted: every answer during the outage is a 503 in the error envelope with
Retry-After (never a 500 or an HTML page), none takes longer than the configured connect
timeout, and the server recovers on its own (CONN_HEALTH_CHECKS drops dead connections) with no
restart. Printed: request and error counts, slowest answer, recovery time after the restart.
"""

import threading
import time

from tests.contract.seed import CUSTOMER
from tests.live import base_env, gunicorn, http, login, migrate_and_seed, postgres_cluster

OUTAGE_S = 3.0
DB_CONNECT_TIMEOUT_S = 2


def test_postgres_restart_answers_503_then_recovers(tmp_path):
    with postgres_cluster(tmp_path) as cluster:
        env = base_env(
            DATABASE_URL=cluster.url,
            REDIS_URL="",  # locmem: nothing is served from a shared cache
            DB_CONNECT_TIMEOUT_S=str(DB_CONNECT_TIMEOUT_S),
            DB_STATEMENT_TIMEOUT_MS="5000",
            THROTTLE_RATE_ANON="100000/min",
            THROTTLE_RATE_USER="100000/min",
        )
        migrate_and_seed(env)
        with gunicorn(env, tmp_path, workers=2) as server:
            token = login(server.url, *CUSTOMER)
            calls = [
                ("GET", "/api/auth/me/", token),  # JWT auth loads the user from the database
                ("GET", "/api/products/?search=fuzz&page_size=5&page=1", None),
                ("GET", "/readyz", None),
            ]
            replies: list[tuple[float, str, object]] = []
            stop = threading.Event()

            def load() -> None:
                n = 0
                while not stop.is_set() and n < 5000:  # bounded
                    method, path, auth = calls[n % len(calls)]
                    path = path.replace("page=1", f"page=1&max_price={1000 + n}")  # a new cache key every time
                    sent_at = time.monotonic()
                    reply = http(method, f"{server.url}{path}", token=auth)
                    replies.append((sent_at, time.monotonic(), path, reply))
                    n += 1
                    time.sleep(0.02)

            worker = threading.Thread(target=load, daemon=True)
            worker.start()
            time.sleep(1.0)
            stopping_at = time.monotonic()
            cluster.stop("fast")  # waits until the server is down
            stopped_at = time.monotonic()
            time.sleep(OUTAGE_S)
            starting_at = time.monotonic()
            cluster.start()  # waits until it accepts connections
            started_at = time.monotonic()
            time.sleep(4.0)
            stop.set()
            worker.join(timeout=30)

        before = [r for _, done, _, r in replies if done < stopping_at]
        during = [(p, r) for sent, done, p, r in replies if sent >= stopped_at and done < starting_at]
        after = [(sent, p, r) for sent, _, p, r in replies if sent >= started_at]
        errors = [(p, r.status) for p, r in during if r.status != 200]
        first_ok = next((t for t, _, r in after if r.status == 200), None)
        after_first_ok = [(p, r.status) for t, p, r in after if first_ok is not None and t >= first_ok]
        slowest = max(r.elapsed_s for _, r in during)
        recovery_s = None if first_ok is None else first_ok - started_at
        print(
            f"postgres restart: {len(before)} ok before; during {OUTAGE_S}s outage {len(during)} requests, "
            f"{len(errors)} errors (statuses {sorted({s for _, s in errors})}), slowest {slowest * 1e3:.0f} ms; "
            f"recovered {recovery_s if recovery_s is None else round(recovery_s, 2)} s after restart; "
            f"{sum(1 for _, s in after_first_ok if s != 200)} errors after recovery of {len(after_first_ok)}"
        )

        assert before
        assert all(r.status == 200 for r in before)
        assert during
        for path, reply in during:
            assert reply.status == 503, (path, reply.status, reply.raw[:300])
            assert reply.headers.get("Retry-After")
            assert reply.headers.get("Content-Type", "").startswith("application/json")
            assert reply.body["type"] == "server_error"
            assert reply.body["errors"][0]["code"] == "service_unavailable"
            assert reply.elapsed_s < DB_CONNECT_TIMEOUT_S + 1  # no hang past the configured connect timeout
        assert first_ok is not None, "the server did not recover on its own"
        assert all(status == 200 for _, status in after_first_ok[1:])
