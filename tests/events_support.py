"""Helpers for the events tests: a local webhook receiver, switching the Celery broker, a real worker.

Everything listens on 127.0.0.1 only, on free ports; the worker is a `celery -A config worker`
child process on a queue named for the test run, so concurrent runs never take each other's tasks.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.live import REPO, base_env, free_port

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


@dataclass
class Received:
    """One request the receiver got: its headers (lower-case names), raw body, arrival (time.monotonic())."""

    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1:`port`; answers `statuses` in turn (then 200), records requests.

    `delay_s` makes every answer wait (to catch a worker mid-delivery); `hold` blocks answers until set.
    """

    port: int
    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    hold: threading.Event | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self) -> list[str]:
        """The `webhook-id` of every request received, in order."""
        with self.lock:
            return [r.headers.get("webhook-id", "") for r in self.requests]


@contextlib.contextmanager
def webhook_receiver(statuses: list[int] | None = None, *, hold: threading.Event | None = None) -> Iterator[Receiver]:
    """Run a Receiver in a thread for the duration of the block."""
    receiver = Receiver(port=free_port(), statuses=list(statuses or []), hold=hold)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                receiver.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
            if receiver.hold is not None:
                receiver.hold.wait(30)
            payload = b"x" * 3000 if status >= 500 else b'{"ok": true}'
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        if hold is not None:
            hold.set()
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def celery_broker(url: str, queue: str) -> Iterator[None]:
    """Point this process's Celery app at a real broker (not eager) for the block, then back."""
    from config.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}

    def reset_pools() -> None:
        from kombu import pools

        pools.reset()  # closes and forgets every pooled connection (they are keyed by broker URL)
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    reset_pools()
    try:
        yield
    finally:
        reset_pools()
        app.conf.update(saved)


def purge_queue(url: str, queue: str, *, delete: bool = True) -> None:
    """Delete the test run's queue from the broker (or only empty it, when it is used again)."""
    from kombu import Connection

    with contextlib.suppress(Exception), Connection(url, connect_timeout=2) as conn:
        if delete:
            conn.default_channel.queue_delete(queue)
        else:
            conn.default_channel.queue_purge(queue)


def queue_length(url: str, queue: str) -> int:
    """How many messages wait in `queue` (which must exist) on the broker at `url`."""
    from kombu import Connection

    with Connection(url, connect_timeout=2) as conn:
        return conn.default_channel.queue_declare(queue=queue, passive=True).message_count


def unique_queue() -> str:
    """A queue name no other test run uses."""
    return f"nexus-test-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def celery_worker(
    env: dict[str, str], log_path: Path, *, beat: bool = False, concurrency: int = 1
) -> Iterator[subprocess.Popen]:
    """A `celery -A config worker` child (prefork pool of `concurrency`; beat embedded when asked).

    Stopped with SIGTERM (SIGKILL after 15 s) when the block ends.
    """
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
    ]
    args += ["--loglevel", "INFO", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"], "--without-mingle", "--without-gossip"]
    if beat:
        args += ["-B", "--schedule", str(log_path.with_suffix(".beat"))]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            args, env=base_env(**env), cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def pool_children(worker: subprocess.Popen) -> list[int]:
    """Pids of a prefork worker's pool processes (the children of its main process)."""
    path = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1:`port` that keeps every message it accepts."""

    port: int
    messages: list = field(default_factory=list)

    def subjects(self) -> list[str]:
        from email import message_from_bytes

        return [message_from_bytes(m).get("Subject", "") for m in list(self.messages)]


@contextlib.contextmanager
def smtp_sink(port: int | None = None) -> Iterator[SmtpSink]:
    """Run an SmtpSink for the duration of the block."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(port=port or free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            sink.messages.append(envelope.original_content or envelope.content)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def worker_env(queue: str, **overrides: str) -> dict[str, str]:
    """Environment of a worker on the test database and the test run's queue on the real broker."""
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] or "postgres"
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": RABBITMQ_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        **overrides,
    }
