"""The dependency-injection container: builds every service with its collaborators.

Built once in `CoreConfig.ready()`, which wires it into the controllers and the admin: they get
services through `Provide[Container.x]` markers, never from the app registry. Settings reach
services only through this container (`_setting`), read when a provider builds, not at import.
Tests take it from `apps.get_app_config("core").container` and override a provider.
"""

from dependency_injector import containers, providers
from django.conf import settings
from django.core.cache import cache as django_cache

from apps.core.controllers.http_cache import ResponseCache
from apps.core.infra.images import ImageRules, MediaFiles
from apps.core.infra.versioned_cache import VersionedCache
from apps.core.services.accounts import (
    AccountEmailConsumer,
    AccountMailer,
    AuthService,
    EmailVerificationService,
    FacebookIdentityVerifier,
    GoogleIdentityVerifier,
    PasswordResetService,
    SocialSignInService,
    UserAdministrationService,
    UserService,
    cached_http_session,
)

# --- end events ---
from apps.core.services.catalog import (
    CatalogCache,
    CatalogImportService,
    CategoryImageService,
    CategoryService,
    FacetService,
    Inventory,
    LowStockService,
    OptionTypeService,
    ProductImageService,
    ProductLister,
    ProductService,
    ReviewService,
    VariantService,
)

# --- events (issue 14) ---
from apps.core.services.events import (
    EmailConsumer,
    EventDispatcher,
    EventService,
    EventTasks,
    LingeringPublisher,
    OutboxRelay,
    UrlGuard,
    WebhookSender,
    WebhookService,
    WishlistEmailConsumer,
)
from apps.core.services.idempotency import IdempotencyService
from apps.core.services.payments import PaymentService, gateway_named
from apps.core.services.promotions import VoucherService
from apps.core.services.shipping import AddressService, ShippingMethodService, TaxRateService
from apps.core.services.shopping import (
    CartService,
    NotificationService,
    OrderExpiryService,
    OrderService,
    OrderStateMachine,
    RefundService,
    WishlistService,
)
from apps.core.services.shopping.checkout import CheckoutService


def lingering_publisher(tasks: EventTasks, linger_ms: float) -> LingeringPublisher | None:
    """The process's on-commit publisher: batching after `linger_ms` milliseconds, or None (0: publish inline)."""
    return LingeringPublisher(tasks, linger_s=linger_ms / 1000) if linger_ms > 0 else None


def _setting(name: str) -> providers.Callable:
    """A provider of `settings.<name>`, read each time it is provided (tests may override settings).

    A closure, not `Callable(getattr, settings, name)`: a container deep-copies its providers'
    arguments when it is instantiated, which would freeze a copy of the settings.
    """
    return providers.Callable(lambda: getattr(settings, name))


