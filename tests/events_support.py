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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.live import REPO, base_env, free_port

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


@dataclass
class Received:
    """One request the receiver got: its headers (lower-case names) and raw body."""

    headers: dict[str, str]
    body: bytes

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
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)

    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    reset_pools()
    try:
        yield
    finally:
        reset_pools()
        app.conf.update(saved)


def purge_queue(url: str, queue: str) -> None:
    """Delete the test run's queue from the broker."""
    from kombu import Connection

    with contextlib.suppress(Exception), Connection(url, connect_timeout=2) as conn:
        conn.default_channel.queue_delete(queue)


def unique_queue() -> str:
    """A queue name no other test run uses."""
    return f"nexus-test-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log_path: Path, *, beat: bool = False) -> Iterator[subprocess.Popen]:
    """A `celery -A config worker` child (one process, prefork pool of 1; beat embedded when asked).

    Stopped with SIGTERM (SIGKILL after 15 s) when the block ends.
    """
    args = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1"]
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
