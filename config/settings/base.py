"""Settings shared by every environment; `local`, `production` and `test` only override.

Every value that differs between machines comes from an environment variable read with
django-environ. With no environment at all the project runs on SQLite and an in-process cache.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- core -----------------------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_countries",
    "phonenumber_field",
    "imagekit",
    "apps.core",
]

MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",  # first: ids and times everything below
    "apps.core.controllers.errors.ErrorEnvelopeMiddleware",  # any non-JSON 4xx/5xx -> the envelope
    "apps.core.middleware.BodySizeLimitMiddleware",
    "apps.core.middleware.HealthProbeMiddleware",  # probes answer whatever the Host header
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "apps.core.controllers.http_cache.CachedProductReadMiddleware",  # cached public product reads end here
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE_S", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "connect_timeout": env.int("DB_CONNECT_TIMEOUT_S", default=5),
            # JIT off unless DB_JIT: it compiles every statement the planner costs above jit_above_cost
            # (~1 ms each, EXPLAINs of count estimates included) and never pays back on index-bound reads.
            "options": f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=15000)}"
            + ("" if env.bool("DB_JIT", default=False) else " -c jit=off"),
        }
    )
    if env.bool("DB_POOL", default=False):
        # Django's own pool (psycopg_pool, one per process) instead of persistent connections. With
        # CONN_HEALTH_CHECKS the pool checks a connection (a round trip) on every checkout.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_POOL_CHECK", default=True)
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DB_POOL_TIMEOUT_S", default=5.0),
        }
    else:
        # Django's backend with a health check that skips SELECT 1 for a connection known alive.
        DATABASES["default"]["ENGINE"] = "apps.core.infra.db.postgresql"
# Server-side prepared statements on the checkout's path (apps/core/infra/db/prepared.py); off for a
# pooler in transaction mode that does not keep them.
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- cache ----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="nexus"),
            "OPTIONS": {
                # One pool per process whose connections fail fast while Redis is down: a down Redis
                # costs one timeout, not one per call (apps.core.infra.redis_breaker).
                "CONNECTION_POOL_CLASS": "apps.core.infra.redis_breaker.CircuitBreakerPool",
                "CONNECTION_POOL_KWARGS": {"circuit_open_s": env.float("REDIS_CIRCUIT_OPEN_S", default=5.0)},
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT_S", default=0.25),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT_S", default=0.25),
                # Redis is an optimisation: a failing cache call behaves as a miss. The breaker logs
                # each outage once, not one traceback per call.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nexus"}}
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
DJANGO_REDIS_LOGGER = "apps.core.infra.redis_breaker"
LIST_CACHE_TIMEOUT_S = env.int("LIST_CACHE_TIMEOUT_S", default=300)

# --- auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_LIFETIME_MIN", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_LIFETIME_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
# Without JWT_SIGNING_KEY simplejwt signs with SECRET_KEY (set by local/test/production, so not here:
# a None or "" key here would break every token).
if env.str("JWT_SIGNING_KEY", default=""):
    SIMPLE_JWT["SIGNING_KEY"] = env.str("JWT_SIGNING_KEY")

# --- REST framework -------------------------------------------------------------------------
THROTTLE_RATES = {
    "anon": env.str("THROTTLE_RATE_ANON", default="120/min"),
    "user": env.str("THROTTLE_RATE_USER", default="600/min"),
    "login": env.str("THROTTLE_RATE_LOGIN", default="10/min"),
    "login_email": env.str("THROTTLE_RATE_LOGIN_EMAIL", default="5/min"),
    "register": env.str("THROTTLE_RATE_REGISTER", default="20/hour"),
    # Password-reset requests and verification re-sends, per signed-in user or client address.
    "account_email": env.str("THROTTLE_RATE_ACCOUNT_EMAIL", default="10/hour"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.core.controllers.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.controllers.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.controllers.permissions.PermissionAwareAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.controllers.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.controllers.throttles.AnonymousClientThrottle",
        "apps.core.controllers.throttles.AuthenticatedUserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Trusted reverse proxies in front of the app. 0: the client address (throttles) is the socket's,
# REMOTE_ADDR, and X-Forwarded-For is ignored; N: the Nth address from the right of X-Forwarded-For.
# Always set: with DRF's default (None) the address is X-Forwarded-For as the client sent it.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured(f"NUM_PROXIES must be 0 or more, not {NUM_PROXIES}.")
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES

DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "apps.core.controllers.errors.DomainExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "apps.core.controllers.errors.DomainExceptionFormatter",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Nexus Commerce API",
    "DESCRIPTION": "Catalog, cart, orders and payments for a shop's web and mobile clients.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # validatorUrl None: Swagger UI would otherwise call validator.swagger.io (no network for the docs).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "apps.core.models.shopping.orders.OrderStatus.choices",
        "PaymentStatusEnum": "apps.core.models.payments.payments.PaymentStatus.choices",
        "RefundStatusEnum": "apps.core.models.payments.refunds.RefundStatus.choices",
        "VoucherTypeEnum": "apps.core.models.promotions.vouchers.VoucherType.choices",
        "ProductStatusEnum": "apps.core.models.catalog.products.ProductStatus.choices",
        "CountryEnum": "django_countries.countries",
    },
}
# The 401/413/429 envelopes every operation can answer (found undocumented by contract fuzzing),
# and empty optional query values (DRF reads `?page=` as no page). The exact decimal patterns and
# PATCH bodies come from extensions in the same module, registered by CoreConfig.ready().
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "apps.core.controllers.schema_hooks.add_common_error_responses",
    "apps.core.controllers.schema_hooks.allow_empty_query_values",
    "apps.core.controllers.schema_hooks.hoist_blank_defaults",
]

# --- pagination -----------------------------------------------------------------------------
PAGE_SIZE_DEFAULT = 20
PAGE_SIZE_MAX = 100
SEARCH_MAX_LENGTH = env.int("SEARCH_MAX_LENGTH", default=200)
# Product lists count exactly up to this many matches, then report the planner's estimate.
PRODUCT_COUNT_EXACT_LIMIT = env.int("PRODUCT_COUNT_EXACT_LIMIT", default=10_000)
# Facets over at most this many products are exact; above, they read a sample (hashed-id buckets or
# table blocks) of about PRODUCT_FACET_SAMPLE_ROWS matching products and are flagged `count_is_estimate`
# (PostgreSQL).
PRODUCT_FACET_EXACT_LIMIT = env.int("PRODUCT_FACET_EXACT_LIMIT", default=10_000)
PRODUCT_FACET_SAMPLE_ROWS = env.int("PRODUCT_FACET_SAMPLE_ROWS", default=2_000)

# --- inventory -----------------------------------------------------------------------------
# A variant at or below this many units (when it has no low_stock_threshold of its own) is low on
# stock: GET /api/inventory/low-stock/ lists it, and falling to it raises a `stock.low` event.
LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=5)

# --- demo data -----------------------------------------------------------------------------
# Folder beside the repo holding data/dummyjson/products.json (load_demo, tests); overridable.
NEXUS_SHARED_DIR = env.path("NEXUS_SHARED_DIR", default=str(BASE_DIR.parent / "shared"))
DUMMYJSON_DIR = Path(NEXUS_SHARED_DIR) / "data" / "dummyjson"

# --- CORS and security ----------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "X-Request-ID"]
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "apps.core.controllers.errors.csrf_failure_view"
SECURE_REFERRER_POLICY = "same-origin"

# --- i18n and time --------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
SHOP_CURRENCY = env.str("SHOP_CURRENCY", default="USD")
# Whether catalog prices include tax (tax is then the part of each amount that is tax) or exclude it (added).
PRICES_INCLUDE_TAX = env.bool("PRICES_INCLUDE_TAX", default=False)
# Minutes an order may stay unpaid (`pending`) before the expiry job (every minute) expires it.
ORDER_PAYMENT_TIMEOUT_MIN = env.int("ORDER_PAYMENT_TIMEOUT_MIN", default=30)
# Most orders one run of the expiry job expires (the rest wait for the next run, a minute later).
ORDER_EXPIRY_BATCH_SIZE = env.int("ORDER_EXPIRY_BATCH_SIZE", default=500)

# --- payments -------------------------------------------------------------------------------
# PAYMENT_PROVIDER names a gateway class in apps/core/services/payments.py (GATEWAYS).
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="sandbox")
# The sandbox gateway's answer to every charge: "succeed", "decline" or "pending" (settled by webhook).
PAYMENT_SANDBOX_OUTCOME = env.str("PAYMENT_SANDBOX_OUTCOME", default="succeed")
# The sandbox gateway's answer to every refund: "succeed" or "decline" (nothing is refunded or recorded).
PAYMENT_SANDBOX_REFUND_OUTCOME = env.str("PAYMENT_SANDBOX_REFUND_OUTCOME", default="succeed")
# Shared secret of the HMAC-SHA256 webhook signature; empty rejects every webhook.
PAYMENT_WEBHOOK_SECRET = env.str("PAYMENT_WEBHOOK_SECRET", default="")
PAYMENT_WEBHOOK_SIGNATURE_HEADER = "X-Nexus-Signature"
IDEMPOTENCY_KEY_MAX_LENGTH = 255
# Keys older than this are pruned hourly (apps.core.tasks.prune_idempotency_keys); a retry after it is a new request.
IDEMPOTENCY_KEY_TTL_H = env.int("IDEMPOTENCY_KEY_TTL_H", default=24)

# --- static ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- media: uploaded images -----------------------------------------------------------------
# MEDIA_STORAGE "local": files under MEDIA_ROOT, served by the app at MEDIA_URL (apps.core.controllers.media);
# "s3": an S3-compatible bucket through django-storages (AWS_* variables, see README "Images").
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_CACHE_MAX_AGE_S = env.int("MEDIA_CACHE_MAX_AGE_S", default=365 * 24 * 3600)  # names are unique: immutable
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
IMAGE_THUMBNAIL_PX = env.int("IMAGE_THUMBNAIL_PX", default=320)  # longest side of a thumbnail
# Upload routes accept a body up to the image limit plus room for the multipart framing and fields;
# every other route keeps DATA_UPLOAD_MAX_MEMORY_SIZE (apps.core.middleware.BodySizeLimitMiddleware).
UPLOAD_MAX_BODY_BYTES = IMAGE_MAX_BYTES + 64 * 1024
UPLOAD_PATH_PATTERN = r"^/api/(products/\d+/images/|categories/\d+/image/|auth/me/avatar/)$"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
            "object_parameters": {"CacheControl": f"public, max-age={MEDIA_CACHE_MAX_AGE_S}, immutable"},
        },
    }

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shop@nexus.example")

# --- accounts -------------------------------------------------------------------------------
# Lifetime of password-reset and e-mail verification links, in seconds (Django's own setting name).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_S", default=24 * 3600)
# Where the links in account e-mails point: the shop's front end, which POSTs uid and token back.
ACCOUNT_LINK_BASE_URL = env.str("ACCOUNT_LINK_BASE_URL", default="http://localhost:8000")
# When true, an unverified user's POST /api/orders/ is a 403 `email_not_verified`.
REQUIRE_VERIFIED_EMAIL_TO_ORDER = env.bool("REQUIRE_VERIFIED_EMAIL_TO_ORDER", default=False)
# Social sign-in. Google: the OAuth client ids whose ID tokens we accept (the `aud` claim; empty
# refuses every Google token) and where Google publishes its signing certificates.
GOOGLE_OAUTH_CLIENT_IDS = env.list("GOOGLE_OAUTH_CLIENT_IDS", default=[])
GOOGLE_CERTS_URL = env.str("GOOGLE_CERTS_URL", default="https://www.googleapis.com/oauth2/v1/certs")
# Facebook: our app's id and secret (empty refuses every Facebook token) and the Graph API base URL.
FACEBOOK_APP_ID = env.str("FACEBOOK_APP_ID", default="")
FACEBOOK_APP_SECRET = env.str("FACEBOOK_APP_SECRET", default="")
FACEBOOK_GRAPH_URL = env.str("FACEBOOK_GRAPH_URL", default="https://graph.facebook.com/v19.0")
# Seconds to wait for a provider before answering 503.
SOCIAL_AUTH_TIMEOUT_S = env.float("SOCIAL_AUTH_TIMEOUT_S", default=5.0)

# --- logging --------------------------------------------------------------------------------
# One JSON object per line on stderr. Every record carries `request_id` (apps.core.middleware);
# `apps.access` writes one record per request (method, path, status, duration_ms, user_id).
# Errors are logged once, by `django.request`, with their traceback.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
ACCESS_LOG_LEVEL = env.str("ACCESS_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "apps.access": {"level": ACCESS_LOG_LEVEL},
    },
}

# --- events and background work (issue 14) --------------------------------------------------
# Celery reads every CELERY_* setting below (config/celery.py). With no CELERY_BROKER_URL the
# project runs "embedded": tasks run eagerly, in the web process, right after the transaction
# that recorded the event commits (e-mails and webhooks still go out, retries ride on later
# commits). Production sets CELERY_BROKER_URL (amqp://... RabbitMQ, or redis://...) and runs
# `celery -A config worker` and `celery -A config beat`.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="nexus")
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged when it finished, so a killed worker's task is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT_S", default=2.0)
# A publish that cannot reach the broker gives up quickly: the event stays in the outbox for the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = "UTC"
OUTBOX_SWEEP_INTERVAL_S = env.float("OUTBOX_SWEEP_INTERVAL_S", default=30.0)
# Leave fresh rows to the on-commit relay and to the worker's dispatch, which marks them published.
OUTBOX_SWEEP_MIN_AGE_S = env.float("OUTBOX_SWEEP_MIN_AGE_S", default=30.0)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=500)
# The on-commit publish goes to a background thread that waits this long for more events and sends
# them in one message (apps/core/services/events/publisher.py); 0 publishes each on the request's thread.
OUTBOX_PUBLISH_LINGER_MS = env.float("OUTBOX_PUBLISH_LINGER_MS", default=100.0)
EVENTS_RETENTION_DAYS = env.int("EVENTS_RETENTION_DAYS", default=30)
# Webhooks: seconds between tries (after try 1, 2, ...); after the last one the delivery is `failed`.
WEBHOOK_RETRY_SCHEDULE_S = [
    float(s)
    for s in env.list("WEBHOOK_RETRY_SCHEDULE_S", default=["5", "300", "1800", "7200", "18000", "36000", "36000"])
]
WEBHOOK_RETRY_JITTER = env.float("WEBHOOK_RETRY_JITTER", default=0.2)  # +-20% of each delay
WEBHOOK_TIMEOUT_S = env.float("WEBHOOK_TIMEOUT_S", default=10.0)
WEBHOOK_DUE_INTERVAL_S = env.float("WEBHOOK_DUE_INTERVAL_S", default=5.0)
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
EMAIL_RETRY_MAX = env.int("EMAIL_RETRY_MAX", default=8)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_S", default=10)  # an SMTP server that hangs fails the try, which is retried
EMAIL_RETRY_BACKOFF_MAX_S = env.int("EMAIL_RETRY_BACKOFF_MAX_S", default=600)
# Wishlist alerts: users per `events.send_wishlist_emails` task (each user is its own small transaction).
WISHLIST_EMAIL_BATCH_SIZE = env.int("WISHLIST_EMAIL_BATCH_SIZE", default=200)
# Jobs other domains provide later, by dotted path: run by beat, a no-op (logged once) until importable.
SCHEDULED_HOOKS = {
    "expire-unpaid-orders": {
        "path": env.str("ORDER_EXPIRY_HOOK", default="apps.core.tasks.expire_orders"),
        "every_s": 60,
    },
    "prune-idempotency-keys": {
        "path": env.str("IDEMPOTENCY_PRUNE_HOOK", default="apps.core.tasks.prune_idempotency_keys"),
        "every_s": 3600,
    },
}
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "events.sweep_outbox", "schedule": OUTBOX_SWEEP_INTERVAL_S},
    "webhooks-due": {"task": "events.deliver_due_webhooks", "schedule": WEBHOOK_DUE_INTERVAL_S},
    "events-prune": {"task": "events.prune_events", "schedule": 3600.0},
    **{
        name: {"task": "events.run_hook", "schedule": float(hook["every_s"]), "args": (name,)}
        for name, hook in SCHEDULED_HOOKS.items()
    },
}
# --- end events -----------------------------------------------------------------------------
