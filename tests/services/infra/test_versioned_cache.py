"""The versioned cache: hits, invalidation on commit, key normalization, Redis down; cached reads of services.

"Redis down" uses a real django-redis client pointed at a closed port (127.0.0.1:1), not a mock:
every call really fails, and IGNORE_EXCEPTIONS turns it into a miss that is logged, not raised.
"""

import logging
from decimal import Decimal

import pytest
from dependency_injector import providers
from django.conf import settings
from django.core.cache import cache as default_cache
from django.db import transaction
from django_redis.cache import RedisCache

from apps.core.infra.versioned_cache import CacheKey, VersionedCache, normalize_params
from apps.core.services.catalog.categories import CategoryInput
from apps.core.services.catalog.products import ProductFilters, ProductInput
from tests.cached_reads import cached_categories, cached_detail, cached_list, detail_lookup
from tests.factories import CategoryFactory, ProductFactory

CACHE_LOGGER = settings.DJANGO_REDIS_LOGGER

pytestmark = pytest.mark.django_db  # invalidate() defers to transaction.on_commit


@pytest.fixture
def dead_cache(settings) -> RedisCache:
    """A real django-redis cache whose server does not exist (port 1 is closed).

    django-redis logs each ignored failure to DJANGO_REDIS_LOGGER when
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS is on (read when the cache is built); it is pinned on here
    so the test checks "logged, not raised" whatever client a deployment layers on top.
    """
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    return RedisCache(
        "redis://127.0.0.1:1/0",
        {
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.1,
                "SOCKET_TIMEOUT": 0.1,
                "IGNORE_EXCEPTIONS": True,
            }
        },
    )


@pytest.fixture
def dead_list_cache(container, dead_cache):
    """The container's VersionedCache replaced by one over an unreachable Redis, for services and HTTP."""
    versioned_cache = VersionedCache(dead_cache, timeout_s=60)
    with container.versioned_cache.override(providers.Object(versioned_cache)):
        yield versioned_cache


class Builder:
    """A build callable that counts its calls."""

    def __init__(self, body: bytes = b'{"x":1}') -> None:
        self.body, self.calls = body, 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.body


def page_skus(service, filters=None, **kwargs) -> list[str]:
    page = service.list_page(filters or ProductFilters(), page=1, page_size=kwargs.get("page_size", 20))
    return [p.sku for p in page.items]


# --- VersionedCache itself -----------------------------------------------------------------------
def test_normalize_params_ignores_order_and_nones():
    assert normalize_params({"b": 1, "a": "x", "c": None}) == normalize_params({"a": "x", "b": 1})
    assert normalize_params({"a": 1}) != normalize_params({"a": 2})


def test_get_or_compute_builds_once_then_hits():
    versioned_cache, build = VersionedCache(default_cache, timeout_s=60), Builder()
    first = versioned_cache.get_or_compute(CacheKey("ns", {"a": 1, "b": 2}), build)
    second = versioned_cache.get_or_compute(CacheKey("ns", {"b": 2, "a": 1}), build)
    assert build.calls == 1
    assert first == second == b'{"x":1}'


def test_get_or_compute_keys_differ_by_params_and_namespace():
    versioned_cache, build = VersionedCache(default_cache, timeout_s=60), Builder()
    versioned_cache.get_or_compute(CacheKey("ns", {"a": 1}), build)
    versioned_cache.get_or_compute(CacheKey("ns", {"a": 2}), build)
    versioned_cache.get_or_compute(CacheKey("other", {"a": 1}), build)
    assert build.calls == 3


def test_a_failing_build_caches_nothing():
    versioned_cache = VersionedCache(default_cache, timeout_s=60)

    def boom() -> bytes:
        raise LookupError("no such page")

    with pytest.raises(LookupError):
        versioned_cache.get_or_compute(CacheKey("ns", {}), boom)
    build = Builder()
    versioned_cache.get_or_compute(CacheKey("ns", {}), build)
    assert build.calls == 1


