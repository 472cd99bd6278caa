"""Shared fixtures: the DI container, services, API clients with JWTs, a clean cache per test."""

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import AdminFactory, UserFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    """Every test starts with an empty cache (throttle counters and cached pages included)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def container():
    """The application's dependency-injection container."""
    return apps.get_app_config("core").container


@pytest.fixture
def product_service(container):
    return container.product_service()


@pytest.fixture
def category_service(container):
    return container.category_service()


@pytest.fixture
def user_service(container):
    return container.user_service()


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous client."""
    return APIClient()


def client_for(user) -> APIClient:
    """A client sending `Authorization: Bearer <access>` for `user`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    client.user = user
    return client


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def customer_client(customer) -> APIClient:
    return client_for(customer)


@pytest.fixture
def admin_client(admin_user) -> APIClient:
    return client_for(admin_user)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """Skip tests marked `postgres` when the suite runs on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] in ("django.db.backends.postgresql", "apps.core.infra.db.postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def cart_service(container):
    return container.cart_service()


@pytest.fixture
def order_service(container):
    return container.order_service()


@pytest.fixture
def payment_service(container):
    return container.payment_service()


@pytest.fixture
def review_service(container):
    return container.review_service()


@pytest.fixture
def wishlist_service(container):
    return container.wishlist_service()


@pytest.fixture
def admin_site_client(db):
    """A Django test client logged in to /admin/ as a superuser."""
    from django.test import Client

    client = Client()
    client.force_login(AdminFactory(is_superuser=True))
    return client


@pytest.fixture
def media_root(settings, tmp_path):
    """A fresh, empty MEDIA_ROOT on local storage for the test (uploads land here)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return root


# --- events (issue 14) ---
@pytest.fixture
def event_service(container):
    return container.event_service()


@pytest.fixture
def outbox_relay(container):
    return container.outbox_relay()


@pytest.fixture
def queue():
    """A RabbitMQ queue of this test's own (tests/events_support.py's broker helpers take its name); purged after."""
    from tests.events_support import RABBITMQ_URL, purge_queue, unique_queue

    name = unique_queue()
    yield name
    purge_queue(RABBITMQ_URL, name)


# --- end events ---
