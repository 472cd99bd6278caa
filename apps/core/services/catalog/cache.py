"""The catalog's cached reads: their namespaces, their keys, and which writes change them.

This is the one place that says which cached data a catalog write changes. Every write path
(services, the admin, management commands, other domains moving stock or ratings) invalidates
through `CatalogCache`, never by naming namespaces itself.
"""

from enum import StrEnum

from apps.core.infra.versioned_cache import CacheKey, VersionedCache


class CatalogNamespace(StrEnum):
    """Namespaces of cached public catalog reads (part of every cache key)."""

    PRODUCT_LISTS = "products"  # pages of /api/products/ and their counts
    PRODUCT_DETAILS = "product"  # /api/products/{id}/
    CATEGORY_LISTS = "categories"  # pages of /api/categories/


class CatalogCache:
    """Keys of cached catalog reads, and their invalidation after writes (on commit).

    Args:
        cache: the versioned cache the entries live in.
    """

    def __init__(self, cache: VersionedCache) -> None:
        self._cache = cache

    @staticmethod
    def product_detail_key(product_id: int) -> CacheKey:
        """Key of the public detail of one product."""
        return CacheKey(CatalogNamespace.PRODUCT_DETAILS, {"id": product_id})

    @staticmethod
    def product_list_key(**params: object) -> CacheKey:
        """Key of a public product list page or count, from its validated parameters."""
        return CacheKey(CatalogNamespace.PRODUCT_LISTS, params)

    @staticmethod
    def category_list_key(**params: object) -> CacheKey:
        """Key of a public category list page, from its validated parameters."""
        return CacheKey(CatalogNamespace.CATEGORY_LISTS, params)

    def products_changed(self) -> None:
        """A product's listed data changed (fields, price, stock, rating, visibility): lists and details."""
        self._cache.invalidate(CatalogNamespace.PRODUCT_LISTS, CatalogNamespace.PRODUCT_DETAILS)

    def categories_changed(self) -> None:
        """A category changed: category lists, and product lists and details (they embed the category)."""
        self._cache.invalidate(
            CatalogNamespace.CATEGORY_LISTS, CatalogNamespace.PRODUCT_LISTS, CatalogNamespace.PRODUCT_DETAILS
        )
