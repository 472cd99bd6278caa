"""Checkout latency over HTTP: POST /api/orders/ p50/p95 on a live gunicorn, e-mails going to a real SMTP server.

Issue 14 asks for "checkout p95 before and after this issue". This script runs one side at a time
against a checkout of the code (`--repo`, with its own `.venv` and database) so the same load can
be put on the commit before the events work (e-mails sent by the request, after commit) and on
main (the request records an outbox event; a Celery worker on RabbitMQ sends the e-mail):

    # before: a worktree of the commit before "merge: events", its own venv and database
    .venv/bin/python benchmarks/checkout_latency.py --repo /work/wt-before \\
        --database-url postgres://postgres@127.0.0.1:5432/nexus_before
    # after: this checkout, with a broker (a worker is started on a queue of its own)
    .venv/bin/python benchmarks/checkout_latency.py --repo . \\
        --database-url postgres://postgres@127.0.0.1:5432/nexus_after --broker amqp://guest:guest@127.0.0.1:5672//

Each run: migrate, seed (20 products with ample stock, `--customers` users with JWTs minted in the
seed, so no login throttle applies), start gunicorn (2 workers, settings `config.settings.local`
with DEBUG off and Django's SMTP backend pointed at an aiosmtpd sink this script runs; with
`--smtp-delay-ms` the sink answers each message that much later, a slow mail server), then
`--customers` threads each add one product to their cart and POST /api/orders/, `--orders` times.
Only the POST /api/orders/ is timed; each customer's first order is a warm-up, not counted. The
`--worker-after-load` starts the worker when the timed load is over (as a worker on another machine
would not compete with gunicorn for this machine's cores). The script waits for every order's
e-mail to reach the sink, prints one JSON line (p50, p95, mean in
ms, orders, e-mails) and stops what it started. Figures are printed, never asserted.
"""

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

