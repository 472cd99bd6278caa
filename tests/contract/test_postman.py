"""The Postman collection of docs/postman/ runs clean against a live server and is current with the schema.

- newman (pinned in tools/postman/package-lock.json) runs the committed collection and environment against
  gunicorn on a seeded database (tests/contract/seed.py): the login request stores the tokens, the
  authenticated requests use them, and no request gets a 5xx or breaks the error envelope;
- regenerating the collection from the current schema gives the committed files (ids aside), so the
  collection never drifts from the API: when it fails, run `make postman` and commit docs/postman/.
"""

import json
import shutil
import subprocess

import pytest

from tests.contract.seed import CUSTOMER
from tests.live import REPO, base_env, dedicated_database, gunicorn
from tools.postman.generate import COLLECTION_FILE, ENVIRONMENT_FILE, REGENERATE_COMMAND, PostmanToolsMissing, generate

DOCS = REPO / "docs" / "postman"
NEWMAN = REPO / "tools" / "postman" / "node_modules" / "newman" / "bin" / "newman.js"
VOLATILE_KEYS = {"id", "_postman_id", "_postman_exported_at", "_postman_exported_using"}

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: newman cannot run")


def _tools_or_skip() -> None:
    if not NEWMAN.exists():
        pytest.fail("the Postman tools are not installed: run `make install` (npm ci --prefix tools/postman)")


def _without_ids(value):
    """`value` with the keys Postman regenerates on every export (ids, export stamps) removed."""
    if isinstance(value, dict):
        return {key: _without_ids(inner) for key, inner in value.items() if key not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_without_ids(inner) for inner in value]
    return value


def test_committed_collection_is_current(tmp_path):
    _tools_or_skip()
    try:
        generate(tmp_path)
    except PostmanToolsMissing as exc:
        pytest.fail(str(exc))
    for name in (COLLECTION_FILE, ENVIRONMENT_FILE):
        committed = _without_ids(json.loads((DOCS / name).read_text()))
        fresh = _without_ids(json.loads((tmp_path / name).read_text()))
        assert committed == fresh, f"docs/postman/{name} is stale: run `{REGENERATE_COMMAND}` and commit docs/postman/"


def test_newman_runs_the_collection_against_a_live_server(tmp_path):
    _tools_or_skip()
    report = tmp_path / "newman.json"
    with dedicated_database(tmp_path, "postman") as database_url:
        env = base_env(DATABASE_URL=database_url, THROTTLE_RATE_ANON="100000/min", THROTTLE_RATE_USER="100000/min")
        with gunicorn(env, tmp_path, workers=2) as server:
            run = subprocess.run(
                [shutil.which("node"), str(NEWMAN), "run", str(DOCS / COLLECTION_FILE)]
                + ["--environment", str(DOCS / ENVIRONMENT_FILE)]
                + ["--env-var", f"baseUrl={server.url}", "--env-var", f"email={CUSTOMER[0]}"]
                + ["--env-var", f"password={CUSTOMER[1]}"]
                + ["--timeout", "90000", "--timeout-request", "10000", "--timeout-script", "5000"]
                + ["--reporters", "cli,json", "--reporter-json-export", str(report), "--color", "off"],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=tmp_path,
            )
    output = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, f"newman failed:\n{output}"
    stats = json.loads(report.read_text())["run"]["stats"]
    assert stats["requests"]["failed"] == 0, output
    assert stats["assertions"]["failed"] == 0, output
    assert stats["testScripts"]["failed"] == 0, output
    executions = json.loads(report.read_text())["run"]["executions"]
    by_name = {execution["item"]["name"]: execution for execution in executions}
    assert len(by_name) >= 40, f"the collection ran only {len(by_name)} requests"
    statuses = {name: execution["response"]["code"] for name, execution in by_name.items()}
    login = next(name for name in statuses if name.lower().startswith("log in"))
    assert statuses[login] == 200
    assert statuses["The current user"] == 200, "the token stored by the login request did not authenticate"
