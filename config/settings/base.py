"""Settings shared by every environment; `local`, `production` and `test` only override.

Every value that differs between machines comes from an environment variable read with
django-environ. With no environment at all the project runs on SQLite and an in-process cache.
"""

from datetime import timedelta
from pathlib import Path

import environ

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
    # Django's backend with a health check that skips SELECT 1 for a connection known alive.
    DATABASES["default"]["ENGINE"] = "apps.core.infra.db.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "connect_timeout": env.int("DB_CONNECT_TIMEOUT_S", default=5),
            "options": f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=15000)}",
        }
    )
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
                # DefaultClient plus a circuit breaker: a down Redis costs one timeout, not one per call.
                "CLIENT_CLASS": "apps.core.infra.redis_breaker.CircuitBreakerClient",
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT_S", default=0.25),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT_S", default=0.25),
                # Redis is an optimisation: a failing cache call logs and behaves as a miss.
                # The breaker logs each outage once (apps.core.infra.redis_breaker), not one traceback per call.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nexus"}}
REDIS_CIRCUIT_OPEN_S = env.float("REDIS_CIRCUIT_OPEN_S", default=5.0)
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
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
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
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if NUM_PROXIES:
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
        "VoucherTypeEnum": "apps.core.models.promotions.vouchers.VoucherType.choices",
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
# pg_trgm word_similarity a product name needs for the typo fallback of a search.
SEARCH_TRIGRAM_THRESHOLD = env.float("SEARCH_TRIGRAM_THRESHOLD", default=0.3)

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

# --- payments -------------------------------------------------------------------------------
# PAYMENT_PROVIDER names a gateway class in apps/core/services/payments.py (GATEWAYS).
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="sandbox")
# The sandbox gateway's answer to every charge: "succeed", "decline" or "pending" (settled by webhook).
PAYMENT_SANDBOX_OUTCOME = env.str("PAYMENT_SANDBOX_OUTCOME", default="succeed")
# Shared secret of the HMAC-SHA256 webhook signature; empty rejects every webhook.
PAYMENT_WEBHOOK_SECRET = env.str("PAYMENT_WEBHOOK_SECRET", default="")
PAYMENT_WEBHOOK_SIGNATURE_HEADER = "X-Nexus-Signature"
IDEMPOTENCY_KEY_MAX_LENGTH = 255

# --- static ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

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
