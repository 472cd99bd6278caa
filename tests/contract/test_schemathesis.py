"""Contract fuzzing: schemathesis against a live gunicorn, over every operation of `/api/schema/`.

The server runs the real stack (gunicorn, PostgreSQL, Redis from DATABASE_URL / REDIS_URL) on a
dedicated database `<name>_fuzz`, created, migrated and seeded here (tests/contract/seed.py) and
dropped afterwards. Throttling stays on; only its rates are raised through the environment
(`THROTTLE_RATE_*`), as an operator would, so the fuzzer is not answered 429 all the time.

One run is authenticated as a customer, one as an admin, one is anonymous, each with every phase (coverage,
fuzzing, stateful) and these checks: server errors, status code, content type, response schema
and response header conformance, positive data acceptance (a schema-valid request is not refused
with a 400), plus the method and resource-lifecycle checks (unsupported methods, Allow header, use
after free, resource availability). Zero failures is the bar. tests/contract/hooks.py (loaded
through SCHEMATHESIS_HOOKS) drops only the 400s whose error codes all name rules a schema cannot
state (server state such as stock or a wrong password, and two-parameter rules such as
min_price <= max_price); a schema-valid value refused for its own shape still fails the run.

`negative_data_rejection` is not enabled: the schema forbids nothing the API accepts except DRF's
coercion of JSON scalars (`{"name": 0}` is stored as "0", `{"is_active": 0}` as false) and the
other notations Decimal reads ("1e3", "+5"); the schema documents the canonical types.

Knobs: FUZZ_MAX_EXAMPLES (cases per operation and phase, default 12), FUZZ_SEED (default fixed
for reproducible CI; set another to explore).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract.seed import ADMIN, CUSTOMER
from tests.live import REPO, base_env, dedicated_database, gunicorn, http, login

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "positive_data_acceptance",
        "unsupported_method",
        "allow_header_conformance",
        "use_after_free",
        "ensure_resource_availability",
    ]
)
FUZZ_THROTTLE_RATES = {
    "THROTTLE_RATE_ANON": "100000/min",
    "THROTTLE_RATE_USER": "100000/min",
    "THROTTLE_RATE_LOGIN": "100000/min",
    "THROTTLE_RATE_LOGIN_EMAIL": "100000/min",
    "THROTTLE_RATE_REGISTER": "100000/min",
    "THROTTLE_RATE_ACCOUNT_EMAIL": "100000/min",
}

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    """A seeded gunicorn on a dedicated `<db>_fuzz` database; yields (server, customer_token, admin_token)."""
    tmp = tmp_path_factory.mktemp("fuzz")
    with dedicated_database(tmp, "fuzz") as url:
        env = base_env(
            DATABASE_URL=url,
            CACHE_KEY_PREFIX=f"fuzz-{os.getpid()}",
            MEDIA_ROOT=str(tmp / "media"),  # uploads the fuzzer makes stay out of the work tree
            **FUZZ_THROTTLE_RATES,
        )
        with gunicorn(env, tmp, workers=2) as server:
            customer, admin = login(server.url, *CUSTOMER), login(server.url, *ADMIN)
            _seed_shopping(server.url, customer)
            yield server, customer, admin


def _seed_shopping(base: str, token: str) -> None:
    """Give the customer a placed order and a cart line through the API, when those routes exist."""
    paths = http("GET", f"{base}/api/schema/?format=json").body["paths"]
    if "/api/cart/items/" not in paths or "/api/orders/" not in paths:
        return
    products = http("GET", f"{base}/api/products/?in_stock=true&page_size=3", token=token).body["results"]
    for product in products[:2]:
        http("POST", f"{base}/api/cart/items/", body={"product": product["id"], "quantity": 1}, token=token)
    assert http("POST", f"{base}/api/orders/", body={}, token=token).status == 201
    http("POST", f"{base}/api/cart/items/", body={"product": products[2]["id"], "quantity": 1}, token=token)


def _only_tool_errors(output: str) -> bool:
    """True when the run failed only on schemathesis' own "Runtime Error"s (a crash inside its data
    generation), with no check failure and no network, schema or server error."""
    if re.search(r"=+ FAILURES =+", output):
        return False
    groups = re.findall(r"🚫 ([^:]+): \d+", output)
    return bool(groups) and set(groups) == {"Runtime Error"}


def _run(server, token: str | None, seed: int, tmp_path) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{server.url}/api/schema/",
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("FUZZ_MAX_EXAMPLES", "12"),
        "--seed",
        str(seed),
        # One worker thread: with two, schemathesis' own data generation crashed here now and then with
        # "SystemError: AST constructor recursion depth mismatch" (CPython's AST recursion accounting
        # under threads, cf. python/cpython#106905) - a crash of the fuzzer, not a finding about the API.
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(tmp_path / f"junit-{seed}.xml"),
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.contract.hooks"}
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO, env=env)


@pytest.mark.parametrize("role", ["customer", "admin", "anonymous"])
def test_schemathesis_finds_no_failure(fuzz_server, role, tmp_path):
    server, customer_token, admin_token = fuzz_server
    token = {"customer": customer_token, "admin": admin_token, "anonymous": None}[role]
    seed = int(os.environ.get("FUZZ_SEED", "20261121"))
    result = _run(server, token, seed, tmp_path)
    output = result.stdout + result.stderr
    if result.returncode != 0 and _only_tool_errors(output):
        # A crash inside schemathesis itself, not a finding about the API: one more run, another seed.
        print(f"schemathesis as {role}: internal error with seed {seed}, running again with seed {seed + 1}")
        result = _run(server, token, seed + 1, tmp_path)
        output = result.stdout + result.stderr
    operations = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    print(f"schemathesis as {role}: {operations and operations.group(1)} operations, {cases and cases.group(1)} cases")
    assert result.returncode == 0, output[:3000] + "\n...\n" + output[-12000:]
    schema = http("GET", f"{server.url}/api/schema/?format=json").body
    methods = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}
    expected = sum(1 for item in schema["paths"].values() for method in item if method in methods)
    assert operations is not None
    assert int(operations.group(1)) == expected  # every operation of the schema was exercised
    assert "Authorization: Bearer" not in server.log()  # tokens never reach the logs
