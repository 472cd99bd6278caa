"""Cached reads the way the HTTP layer makes them: a service's cache key, the versioned cache, a rendered body.

`apps.core.controllers.http_cache.ResponseCache` stores `CachedBody.of(render(...))` under the key a
service gives for a read; these helpers do the same without a request, so service tests can check
which writes make a cached read stale.
"""

from django.apps import apps

from apps.core.controllers.http_cache import CachedBody
from apps.core.infra.versioned_cache import Lookup


def _cache():
    return apps.get_app_config("core").container.versioned_cache()


def cached_list(service, filters, *, page: int = 1, page_size: int = 20, render) -> CachedBody:
    """A product list page rendered by `render(page)`, from the cache when current."""
    key = service.list_key(filters, page=page, page_size=page_size)
    return _cache().get_or_compute(
        key, lambda: CachedBody.of(render(service.list_page(filters, page=page, page_size=page_size)))
    )


def detail_lookup(service, product_id: int) -> Lookup:
    """The cache lookup of a product's public detail (what the pre-view middleware does)."""
    return _cache().lookup(service.detail_key(product_id))


def cached_detail(service, product_id: int, *, render, lookup: Lookup | None = None) -> CachedBody:
    """A product's public detail rendered by `render(product)`, from the cache when current."""
    return _cache().get_or_compute(
        service.detail_key(product_id), lambda: CachedBody.of(render(service.get(product_id))), lookup=lookup
    )


def cached_categories(service, *, parent=None, page: int = 1, page_size: int = 20, render) -> CachedBody:
    """A category list page rendered by `render(page)`, from the cache when current."""
    key = service.list_key(parent=parent, page=page, page_size=page_size)
    return _cache().get_or_compute(
        key, lambda: CachedBody.of(render(service.list_page(parent=parent, page=page, page_size=page_size)))
    )