def test_invalidate_after_commit_drops_the_old_pages(django_capture_on_commit_callbacks):
    versioned_cache, build = VersionedCache(default_cache, timeout_s=60), Builder()
    versioned_cache.get_or_compute(CacheKey("ns", {}), build)
    with django_capture_on_commit_callbacks(execute=True):
        versioned_cache.invalidate("ns")
    versioned_cache.get_or_compute(CacheKey("ns", {}), build)
    assert build.calls == 2


def test_invalidate_waits_for_the_commit(django_capture_on_commit_callbacks):
    versioned_cache, build = VersionedCache(default_cache, timeout_s=60), Builder()
    versioned_cache.get_or_compute(CacheKey("ns", {}), build)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            versioned_cache.invalidate("ns")
            versioned_cache.get_or_compute(CacheKey("ns", {}), build)  # before commit: the old generation still serves
            assert build.calls == 1
    assert len(callbacks) == 1
    versioned_cache.get_or_compute(CacheKey("ns", {}), build)
    assert build.calls == 2


def test_invalidate_touches_only_its_namespaces(django_capture_on_commit_callbacks):
    versioned_cache, products, categories = VersionedCache(default_cache, timeout_s=60), Builder(), Builder()
    versioned_cache.get_or_compute(CacheKey("products", {}), products)
    versioned_cache.get_or_compute(CacheKey("categories", {}), categories)
    with django_capture_on_commit_callbacks(execute=True):
        versioned_cache.invalidate("products")
    versioned_cache.get_or_compute(CacheKey("products", {}), products)
    versioned_cache.get_or_compute(CacheKey("categories", {}), categories)
    assert (products.calls, categories.calls) == (2, 1)


def test_unreachable_redis_builds_every_time_and_logs(dead_cache, caplog, django_capture_on_commit_callbacks):
    versioned_cache, build = VersionedCache(dead_cache, timeout_s=60), Builder()
    with caplog.at_level(logging.ERROR, logger=CACHE_LOGGER):
        assert versioned_cache.get_or_compute(CacheKey("ns", {}), build) == b'{"x":1}'
        assert versioned_cache.get_or_compute(CacheKey("ns", {}), build) == b'{"x":1}'
        with django_capture_on_commit_callbacks(execute=True):
            versioned_cache.invalidate("ns")  # the bump fails: logged, not raised
    assert build.calls == 2
    failures = [r for r in caplog.records if r.name == CACHE_LOGGER]
    assert failures
    assert all(r.exc_info for r in failures)


def test_redis_settings_ignore_exceptions():
    assert settings.DJANGO_REDIS_IGNORE_EXCEPTIONS is True
    if settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
        assert settings.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


# --- through the services -------------------------------------------------------------------


def test_cached_list_second_read_runs_no_query(product_service, django_assert_num_queries):
    ProductFactory.create_batch(3)

    def render(page) -> bytes:
        return str([p.pk for p in page.items]).encode()

    first = cached_list(product_service, ProductFilters(), page=1, page_size=20, render=render)
    with django_assert_num_queries(0):
        second = cached_list(product_service, ProductFilters(), page=1, page_size=20, render=render)
    assert first == second


def test_cached_detail_second_read_runs_no_query(product_service, django_assert_num_queries):
    product = ProductFactory()
    cached_detail(product_service, product.pk, render=lambda p: p.sku.encode())
    with django_assert_num_queries(0):
        assert cached_detail(product_service, product.pk, render=lambda p: p.sku.encode()).body == product.sku.encode()


def test_cached_category_list_second_read_runs_no_query(category_service, django_assert_num_queries):
    CategoryFactory.create_batch(2)

    def render(page) -> bytes:
        return str([c.pk for c in page.items]).encode()

    cached_categories(category_service, parent=None, page=1, page_size=20, render=render)
    with django_assert_num_queries(0):
        cached_categories(category_service, parent=None, page=1, page_size=20, render=render)


