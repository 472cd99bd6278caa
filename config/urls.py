"""Root URLs: the API, its docs, the admin and the probes."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from apps.core.controllers.health import healthz, readyz

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

handler400 = "apps.core.controllers.errors.bad_request_view"
handler403 = "apps.core.controllers.errors.permission_denied_view"
handler404 = "apps.core.controllers.errors.not_found_view"
handler500 = "apps.core.controllers.errors.server_error_view"
