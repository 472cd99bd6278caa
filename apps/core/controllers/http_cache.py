"""HTTP response caching, in one place: rendered bodies, ETag / 304, URL aliases and the pre-view fast path.

Services say *which* cached data a read belongs to (a `CacheKey`) and which writes invalidate it;
this module decides *what* is stored for HTTP: the rendered JSON body and its ETag, under the
service's key (plus the base URL when the body holds links), and, for product lists, also under
the exact request URL. `CachedProductReadMiddleware`, placed right after the security and CORS
middleware, finds such a body in one Redis round trip and returns it before sessions, CSRF,
authentication, URL resolution, DRF (authentication, throttling, validation) and rendering run.
That is the whole cost of a cache hit. Requests carrying `Authorization` always take the full
path, so a bad token is still a 401 and staff still see inactive products.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from dependency_injector.wiring import Provide, inject
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from apps.core.infra.versioned_cache import CacheKey, Lookup, VersionedCache
from apps.core.services.catalog import CatalogNamespace, ProductService

PRODUCT_LIST_PATH = "/api/products/"
PRODUCT_FACETS_PATH = "/api/products/facets/"
_PRODUCT_DETAIL_PATH = re.compile(r"^/api/products/([0-9]{1,19})/$")
_LOOKUP_ATTR = "_response_cache_lookup"  # the middleware's miss, reused by `ResponseCache.respond`
# The container imports this module (it builds ResponseCache), so the marker names the provider.


@dataclass(frozen=True)
class CachedBody:
    """A rendered response body and its strong ETag (quoted sha256 prefix of the body)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "CachedBody":
        return cls(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def cached_response(request: HttpRequest, entry: CachedBody) -> HttpResponse:
    """Serve a cached body with its ETag; 304 with no body when If-None-Match matches."""
    if_none_match = request.headers.get("If-None-Match", "")
    if entry.etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match.strip() == "*":
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(entry.body, content_type="application/json")
    response["ETag"] = entry.etag
    response["Cache-Control"] = "no-cache"
    return response


class ResponseCache:
    """Rendered JSON bodies of public reads in the versioned cache, served with ETag / 304.

    Args:
        cache: the versioned cache; the services' keys say which writes invalidate an entry.
    """

    def __init__(self, cache: VersionedCache) -> None:
        self._cache = cache

    def respond(
        self,
        request: HttpRequest,
        key: CacheKey,
        render: Callable[[], bytes],
        *,
        links: bool = False,
        url_alias: bool = False,
    ) -> HttpResponse:
        """The response for a public read: the cached body when current, else `render()` stored under `key`.

        Args:
            key: the service's key of what the body shows.
            render: builds the body (bytes) from the database; nothing is stored when it raises.
            links: the body holds absolute links (`next`/`previous`): it is keyed by the base URL too.
            url_alias: also store it under the exact request URL, where `CachedProductReadMiddleware`
                finds it without validating anything.
        """
        if links:
            key = key.with_params(base_url=request.build_absolute_uri("/"))
        aliases = (CacheKey(key.namespace, {"url": request.build_absolute_uri()}),) if url_alias else ()
        entry = self._cache.get_or_compute(
            key, lambda: CachedBody.of(render()), lookup=getattr(request, _LOOKUP_ATTR, None), also_under=aliases
        )
        return cached_response(request, entry)

    def serve_hit(self, request: HttpRequest, key: CacheKey) -> HttpResponse | None:
        """The cached response for `key`, or None on a miss (one round trip; the miss is kept for `respond`)."""
        lookup: Lookup = self._cache.lookup(key)
        if lookup.hit:
            return cached_response(request, lookup.value)
        setattr(request, _LOOKUP_ATTR, lookup)
        return None


class CachedProductReadMiddleware:
    """Serve anonymous `GET /api/products/[{id}/]` and `/api/products/facets/` cache hits without running the view.

    A list or facets body is looked up under its exact URL; a detail under the service's detail key, and on a miss
    the lookup (holding the cache version) is reused by the view, so it builds and stores the
    body without a second cache round trip.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and "HTTP_AUTHORIZATION" not in request.META:
            path = request.path_info
            key = None
            if path in (PRODUCT_LIST_PATH, PRODUCT_FACETS_PATH):
                key = CacheKey(CatalogNamespace.PRODUCT_LISTS, {"url": request.build_absolute_uri()})
            elif detail := _PRODUCT_DETAIL_PATH.match(path):
                key = ProductService.detail_key(int(detail[1]))
            response = _serve_hit(request, key) if key is not None else None
            if response is not None:
                response["X-Frame-Options"] = settings.X_FRAME_OPTIONS  # its middleware comes later
                return response
        return self.get_response(request)


@inject
def _serve_hit(
    request: HttpRequest, key: CacheKey, response_cache: ResponseCache = Provide["response_cache"]
) -> HttpResponse | None:
    return response_cache.serve_hit(request, key)
