"""App config: builds the dependency-injection container once the registry is ready."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shop's core app; `container` holds the wired services."""

    name = "apps.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.core.containers import Container
        from apps.core.controllers import schema_hooks  # noqa: F401  registers the drf-spectacular extensions

        self.container = Container()
