"""Serving uploaded files from MEDIA_ROOT when MEDIA_STORAGE is "local" (in production too).

Stored names are unique (a uuid per upload), so a file never changes under its URL: responses are
cacheable for MEDIA_CACHE_MAX_AGE_S (`immutable`). `X-Content-Type-Options: nosniff` and a
`default-src 'none'` content security policy make sure a browser treats them as images only.
Paths are resolved inside MEDIA_ROOT by Django's `serve` (`safe_join`: no `..` escape, no
directory listings); only GET and HEAD are answered.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from django.views.static import serve


@require_safe
def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """The file `path` under MEDIA_ROOT with long cache headers; 404 (envelope) when it does not exist."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT, show_indexes=False)
    response["Cache-Control"] = f"public, max-age={settings.MEDIA_CACHE_MAX_AGE_S}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
