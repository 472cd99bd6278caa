"""Test settings: a fast hasher; database and cache still come from DATABASE_URL / REDIS_URL."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="test-secret-key-not-for-production-0123456789abcdefghijkl")
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
INSTALLED_APPS = [*INSTALLED_APPS, "django_extensions"]  # dev extra: graph_models for the ERD check (tests/docs)
# events (issue 14): the fault tests point their worker processes at a real SMTP server
EMAIL_BACKEND = env.str("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
# The on-commit publish runs inline, so a test sees the message as soon as the transaction commits;
# tests/services/events/test_publisher.py covers the lingering publisher (the deployed default).
OUTBOX_PUBLISH_LINGER_MS = env.float("OUTBOX_PUBLISH_LINGER_MS", default=0.0)
