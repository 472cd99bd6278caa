"""The dependency-injection container: builds every service with its collaborators.

Tests take it from `apps.get_app_config("core").container` and override a provider.
"""

from dependency_injector import containers, providers
from django.conf import settings
from django.core.cache import cache as django_cache

from apps.core.infra.response_cache import ListCache
from apps.core.services.accounts import UserService
from apps.core.services.catalog import CatalogImportService, CategoryService, ProductService, ReviewService
from apps.core.services.payments import PaymentService, gateway_from_settings
from apps.core.services.shopping import (
    CartService,
    NotificationService,
    OrderService,
    OrderStateMachine,
    WishlistService,
)


class Container(containers.DeclarativeContainer):
    """Singletons for stateless helpers and clients; a fresh Factory service per request."""

    wiring_config = containers.WiringConfiguration(packages=["apps.core.controllers"])

    cache = providers.Object(django_cache)
    list_cache = providers.Singleton(ListCache, cache=cache, timeout_s=settings.LIST_CACHE_TIMEOUT_S)

    user_service = providers.Factory(UserService)
    category_service = providers.Factory(CategoryService, list_cache=list_cache)
    product_service = providers.Factory(ProductService, list_cache=list_cache)
    catalog_import_service = providers.Factory(CatalogImportService, list_cache=list_cache)

    # --- shopping ---
    payment_gateway = providers.Factory(gateway_from_settings)  # PAYMENT_PROVIDER, read per call
    notification_service = providers.Factory(NotificationService)
    order_state_machine = providers.Factory(
        OrderStateMachine, list_cache=list_cache, notifier=notification_service, gateway=payment_gateway
    )
    cart_service = providers.Factory(CartService)
    order_service = providers.Factory(
        OrderService, list_cache=list_cache, notifier=notification_service, state_machine=order_state_machine
    )
    payment_service = providers.Factory(
        PaymentService,
        gateway=payment_gateway,
        state_machine=order_state_machine,
        webhook_secret=providers.Callable(lambda: settings.PAYMENT_WEBHOOK_SECRET),
    )
    review_service = providers.Factory(ReviewService, list_cache=list_cache)
    wishlist_service = providers.Factory(WishlistService)
