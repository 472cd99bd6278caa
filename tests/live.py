"""Helpers for tests that run real processes: gunicorn, a private Redis, a private PostgreSQL.

Every process is started by the test that needs it, on a free loopback port, in a temp
directory, and stopped by that test (context managers). Nothing here touches the shared
PostgreSQL on 5432 or Redis on 6379 except to create/drop a dedicated database when asked.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _pg_bin() -> Path:
    """PostgreSQL server binaries: $PG_BIN, else the newest /usr/lib/postgresql/<version>/bin."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout_s: float, interval_s: float = 0.1) -> bool:
    """Poll `predicate` until it is truthy or `timeout_s` passes; returns whether it became truthy."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(interval_s)
    return False


@dataclass
class Reply:
    """An HTTP answer: status (0 when the connection failed), headers, parsed JSON body (or None)."""

    status: int
    headers: Message = field(default_factory=Message)
    body: object = None
    elapsed_s: float = 0.0
    raw: bytes = b""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http(
    method: str,
    url: str,
    *,
    body: dict | None = None,
    token: str | None = None,
    timeout_s: float = 10.0,
    headers=None,
    follow_redirects: bool = True,
) -> Reply:
    """One HTTP request with urllib; never raises for HTTP or connection errors.

    `Reply.headers` is case-insensitive (`"x-request-id" in reply.headers`; missing -> None).
    """
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    started = time.monotonic()
    opener = urllib.request.build_opener() if follow_redirects else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout_s) as response:
            raw, status, hdrs = response.read(), response.status, response.headers
    except urllib.error.HTTPError as exc:
        raw, status, hdrs = exc.read(), exc.code, exc.headers
    except (OSError, urllib.error.URLError):
        return Reply(status=0, elapsed_s=time.monotonic() - started)
    parsed = None
    with contextlib.suppress(ValueError):
        parsed = json.loads(raw) if raw else None
    return Reply(status=status, headers=hdrs, body=parsed, elapsed_s=time.monotonic() - started, raw=raw)


def base_env(**overrides: str) -> dict[str, str]:
    """The environment for a child Django process: this one's plus test settings and `overrides`."""
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONUNBUFFERED": "1"})
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout_s: float = 300) -> subprocess.CompletedProcess:
    """Run `manage.py <args>` in a child process; raises CalledProcessError with its output on failure."""
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


@dataclass
class Gunicorn:
    """A running gunicorn serving config.wsgi on 127.0.0.1:`port`."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """Pids of the master's current worker processes."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextlib.contextmanager
def gunicorn(env: dict[str, str], tmp_path: Path, *, workers: int = 2, timeout_s: int = 30) -> Iterator[Gunicorn]:
    """Start gunicorn with docker/gunicorn.conf.py; stop it (SIGTERM, then SIGKILL) on exit."""
    port = free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_TIMEOUT_S": str(timeout_s),
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(REPO / "docker" / "gunicorn.conf.py"), "config.wsgi"],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Gunicorn(process=process, port=port, log_path=log_path)
    try:
        if not wait_until(lambda: http("GET", f"{server.url}/healthz", timeout_s=1).status == 200, timeout_s=30):
            raise RuntimeError(f"gunicorn did not start:\n{server.log()[-4000:]}")
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@dataclass
class RedisServer:
    """A private redis-server on 127.0.0.1:`port`, persisting to `directory`/dump.rdb."""

    port: int
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (or restart) the server; it loads dump.rdb when present."""
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)]
            + ["--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(self._ping, timeout_s=10):
            raise RuntimeError("redis-server did not start")

    def stop(self, *, save: bool = True) -> None:
        """SHUTDOWN (SAVE keeps its data for the next start, like a restart of a persistent Redis)."""
        if self.process is None:
            return
        with contextlib.suppress(Exception):
            self._command(f"SHUTDOWN {'SAVE' if save else 'NOSAVE'}")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def _ping(self) -> bool:
        return self._command("PING") == b"+PONG"

    def _command(self, command: str) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(command.encode() + b"\r\n")
            return sock.recv(64).strip()


@contextlib.contextmanager
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private Redis for one test; always stopped at the end."""
    if shutil.which("redis-server") is None:
        import pytest

        pytest.skip("redis-server is not installed")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(port=free_port(), directory=directory)
    server.start()
    try:
        yield server
    finally:
        server.stop(save=False)


