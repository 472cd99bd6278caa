"""Background work throughput and latency: outbox relay, one Celery worker, commit -> webhook received.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_events_bench \\
        .venv/bin/python benchmarks/events.py [--events 2000] [--deliveries 500] [--latency-samples 50]

Runs against the real RabbitMQ (TEST_RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672//) on a
queue named for this run, a `celery -A config worker` child (prefork, `--concurrency` processes,
default 1) and a webhook receiver (http.server) on a free loopback port. Prints:
  1. relay: events published per second by `OutboxRelay.sweep` (batches of OUTBOX_BATCH_SIZE);
  2. delivery: webhooks delivered per second by the worker (first to last arrival at the receiver;
     each event is dispatched, then delivered: two tasks per webhook);
  3. latency: commit of `EventService.record` -> webhook received, with an idle queue, p50/p95/max.
The database is created and migrated when missing; the events it made are deleted at the end.
Figures are printed, never asserted (target from issue 14: p95 <= 1 s).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nexus_events_bench")


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


def wait_for(predicate, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.002)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events the relay publishes")
    parser.add_argument("--deliveries", type=int, default=500, help="webhooks the worker delivers")
    parser.add_argument("--latency-samples", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=1, help="worker pool processes")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import transaction

    from apps.core.models.events import Event, EventType, WebhookSubscription
    from apps.core.services.events.webhooks import new_secret
    from tests.events_support import (
        RABBITMQ_URL,
        celery_broker,
        celery_worker,
        purge_queue,
        unique_queue,
        webhook_receiver,
        worker_env,
    )

    call_command("migrate", "--noinput", verbosity=0)
    container = apps.get_app_config("core").container
    WebhookSubscription.objects.all().delete()  # the bench database's own rows (an interrupted run's)
    Event.objects.all().delete()
    queue = unique_queue()
    log_path = Path(f"/tmp/{queue}.log")
    try:
        with celery_broker(RABBITMQ_URL, queue), webhook_receiver() as receiver:
            # 1. relay throughput (no subscription: the dispatch tasks just pile up in the queue)
            Event.objects.bulk_create(Event(type=EventType.STOCK_LOW, payload={"n": i}) for i in range(args.events))
            started = time.perf_counter()
            published = container.outbox_relay().sweep(min_age_s=0)
            relay_s = time.perf_counter() - started
            print(
                f"relay: {published} events published in {relay_s:.2f} s = {published / relay_s:.0f} events/s",
                flush=True,
            )
            purge_queue(RABBITMQ_URL, queue, delete=False)

            # 2. delivery throughput of one worker with a backlog
            WebhookSubscription.objects.create(url=receiver.url, events=[EventType.ORDER_PAID], secret=new_secret())
            Event.objects.bulk_create(
                Event(type=EventType.ORDER_PAID, payload={"n": i}) for i in range(args.deliveries)
            )
            container.outbox_relay().sweep(min_age_s=0)
            with celery_worker(worker_env(queue), log_path, concurrency=args.concurrency):
                if not wait_for(lambda: len(receiver.requests) >= args.deliveries, timeout_s=600):
                    sys.exit(f"only {len(receiver.requests)} deliveries arrived; see {log_path}")
                first, last = receiver.requests[0].at, receiver.requests[-1].at
                rate = (args.deliveries - 1) / (last - first)
                print(
                    f"delivery: {args.deliveries} webhooks in {last - first:.2f} s = {rate:.0f} deliveries/s "
                    f"(worker concurrency {args.concurrency})"
                )

                # 3. end-to-end latency with an idle queue
                latencies = []
                for i in range(args.latency_samples):
                    seen = len(receiver.requests)
                    committed = [0.0]
                    with transaction.atomic():
                        # registered first, so it runs before the relay's on-commit publish
                        transaction.on_commit(lambda c=committed: c.__setitem__(0, time.monotonic()))
                        container.event_service().record(EventType.ORDER_PAID, {"sample": i})
                    if not wait_for(lambda s=seen: len(receiver.requests) > s, timeout_s=30):
                        sys.exit(f"sample {i} never arrived; see {log_path}")
                    latencies.append(receiver.requests[-1].at - committed[0])
                    time.sleep(0.05)
            ms = [x * 1000 for x in latencies]
            print(
                f"latency commit -> webhook received (n={len(ms)}): p50 {statistics.median(ms):.0f} ms, "
                f"p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms"
            )
    finally:
        WebhookSubscription.objects.all().delete()
        Event.objects.all().delete()
        purge_queue(RABBITMQ_URL, queue)


if __name__ == "__main__":
    main()