class Container(containers.DeclarativeContainer):
    """Singletons for stateless helpers and clients; a fresh Factory service per request."""

    wiring_config = containers.WiringConfiguration(
        packages=["apps.core.controllers", "apps.core.admin"], modules=["apps.core.tasks"]
    )

    # --- infrastructure ---
    cache = providers.Object(django_cache)
    versioned_cache = providers.Singleton(VersionedCache, cache=cache, timeout_s=_setting("LIST_CACHE_TIMEOUT_S"))
    response_cache = providers.Singleton(ResponseCache, cache=versioned_cache)
    image_rules = providers.Factory(
        ImageRules,
        max_bytes=_setting("IMAGE_MAX_BYTES"),
        max_pixels=_setting("IMAGE_MAX_PIXELS"),
        thumbnail_px=_setting("IMAGE_THUMBNAIL_PX"),
    )
    media_files = providers.Factory(MediaFiles, rules=image_rules)

    # --- catalog ---
    catalog_cache = providers.Singleton(CatalogCache, cache=versioned_cache)
    product_lister = providers.Factory(
        ProductLister, cache=versioned_cache, count_exact_limit=_setting("PRODUCT_COUNT_EXACT_LIMIT")
    )
    facet_service = providers.Factory(
        FacetService,
        lister=product_lister,
        cache=versioned_cache,
        exact_limit=_setting("PRODUCT_FACET_EXACT_LIMIT"),
        sample_rows=_setting("PRODUCT_FACET_SAMPLE_ROWS"),
    )
    category_service = providers.Factory(CategoryService, catalog_cache=catalog_cache)
    catalog_import_service = providers.Factory(CatalogImportService, catalog_cache=catalog_cache)
    review_service = providers.Factory(ReviewService, catalog_cache=catalog_cache)
    product_image_service = providers.Factory(ProductImageService, catalog_cache=catalog_cache, media=media_files)
    category_image_service = providers.Factory(CategoryImageService, catalog_cache=catalog_cache, media=media_files)

    # --- accounts ---
    auth_service = providers.Factory(AuthService)
    account_mailer = providers.Factory(
        AccountMailer, from_email=_setting("DEFAULT_FROM_EMAIL"), link_base_url=_setting("ACCOUNT_LINK_BASE_URL")
    )
    account_email_consumer = providers.Factory(AccountEmailConsumer, mailer=account_mailer)
    user_administration_service = providers.Factory(UserAdministrationService, auth=auth_service)
    google_certs_session = providers.Singleton(cached_http_session)  # certificates cached per process
    google_identity_verifier = providers.Factory(
        GoogleIdentityVerifier,
        client_ids=_setting("GOOGLE_OAUTH_CLIENT_IDS"),
        certs_url=_setting("GOOGLE_CERTS_URL"),
        timeout_s=_setting("SOCIAL_AUTH_TIMEOUT_S"),
        session=google_certs_session,
    )
    facebook_identity_verifier = providers.Factory(
        FacebookIdentityVerifier,
        app_id=_setting("FACEBOOK_APP_ID"),
        app_secret=_setting("FACEBOOK_APP_SECRET"),
        graph_url=_setting("FACEBOOK_GRAPH_URL"),
        timeout_s=_setting("SOCIAL_AUTH_TIMEOUT_S"),
    )
    social_sign_in_service = providers.Factory(
        SocialSignInService, auth=auth_service, google=google_identity_verifier, facebook=facebook_identity_verifier
    )

    # --- events (issue 14) ---
    event_tasks = providers.Singleton(EventTasks)
    url_guard = providers.Factory(UrlGuard, allow_private=_setting("WEBHOOK_ALLOW_PRIVATE_URLS"))
    # One per process: its thread batches the on-commit publishes of every request (None: publish inline).
    outbox_publisher = providers.Singleton(
        lingering_publisher, tasks=event_tasks, linger_ms=_setting("OUTBOX_PUBLISH_LINGER_MS")
    )
    outbox_relay = providers.Factory(
        OutboxRelay,
        tasks=event_tasks,
        batch_size=_setting("OUTBOX_BATCH_SIZE"),
        min_age_s=_setting("OUTBOX_SWEEP_MIN_AGE_S"),
        publisher=outbox_publisher,
    )
    event_service = providers.Factory(EventService, relay=outbox_relay)
    event_dispatcher = providers.Factory(EventDispatcher, tasks=event_tasks)
    webhook_sender = providers.Factory(
        WebhookSender,
        url_guard=url_guard,
        schedule_s=_setting("WEBHOOK_RETRY_SCHEDULE_S"),
        jitter=_setting("WEBHOOK_RETRY_JITTER"),
        timeout_s=_setting("WEBHOOK_TIMEOUT_S"),
    )
    webhook_service = providers.Factory(WebhookService, url_guard=url_guard, tasks=event_tasks)
    email_consumer = providers.Factory(EmailConsumer, from_email=_setting("DEFAULT_FROM_EMAIL"))
    wishlist_email_consumer = providers.Factory(
        WishlistEmailConsumer,
        from_email=_setting("DEFAULT_FROM_EMAIL"),
        shop_url=_setting("ACCOUNT_LINK_BASE_URL"),
        currency=_setting("SHOP_CURRENCY"),
        batch_size=_setting("WISHLIST_EMAIL_BATCH_SIZE"),
    )
    # --- end events ---

    # --- accounts: the services that record account e-mail events ---
    email_verification_service = providers.Factory(
        EmailVerificationService,
        events=event_service,
        required_to_order=_setting("REQUIRE_VERIFIED_EMAIL_TO_ORDER"),
    )
    password_reset_service = providers.Factory(PasswordResetService, events=event_service, auth=auth_service)
    user_service = providers.Factory(UserService, auth=auth_service, verification=email_verification_service)

    # --- variants and stock (after events: the inventory records stock and price events) ---
    inventory = providers.Factory(
        Inventory,
        events=event_service,
        catalog_cache=catalog_cache,
        low_stock_threshold=_setting("LOW_STOCK_THRESHOLD"),
    )
    variant_service = providers.Factory(VariantService, inventory=inventory, catalog_cache=catalog_cache)
    option_type_service = providers.Factory(OptionTypeService, catalog_cache=catalog_cache)
    low_stock_service = providers.Factory(LowStockService, low_stock_threshold=_setting("LOW_STOCK_THRESHOLD"))
    product_service = providers.Factory(
        ProductService, lister=product_lister, catalog_cache=catalog_cache, variants=variant_service
    )

    # --- shopping and payments ---
    payment_gateway = providers.Factory(
        gateway_named,
        _setting("PAYMENT_PROVIDER"),
        sandbox_outcome=_setting("PAYMENT_SANDBOX_OUTCOME"),
        sandbox_refund_outcome=_setting("PAYMENT_SANDBOX_REFUND_OUTCOME"),
    )
    notification_service = providers.Factory(NotificationService, events=event_service)  # events: issue 14
    voucher_service = providers.Factory(VoucherService)
    order_state_machine = providers.Factory(
        OrderStateMachine,
        catalog_cache=catalog_cache,
        notifier=notification_service,
        gateway=payment_gateway,
        inventory=inventory,
        vouchers=voucher_service,
    )
    cart_service = providers.Factory(CartService)
    idempotency_service = providers.Singleton(IdempotencyService)  # stateless
    wishlist_service = providers.Factory(WishlistService)

    # --- shipping and promotions ---
    address_service = providers.Factory(AddressService)
    shipping_method_service = providers.Factory(ShippingMethodService)
    tax_rate_service = providers.Factory(TaxRateService)
    checkout_service = providers.Factory(
        CheckoutService,
        carts=cart_service,
        addresses=address_service,
        shipping=shipping_method_service,
        taxes=tax_rate_service,
        vouchers=voucher_service,
        currency=_setting("SHOP_CURRENCY"),
        prices_include_tax=_setting("PRICES_INCLUDE_TAX"),
    )

    # --- orders (they price with the checkout, take voucher uses, move through the state machine) ---
    order_service = providers.Factory(
        OrderService,
        catalog_cache=catalog_cache,
        notifier=notification_service,
        state_machine=order_state_machine,
        idempotency=idempotency_service,
        checkout=checkout_service,
        vouchers=voucher_service,
        inventory=inventory,
        currency=_setting("SHOP_CURRENCY"),
    )
    payment_service = providers.Factory(
        PaymentService,
        gateway=payment_gateway,
        state_machine=order_state_machine,
        webhook_secret=_setting("PAYMENT_WEBHOOK_SECRET"),
        idempotency=idempotency_service,
    )
    refund_service = providers.Factory(
        RefundService,
        gateway=payment_gateway,
        state_machine=order_state_machine,
        notifier=notification_service,
        idempotency=idempotency_service,
    )
    order_expiry_service = providers.Factory(
        OrderExpiryService, state_machine=order_state_machine, batch_size=_setting("ORDER_EXPIRY_BATCH_SIZE")
    )
