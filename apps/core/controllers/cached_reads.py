"""Middleware answering repeated anonymous product reads straight from the response cache.

A public product list or detail that was rendered before (under the current cache generation)
is stored under its exact URL too (`ProductService.cached_list` / `cached_detail` aliases). This
middleware, placed right after the security and CORS middleware, finds such a body in one Redis
round trip and returns it, with its ETag (304 on `If-None-Match`), before sessions, CSRF,
authentication, URL resolution, DRF (authentication, throttling, validation) and rendering
run. That is the whole cost of a cache hit. Requests carrying `Authorization` always take the
full path, so a bad token is still a 401 and admins still see inactive products.
"""

import re
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from apps.core.controllers.responses import cached_response
from apps.core.services.list_cache import CachedBody

PRODUCT_LIST_PATH = "/api/products/"
_PRODUCT_DETAIL_PATH = re.compile(r"^/api/products/[0-9]+/$")


class CachedProductReadMiddleware:
    """Serve anonymous `GET /api/products/[{id}/]` cache hits without running the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and "HTTP_AUTHORIZATION" not in request.META:
            path = request.path_info
            is_list = path == PRODUCT_LIST_PATH
            if is_list or _PRODUCT_DETAIL_PATH.match(path):
                service = apps.get_app_config("core").container.product_service()
                alias = {"url": request.build_absolute_uri()}
                entry = service.peek_list(alias) if is_list else service.peek_detail(alias)
                if isinstance(entry, CachedBody):
                    response = cached_response(request, entry)
                    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS  # its middleware comes later
                    return response
        return self.get_response(request)
