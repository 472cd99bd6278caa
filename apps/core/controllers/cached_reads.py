"""Middleware answering repeated anonymous product reads straight from the response cache.

A public product list or detail that was rendered before (under the current cache generation)
is stored under its exact URL too (`ProductService.cached_list` alias; a detail under its id). This
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
from apps.core.infra.response_cache import CachedBody

PRODUCT_LIST_PATH = "/api/products/"
_PRODUCT_DETAIL_PATH = re.compile(r"^/api/products/([0-9]{1,19})/$")
DETAIL_PROBE_ATTR = "product_detail_probe"
"""Request attribute holding this middleware's cache miss for a detail, for the view to reuse."""


class CachedProductReadMiddleware:
    """Serve anonymous `GET /api/products/[{id}/]` cache hits without running the view.

    A list is looked up under its exact URL. A detail is looked up under its product id, the
    key the view stores it under; on a miss the lookup (a `Probe`, holding the cache version) is
    left on the request as `DETAIL_PROBE_ATTR`, so the view builds and stores the body without
    a second cache round trip.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and "HTTP_AUTHORIZATION" not in request.META:
            path = request.path_info
            entry = None
            if path == PRODUCT_LIST_PATH:
                entry = self._service().peek_list({"url": request.build_absolute_uri()})
            elif detail := _PRODUCT_DETAIL_PATH.match(path):
                probe = self._service().probe_detail(int(detail[1]))
                setattr(request, DETAIL_PROBE_ATTR, probe)
                entry = probe.hit
            if isinstance(entry, CachedBody):
                response = cached_response(request, entry)
                response["X-Frame-Options"] = settings.X_FRAME_OPTIONS  # its middleware comes later
                return response
        return self.get_response(request)

    @staticmethod
    def _service():
        return apps.get_app_config("core").container.product_service()
