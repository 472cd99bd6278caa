"""docker/gunicorn.conf.py under sustained load (issue 9 item 12): no routine recycling, no
per-worker SO_REUSEPORT sockets by default, and a memory guard that stops a worker gracefully.

The config is loaded in a child process (runpy), as gunicorn loads it, with the environment given;
tests/faults/test_soak.py checks the same settings against a live server under load.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.live import REPO

GUNICORN_VARS = ("GUNICORN_THREADS", "GUNICORN_REUSE_PORT", "GUNICORN_MAX_REQUESTS", "GUNICORN_MAX_REQUESTS_JITTER")
GUNICORN_VARS += ("GUNICORN_MAX_WORKER_MEMORY_MB",)


def _run_conf(code: str, **env: str):
    """Run `code` after `c = runpy.run_path('docker/gunicorn.conf.py')` in a child; returns its JSON output."""
    child_env = {k: v for k, v in os.environ.items() if k not in GUNICORN_VARS}
    child_env.update(env)
    script = "import json, runpy; c = runpy.run_path('docker/gunicorn.conf.py')\n" + code
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=child_env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


SETTING_NAMES = ("max_requests", "max_requests_jitter", "MAX_WORKER_MEMORY_MB", "reuse_port")
SETTINGS = f"print(json.dumps([c[k] for k in {SETTING_NAMES!r}]))"


def test_defaults_do_not_recycle_by_count_and_guard_memory_instead():
    assert _run_conf(SETTINGS) == [0, 0, 512, False]


def test_recycling_by_count_is_opt_in_and_jittered_by_half():
    assert _run_conf(SETTINGS, GUNICORN_MAX_REQUESTS="4000") == [4000, 2000, 512, False]
    assert _run_conf(SETTINGS, GUNICORN_MAX_REQUESTS="4000", GUNICORN_MAX_REQUESTS_JITTER="10")[:2] == [4000, 10]
    assert _run_conf(SETTINGS, GUNICORN_MAX_WORKER_MEMORY_MB="0")[2] == 0


@pytest.mark.parametrize(
    ("threads", "value", "expected"),
    [(None, None, False), ("8", None, False), ("8", "false", False), (None, "true", True), ("8", "1", True)],
)
def test_per_worker_reuse_port_sockets_are_opt_in(threads, value, expected):
    env = {k: v for k, v in (("GUNICORN_THREADS", threads), ("GUNICORN_REUSE_PORT", value)) if v is not None}
    assert _run_conf(SETTINGS, **env)[3] is expected


GUARD = """
import types
class Log:
    lines = []
    def info(self, msg, *args):
        self.lines.append(msg % args)
worker = types.SimpleNamespace(alive=True, pid=4242, log=Log())
c['post_request'](worker, None, {}, None)
print(json.dumps([worker.alive, Log.lines, c['worker_rss_mb']()]))
"""


def test_memory_guard_stops_a_worker_over_the_limit_gracefully():
    alive, lines, rss_mb = _run_conf(GUARD, GUNICORN_MAX_WORKER_MEMORY_MB="1")
    assert alive is False  # gunicorn's graceful stop: finish in-flight requests, then exit
    assert len(lines) == 1
    assert "4242" in lines[0]
    assert "GUNICORN_MAX_WORKER_MEMORY_MB=1" in lines[0]
    assert rss_mb > 1


@pytest.mark.parametrize("limit", ["100000", "0"])
def test_memory_guard_leaves_a_worker_under_the_limit_or_when_off_alone(limit):
    alive, lines, _ = _run_conf(GUARD, GUNICORN_MAX_WORKER_MEMORY_MB=limit)
    assert alive is True
    assert lines == []


def test_the_master_warns_when_reuse_port_meets_worker_exits():
    code = """
class Log:
    lines = []
    def warning(self, msg, *args):
        self.lines.append(msg % args)
import types
c['on_starting'](types.SimpleNamespace(log=Log()))
print(json.dumps(Log.lines))
"""
    assert _run_conf(code) == []
    warned = _run_conf(code, GUNICORN_REUSE_PORT="1")
    assert len(warned) == 1
    assert "resets the connections queued" in warned[0]
