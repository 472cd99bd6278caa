"""Fault: a gunicorn worker is SIGKILLed in the middle of a request.

A client opens a request and sends only half its body, so one worker is busy reading it; the
test finds that worker through /proc (the process holding the server side of the connection)
and kills it with SIGKILL. Meanwhile a client loop keeps calling the API.

Observed and asserted: the half-sent request's connection is dropped, every other request is
answered (200), and the master replaces the dead worker. Printed: request and error counts and
the time until the worker count is back.
"""

import os
import signal
import socket
import threading
import time
from pathlib import Path

from tests.live import base_env, dedicated_database, gunicorn, http, wait_until


def _socket_inode(local_port: int, remote_port: int) -> str | None:
    """Inode of the TCP socket 127.0.0.1:local_port <-> 127.0.0.1:remote_port, from /proc/net/tcp."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if int(local.split(":")[1], 16) == local_port and int(remote.split(":")[1], 16) == remote_port:
            return inode if inode != "0" else None  # 0: still in the listen backlog
    return None


def _holder(pids: list[int], inode: str) -> int | None:
    """The pid among `pids` that has the socket `inode` open."""
    target = f"socket:[{inode}]"
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        for fd in fd_dir.iterdir():
            try:
                if os.readlink(fd) == target:
                    return pid
            except OSError:
                continue
    return None


def test_killing_a_worker_mid_request_keeps_the_server_serving(tmp_path):
    with dedicated_database(tmp_path, "fault_worker") as database_url:
        env = base_env(DATABASE_URL=database_url, THROTTLE_RATE_ANON="100000/min")
        with gunicorn(env, tmp_path, workers=2) as server:
            assert wait_until(lambda: len(server.worker_pids()) == 2, timeout_s=10)
            workers_before = server.worker_pids()

            # A request stuck half-way through its body: one worker is busy with it.
            stuck = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            stuck.sendall(
                b"POST /api/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b'Content-Length: 60\r\n\r\n{"email": "a@example.com"'
            )
            client_port = stuck.getsockname()[1]
            victim = None

            def find_victim() -> bool:
                nonlocal victim
                inode = _socket_inode(server.port, client_port)  # known once a worker accepted it
                victim = _holder(workers_before, inode) if inode else None
                return victim is not None

            assert wait_until(find_victim, timeout_s=5), "no worker picked up the request"

            replies = []
            stop = threading.Event()

            def load() -> None:
                n = 0
                while not stop.is_set() and n < 2000:  # bounded
                    replies.append(http("GET", f"{server.url}/api/products/?page_size={1 + n % 50}"))
                    n += 1
                    time.sleep(0.01)

            loader = threading.Thread(target=load, daemon=True)
            loader.start()
            time.sleep(0.3)
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            stuck.settimeout(5)
            try:
                dropped = stuck.recv(1024) == b""
            except (ConnectionResetError, TimeoutError):
                dropped = True
            stuck.close()
            respawned = wait_until(
                lambda: len(server.worker_pids()) == 2 and victim not in server.worker_pids(), timeout_s=20
            )
            respawn_s = time.monotonic() - killed_at
            time.sleep(1.0)
            stop.set()
            loader.join(timeout=30)

            errors = [r.status for r in replies if r.status != 200]
            print(
                f"worker kill: {len(replies)} requests while killing pid {victim}, {len(errors)} errors; "
                f"worker replaced after {respawn_s:.2f} s"
            )
            assert dropped
            assert respawned
            assert replies
            assert errors == []
            assert http("GET", f"{server.url}/api/products/").status == 200
