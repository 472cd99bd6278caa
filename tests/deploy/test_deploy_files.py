"""Deployment files: the compose file, the Dockerfile, the entrypoint and gunicorn's config.

Docker cannot run here, so the compose file is parsed with PyYAML and its structure checked
(`.ci/run` also runs `docker compose config -q` where the compose plugin exists).
"""

import os
import re
import subprocess
import sys

import yaml

from tests.live import REPO

COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "docker" / "Dockerfile"
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_has_web_db_and_redis_with_health_checks():
    services = _compose()["services"]
    assert {"web", "db", "redis"} <= set(services)
    for name in ("web", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name


def test_web_starts_only_when_db_and_redis_are_healthy():
    depends_on = _compose()["services"]["web"]["depends_on"]
    assert depends_on == {"db": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}


def test_web_is_built_from_the_dockerfile_and_configured_by_env():
    web = _compose()["services"]["web"]
    assert web["build"]["dockerfile"] == "docker/Dockerfile"
    env = web["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["DATABASE_URL"].endswith("@db:5432/nexus")
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert "${SECRET_KEY:?" in env["SECRET_KEY"]  # required, never defaulted
    assert {"GUNICORN_WORKERS", "GUNICORN_TIMEOUT_S"} <= set(env)


def test_dockerfile_is_multi_stage_non_root_with_healthcheck():
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", text, flags=re.MULTILINE)
    assert len(stages) >= 2
    assert "COPY --from=build" in text
    users = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert users
    assert not users[-1].startswith(("root", "0"))
    assert re.search(r"^HEALTHCHECK ", text, flags=re.MULTILINE)
    assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in text


def test_entrypoint_migrates_then_execs_the_command():
    text = ENTRYPOINT.read_text()
    assert os.access(ENTRYPOINT, os.X_OK)
    assert text.index("migrate --noinput") < text.index('exec "$@"')
    assert subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=False).returncode == 0


def test_gunicorn_config_reads_workers_and_timeouts_from_env():
    code = (
        "import runpy, json; c = runpy.run_path('docker/gunicorn.conf.py');"
        "print(json.dumps([c['workers'], c['timeout'], c['graceful_timeout'], c['bind']]))"
    )
    env = {**os.environ, "GUNICORN_WORKERS": "7", "GUNICORN_TIMEOUT_S": "11", "GUNICORN_GRACEFUL_TIMEOUT_S": "9"}
    env["GUNICORN_BIND"] = "127.0.0.1:9999"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[7, 11, 9, "127.0.0.1:9999"]'


def test_ci_workflow_runs_the_same_test_command_with_services():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    job = workflow["jobs"]["test"]
    assert {"postgres", "redis"} <= set(job["services"])
    assert any("bash .ci/run" in step.get("run", "") for step in job["steps"])
