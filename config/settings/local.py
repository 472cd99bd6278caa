"""Developer settings: DEBUG on, any host, an insecure key when none is set."""

from importlib.util import find_spec

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-only-change-me-0123456789abcdefghij")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
if find_spec("django_extensions"):  # the dev extra (graph_models for `make erd`, shell_plus)
    INSTALLED_APPS = [*INSTALLED_APPS, "django_extensions"]