def breaker_cache(location: str, *, open_s: float = 5.0, key_prefix: str = ""):
    """A django-redis cache on `location` as configured in production: the breaker's pool, failures ignored.

    Args:
        location: a redis:// URL (each URL gets its own pool, hence its own breaker, per process).
        open_s: the breaker's probe interval, seconds.
        key_prefix: the cache's KEY_PREFIX.
    """
    from django_redis.cache import RedisCache

    options = {
        "CONNECTION_POOL_CLASS": "apps.core.infra.redis_breaker.CircuitBreakerPool",
        "CONNECTION_POOL_KWARGS": {"circuit_open_s": open_s},
        "SOCKET_CONNECT_TIMEOUT": 0.25,
        "SOCKET_TIMEOUT": 0.25,
        "IGNORE_EXCEPTIONS": True,
    }
    return RedisCache(location, {"KEY_PREFIX": key_prefix, "OPTIONS": options})


@dataclass
class PostgresCluster:
    """A private PostgreSQL cluster in `directory`, run as the `postgres` OS user on `port`."""

    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *args], check=True, capture_output=True, text=True, timeout=timeout_s, cwd="/tmp"
        )

    def init(self) -> None:
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.directory / "data"), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-l", str(self.directory / "pg.log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", mode, "-w", "stop")


@contextlib.contextmanager
def postgres_cluster(tmp_path: Path) -> Iterator[PostgresCluster]:
    """A private PostgreSQL cluster (PG_BIN) for one test; always stopped at the end."""
    if not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None:
        import pytest

        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # Not under pytest's tmp_path: its parents are private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="nexus-pg-"))
    os.chmod(directory, 0o755)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    cluster = PostgresCluster(port=free_port(), directory=directory)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def dedicated_database(tmp_path: Path, suffix: str) -> Iterator[str]:
    """A fresh, migrated and seeded (tests/contract/seed.py) database for a live server; yields its URL.

    On PostgreSQL (DATABASE_URL): `<name>_<suffix>` on the same server, dropped at the end.
    Without it: an SQLite file in `tmp_path`.
    """
    from django.conf import settings
    from psycopg import sql

    db = settings.DATABASES["default"]
    postgres = db["ENGINE"] in ("django.db.backends.postgresql", "apps.core.infra.db.postgresql")
    if postgres:
        import psycopg

        name = f"{db['NAME']}_{suffix}"
        conninfo = psycopg.conninfo.make_conninfo(
            host=db.get("HOST") or "127.0.0.1",
            port=str(db.get("PORT") or 5432),
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or None,
            dbname="postgres",
        )
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        auth = db.get("USER") or "postgres"
        if db.get("PASSWORD"):
            auth += f":{db['PASSWORD']}"
        url = f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
    else:
        url = f"sqlite:///{tmp_path / f'{suffix}.sqlite3'}"
    try:
        migrate_and_seed(base_env(DATABASE_URL=url))
        yield url
    finally:
        if postgres:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def migrate_and_seed(env: dict[str, str]) -> None:
    """Migrate the database of `env` and load tests/contract/seed.py into it."""
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("shell", "-c", "from tests.contract.seed import seed; seed()", env=env)


def login(server_url: str, email: str, password: str) -> str:
    """An access token for the account, through the API."""
    reply = http("POST", f"{server_url}/api/auth/token/", body={"email": email, "password": password})
    if reply.status != 200:
        raise AssertionError(f"login failed: {reply.status} {reply.body}")
    return reply.body["access"]
