"""The dependency-injection container: builds every service with its collaborators.

Tests take it from `apps.get_app_config("core").container` and override a provider.
"""

from dependency_injector import containers, providers
from django.conf import settings
from django.core.cache import cache as django_cache

from apps.core.services.catalog_import import CatalogImportService
from apps.core.services.categories import CategoryService
from apps.core.services.list_cache import ListCache
from apps.core.services.products import ProductService
from apps.core.services.users import UserService


class Container(containers.DeclarativeContainer):
    """Singletons for stateless helpers and clients; a fresh Factory service per request."""

    wiring_config = containers.WiringConfiguration(packages=["apps.core.controllers"])

    cache = providers.Object(django_cache)
    list_cache = providers.Singleton(ListCache, cache=cache, timeout_s=settings.LIST_CACHE_TIMEOUT_S)

    user_service = providers.Factory(UserService)
    category_service = providers.Factory(CategoryService, list_cache=list_cache)
    product_service = providers.Factory(ProductService, list_cache=list_cache)
    catalog_import_service = providers.Factory(CatalogImportService, list_cache=list_cache)