SEED = """
import json, uuid
from apps.core.models.accounts import User
from apps.core.models.catalog import Category, Product
from rest_framework_simplejwt.tokens import RefreshToken
tag = uuid.uuid4().hex[:8]
category = Category.objects.create(name=f"bench {tag}", slug=f"bench-{tag}")
products = []
for i in range(20):
    p = Product.objects.create(name=f"bench {tag} {i}", slug=f"bench-{tag}-{i}", sku=f"BL-{tag}-{i}",
                               price="9.99", stock=1_000_000, category=category)
    try:  # variants exist on newer commits: a product needs its default variant to be put in a cart
        from apps.core.services.catalog.variant_sync import sync_default_variant
    except ImportError:
        pass
    else:
        sync_default_variant(p)
    products.append(p.pk)
tokens = []
for i in range(CUSTOMERS):
    u = User.objects.create_user(email=f"c{i}-{tag}@bench.example", password="Bench-pass-123", first_name="C")
    tokens.append(str(RefreshToken.for_user(u).access_token))
print("SEED " + json.dumps({"products": products, "tokens": tokens}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class SmtpSink:
    """aiosmtpd on 127.0.0.1: counts the messages it accepts, each after `delay_s`."""

    def __init__(self, delay_s: float) -> None:
        from aiosmtpd.controller import Controller

        self.port, self.count, self._lock = free_port(), 0, threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                await asyncio.sleep(delay_s)
                with sink._lock:
                    sink.count += 1
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()


@contextlib.contextmanager
def child(args: list[str], env: dict, cwd: Path, log: Path):
    """A child process in its own session, stopped with SIGTERM (then SIGKILL) at the end."""
    with open(log, "ab") as out:
        process = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def wait_for(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(0.2)
    return False


def run(args: argparse.Namespace) -> dict:
    repo = Path(args.repo).resolve()
    python = str(repo / ".venv" / "bin" / "python")
    logs = Path(args.log_dir)
    logs.mkdir(parents=True, exist_ok=True)
    with SmtpSink(args.smtp_delay_ms / 1000) as smtp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "THROTTLE_RATE_USER": "100000/min",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("CELERY_BROKER_URL", None)
        queue = f"nexus-bench-{uuid.uuid4().hex[:8]}"
        if args.broker:
            env.update(CELERY_BROKER_URL=args.broker, CELERY_TASK_DEFAULT_QUEUE=queue)
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=repo, check=True)
        seeded = subprocess.run(
            [python, "manage.py", "shell", "-c", SEED.replace("CUSTOMERS", str(args.customers))],
            env=env,
            cwd=repo,
            check=True,
            capture_output=True,
            text=True,
        )
        seed = json.loads(next(line for line in seeded.stdout.splitlines() if line.startswith("SEED "))[5:])
        port = free_port()
        web_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_TIMEOUT_S": "60"}
        gunicorn = [python, "-m", "gunicorn", "-c", str(repo / "docker" / "gunicorn.conf.py"), "config.wsgi"]
        worker = [python, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1"]
        worker += ["-Q", queue, "--without-mingle", "--without-gossip", "--loglevel", "WARNING"]
        with contextlib.ExitStack() as stack:
            stack.enter_context(child(gunicorn, web_env, repo, logs / "gunicorn.log"))
            if args.broker and not args.worker_after_load:
                stack.enter_context(child(worker, env, repo, logs / "worker.log"))
            base = f"http://127.0.0.1:{port}"
            if not wait_for(lambda: httpx.get(f"{base}/healthz", timeout=1).status_code == 200, 60):
                raise RuntimeError(f"gunicorn did not start; see {logs / 'gunicorn.log'}")
            emails_before = smtp.count
            latencies, failures = load(base, seed, args.orders)
            if args.broker and args.worker_after_load:  # the e-mails waited in RabbitMQ meanwhile
                stack.enter_context(child(worker, env, repo, logs / "worker.log"))
            orders = len(latencies) + args.customers  # the warm-ups placed orders (and e-mails) too
            all_mailed = wait_for(lambda: smtp.count - emails_before >= orders, args.mail_timeout_s)
            emails = smtp.count - emails_before
        if args.broker:
            with contextlib.suppress(Exception):
                from kombu import Connection

                with Connection(args.broker, connect_timeout=2) as conn:
                    conn.default_channel.queue_delete(queue)
    return {
        "repo": str(repo),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True
        ).stdout.strip(),
        "broker": bool(args.broker),
        "worker_during_load": bool(args.broker) and not args.worker_after_load,
        "smtp_delay_ms": args.smtp_delay_ms,
        "customers": args.customers,
        "timed_orders": len(latencies),
        "failures": failures,
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "emails": emails,
        "all_emails_sent": all_mailed,
    }


def load(base: str, seed: dict, orders: int) -> tuple[list[float], int]:
    """Every customer (a thread) puts one product in the cart and checks out, `orders` times."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    barrier = threading.Barrier(len(seed["tokens"]))

    def customer(index: int, token: str) -> None:
        nonlocal failures
        product = seed["products"][index % len(seed["products"])]
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            barrier.wait()
            for n in range(orders + 1):
                added = client.post("/api/cart/items/", json={"product": product, "quantity": 1})
                started = time.perf_counter()
                placed = client.post("/api/orders/", json={})
                elapsed = time.perf_counter() - started
                with lock:
                    if added.status_code != 201 or placed.status_code != 201:
                        failures += 1
                    elif n:  # the first order warms the connection and the worker up
                        latencies.append(elapsed)

    threads = [threading.Thread(target=customer, args=(i, t)) for i, t in enumerate(seed["tokens"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", default=".", help="checkout to run (its .venv is used)")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--broker", default="", help="CELERY_BROKER_URL; a worker is started (after-side only)")
    parser.add_argument(
        "--worker-after-load",
        action="store_true",
        help="start the worker only once the timed load is over (a worker on another machine, not competing for CPU)",
    )
    parser.add_argument("--customers", type=int, default=8)
    parser.add_argument("--orders", type=int, default=25, help="timed orders per customer")
    parser.add_argument("--smtp-delay-ms", type=float, default=0.0)
    parser.add_argument("--mail-timeout-s", type=float, default=120.0)
    parser.add_argument("--log-dir", default="/tmp/checkout_latency")
    print(json.dumps(run(parser.parse_args())), flush=True)


if __name__ == "__main__":
    sys.exit(main())
