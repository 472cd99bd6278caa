"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from apps.core.infra.gc_tuning import settle_after_startup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()

settle_after_startup()
