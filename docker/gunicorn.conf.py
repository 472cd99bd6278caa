"""gunicorn settings, every one from the environment (docker/entrypoint.sh, tests/live.py).

GUNICORN_BIND              address to listen on (default 0.0.0.0:8000)
GUNICORN_WORKERS           worker processes (default 2 * CPUs + 1, at most 8)
GUNICORN_THREADS           threads per worker (default 1: sync workers)
GUNICORN_TIMEOUT_S         a worker silent for this long is killed and replaced (default 30)
GUNICORN_GRACEFUL_TIMEOUT_S  time to finish in-flight requests on SIGTERM/HUP (default 30)
GUNICORN_KEEPALIVE_S       idle keep-alive seconds behind a load balancer (default 5)
GUNICORN_MAX_REQUESTS      recycle a worker after this many requests, jittered (default 1000; 0 = never)
GUNICORN_REUSE_PORT        one listening socket per worker with SO_REUSEPORT (default: with threads only; see below)
"""

import multiprocessing
import os
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
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# Threaded (gthread) workers accept greedily from a shared socket: measured here with 16 keep-alive
# clients on 2 workers, the split ranged from 8/8 (2,000 req/s) to 16/0 (1,200 req/s). With
# SO_REUSEPORT each worker listens on its own socket and the kernel spreads connections evenly.
# Not for sync workers: a connection queued behind a worker busy with a slow client would wait
# although another worker is free, and a killed worker's queued connections are reset.
reuse_port = _bool("GUNICORN_REUSE_PORT", threads > 1)
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
