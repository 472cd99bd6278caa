"""The Celery app: `celery -A config worker` runs tasks, `celery -A config beat` schedules them.

Configured from Django settings under the CELERY_ namespace (config/settings/base.py, "events and
background work"); tasks live in `apps.core.services.events.tasks`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("nexus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["apps.core.services.events"])
