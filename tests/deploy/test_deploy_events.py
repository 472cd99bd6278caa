"""The compose file's background-work services (issue 14): RabbitMQ, a Celery worker and beat."""

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parent.parent.parent / "docker-compose.yml"


def _services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_rabbitmq_worker_and_beat_have_health_checks():
    services = _services()
    for name in ("rabbitmq", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name


def test_worker_and_beat_run_the_web_image_with_celery():
    services = _services()
    for name in ("worker", "beat"):
        assert services[name]["image"] == services["web"]["image"]
        assert services[name]["command"][:4] == ["celery", "-A", "config", name]
        assert services[name]["environment"]["CELERY_BROKER_URL"].startswith("amqp://")
        assert services[name]["environment"]["RUN_MIGRATIONS"] == "0"  # web migrates


def test_web_publishes_to_rabbitmq_but_does_not_wait_for_it():
    web = _services()["web"]
    assert web["environment"]["CELERY_BROKER_URL"].startswith("amqp://")
    assert "rabbitmq" not in web["depends_on"]  # events wait in the outbox while the broker is down
