"""The Celery app: `celery -A config worker` runs tasks, `celery -A config beat` schedules them.

Configured from Django settings under the CELERY_ namespace (config/settings/base.py, "events and
background work"); tasks live in `apps.core.services.events.tasks`.
"""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("nexus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["apps.core.services.events"])


@worker_process_init.connect
def settle_worker_heap(**_signal) -> None:
    """In each prefork child, once its tasks are loaded: freeze the start-up heap, as web workers do
    (apps.core.infra.gc_tuning), so a full collection never walks Django and Celery's own objects."""
    from apps.core.infra.gc_tuning import settle_after_startup

    settle_after_startup()
