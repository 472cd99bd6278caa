"""gunicorn settings, every one from the environment (docker/entrypoint.sh, tests/live.py).

GUNICORN_BIND              address to listen on (default 0.0.0.0:8000)
GUNICORN_WORKERS           worker processes (default 2 * CPUs + 1, at most 8)
GUNICORN_THREADS           threads per worker (default 1: sync workers)
GUNICORN_TIMEOUT_S         a worker silent for this long is killed and replaced (default 30)
GUNICORN_GRACEFUL_TIMEOUT_S  time to finish in-flight requests on SIGTERM/HUP (default 30)
GUNICORN_KEEPALIVE_S       idle keep-alive seconds behind a load balancer (default 5)
GUNICORN_MAX_WORKER_MEMORY_MB  a worker whose resident memory (MiB) passes this after a request finishes
                           its in-flight requests and exits; the master starts a new one (default 512; 0 = off)
GUNICORN_MAX_REQUESTS      also recycle a worker after this many requests (default 0 = never)
GUNICORN_MAX_REQUESTS_JITTER  random 0..this added to it per worker (default half of GUNICORN_MAX_REQUESTS)
GUNICORN_REUSE_PORT        one listening socket per worker with SO_REUSEPORT (default off; see below)

Worker exits are lossless with the default shared listening socket: a worker that stops (memory
limit, max requests) finishes the requests it has read, answers the next request on a kept-alive
connection with "Connection: close" (gthread), and the connections still queued on the listening
socket are accepted by the other workers. Measured table and soak test: README "Worker recycling".
"""

import multiprocessing
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, whatever the working directory
from config.gunicorn_errors import install as install_json_errors  # noqa: E402

# gunicorn's own rejections (414 request line too long, 431, malformed requests) answer in the
# API's JSON error envelope, not gunicorn's HTML page.
install_json_errors()


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _bool(name: str, default: bool) -> bool:
    return (os.environ.get(name) or str(default)).strip().lower() in {"1", "true", "yes", "on"}


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - a container listens on all interfaces
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT_S", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT_S", 30)
keepalive = _int("GUNICORN_KEEPALIVE_S", 5)
# Recycling every N requests is off: each new worker imports the application again (~0.6 s of
# CPU), and at 1,000 requests it cost 3x the throughput and 70x the p95 under load (README).
# A leak is caught by the memory guard (post_request below) instead; exits are then rare.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2)
MAX_WORKER_MEMORY_MB = _int("GUNICORN_MAX_WORKER_MEMORY_MB", 512)
# SO_REUSEPORT gives each worker its own listening socket, which the kernel fills evenly (threaded
# workers accepting from one shared socket can split keep-alive clients unevenly). But a worker's
# socket is created before its application is loaded, so connections wait ~1 s on a booting
# worker, and closing it when the worker exits resets every connection still queued on it
# (tens of thousands in a minute with recycling). Off by default; opt in only where exits are rare.
reuse_port = _bool("GUNICORN_REUSE_PORT", False)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The application logs JSON to stderr itself (one access record per request with a request id).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Limits on the request line and headers; bodies are limited by DATA_UPLOAD_MAX_MEMORY_SIZE (413).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def worker_rss_mb() -> float:
    """This process's resident memory in MiB (/proc/self/statm; peak RSS from getrusage where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1_048_576
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def post_request(worker, req, environ, resp) -> None:
    """gunicorn hook, after every request: the memory guard.

    A worker above MAX_WORKER_MEMORY_MB (MiB) is marked not alive, gunicorn's own graceful stop
    (as after `max_requests`): it finishes the requests it has read, keeps no connection alive,
    and exits; the master starts a replacement. Nothing queued or in flight is dropped.
    """
    if MAX_WORKER_MEMORY_MB <= 0 or not worker.alive:
        return
    rss_mb = worker_rss_mb()
    if rss_mb > MAX_WORKER_MEMORY_MB:
        worker.log.info(
            "Worker %s uses %.0f MiB (GUNICORN_MAX_WORKER_MEMORY_MB=%d): exiting gracefully after this request",
            worker.pid, rss_mb, MAX_WORKER_MEMORY_MB,
        )  # fmt: skip
        worker.alive = False


def on_starting(server) -> None:
    """gunicorn hook, in the master before it binds: warn about SO_REUSEPORT with worker exits."""
    if reuse_port and (max_requests > 0 or MAX_WORKER_MEMORY_MB > 0):
        server.log.warning(
            "GUNICORN_REUSE_PORT is on: a worker that exits (max requests, memory limit, timeout) "
            "resets the connections queued on its own socket"
        )