def test_services_work_with_redis_down(container, dead_list_cache, caplog, django_capture_on_commit_callbacks):
    product_service, category_service = container.product_service(), container.category_service()
    category = CategoryFactory()
    ProductFactory(sku="UP", category=category)

    def render(page) -> bytes:
        return ",".join(p.sku for p in page.items).encode()

    with caplog.at_level(logging.ERROR, logger=CACHE_LOGGER):
        assert cached_list(product_service, ProductFilters(), page=1, page_size=20, render=render).body == b"UP"
        with django_capture_on_commit_callbacks(execute=True):
            product_service.create(
                ProductInput(name="New", sku="NEW", price=Decimal("1.00"), stock=1, category=category.pk)
            )
            category_service.update(category.pk, CategoryInput(name="Renamed"))
        body = cached_list(product_service, ProductFilters(ordering="name"), page=1, page_size=20, render=render).body
    assert body == b"NEW,UP"
    assert any(r.name == CACHE_LOGGER for r in caplog.records)


def test_a_detail_probe_stands_for_the_lookup_of_the_build(product_service, django_assert_num_queries):
    product = ProductFactory(sku="PROBE-1")
    assert detail_lookup(product_service, product.pk).version is None  # a fresh cache has no generation yet
    cached_detail(product_service, ProductFactory().pk, render=lambda p: b"{}")  # creates it
    probe = detail_lookup(product_service, product.pk)
    assert not probe.hit
    assert probe.version is not None
    calls = []
    real_get_many = default_cache.get_many
    default_cache.get_many = lambda keys, *a, **k: calls.append(keys) or real_get_many(keys, *a, **k)
    try:
        body = cached_detail(product_service, product.pk, render=lambda p: p.sku.encode(), lookup=probe).body
    finally:
        del default_cache.get_many
    assert body == b"PROBE-1"
    assert calls == []  # no second lookup: the probe's version was used
    hit = detail_lookup(product_service, product.pk).value
    assert hit is not None
    assert hit.body == b"PROBE-1"


def test_a_probe_older_than_a_write_stores_nothing_a_reader_can_see(
    product_service, django_capture_on_commit_callbacks
):
    product = ProductFactory(price=Decimal("5.00"))
    render = lambda p: str(p.price).encode()  # noqa: E731
    cached_detail(product_service, ProductFactory().pk, render=render)  # the namespace has a generation
    stale_probe = detail_lookup(product_service, product.pk)
    with django_capture_on_commit_callbacks(execute=True):
        product_service.update(product.pk, ProductInput(price=Decimal("7.00")))  # bumps the generation
    cached_detail(product_service, product.pk, render=render, lookup=stale_probe)
    assert not detail_lookup(product_service, product.pk).hit  # stored under the old version only
    assert cached_detail(product_service, product.pk, render=render).body == b"7.00"


def test_a_probe_of_other_params_is_ignored(product_service):
    first, second = ProductFactory(sku="A-1"), ProductFactory(sku="B-2")
    cached_detail(product_service, ProductFactory().pk, render=lambda p: b"{}")  # the namespace has a generation
    probe = detail_lookup(product_service, first.pk)
    assert probe.version is not None
    body = cached_detail(product_service, second.pk, render=lambda p: p.sku.encode(), lookup=probe).body
    assert body == b"B-2"
    assert not detail_lookup(product_service, first.pk).hit
    assert detail_lookup(product_service, second.pk).value.body == b"B-2"


def test_entries_of_another_format_are_misses():
    """An entry written by an older release (same key, version without the format) is never served."""
    versioned_cache, build = VersionedCache(default_cache, timeout_s=60), Builder()
    key = CacheKey("ns", {"a": 1})
    lookup = versioned_cache.lookup(key, create=True)
    old_version = lookup.version.split(".", 1)[1]  # "<epoch>.<generation>", as the old release wrote it
    default_cache.set(key.storage_key, (old_version, ("old body", '"etag"')), 60)
    assert not versioned_cache.lookup(key).hit
    assert versioned_cache.get_or_compute(key, build) == b'{"x":1}'
    assert build.calls == 1
