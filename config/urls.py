"""Root URLs: the API, its docs, the admin and the probes."""

import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.core.controllers.health import healthz, readyz
from apps.core.controllers.media import serve_media

urlpatterns = [
    path("api/", include("apps.core.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc_offline.html"),  # no web fonts
        name="redoc",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/", healthz),
    path("readyz", readyz, name="readyz"),
    path("readyz/", readyz),
]
if settings.MEDIA_STORAGE == "local" and settings.MEDIA_URL.startswith("/"):  # S3 or a CDN serve their own URLs
    urlpatterns.append(re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", serve_media))

handler400 = "apps.core.controllers.errors.bad_request_view"
handler403 = "apps.core.controllers.errors.permission_denied_view"
handler404 = "apps.core.controllers.errors.not_found_view"
handler500 = "apps.core.controllers.errors.server_error_view"
