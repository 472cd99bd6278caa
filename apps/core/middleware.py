"""Request id, structured access log and request body limit.

`RequestIdMiddleware` runs first: it takes the caller's `X-Request-ID` when it is sane (1-128
characters of letters, digits and `._:-`) or generates one (32 hex digits), exposes it as
`request.request_id` and to every log record of the request (`RequestIdLogFilter`), echoes it
in the `X-Request-ID` response header, and writes one access log record per request.

Access log record (logger `apps.access`, JSON through the `json` formatter):
`{"message": "request", "request_id", "method", "path", "status", "duration_ms", "user_id"}`.
Only the path is logged, never the query string, headers or body: those may hold tokens or
passwords.
"""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import LazyObject, empty

from apps.core.envelope import envelope_response

access_logger = logging.getLogger("apps.access")

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served by this thread/task, or None outside a request."""
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    """Accept a caller's request id if it is sane, else make a new one (uuid4 hex)."""
    if header and _SANE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` (or None) to every log record so the JSON formatter emits it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs after the middleware returned, but passes the request along.
            record.request_id = current_request_id() or getattr(getattr(record, "request", None), "request_id", None)
        return True


def _user_id(request: HttpRequest) -> int | None:
    """The authenticated user's id, without triggering a database query that is not done yet."""
    user = request.__dict__.get("user")  # DRF replaces Django's lazy user once it authenticated
    if user is None or (isinstance(user, LazyObject) and user._wrapped is empty):
        return None  # an untouched lazy user: nobody looked at who sent this request
    try:
        return user.pk if user.is_authenticated else None
    except Exception:  # noqa: BLE001 - a broken user object must not break the access log
        return None


class RequestIdMiddleware:
    """Request id in, request id out, one access log record per request (first in MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            access_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            _request_id.reset(token)


class BodySizeLimitMiddleware:
    """Refuse a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE bytes with 413 in the error envelope.

    Image upload routes (paths matching UPLOAD_PATH_PATTERN) allow UPLOAD_MAX_BODY_BYTES instead.

    DRF's parsers read the request stream directly, so Django's own check (on `request.body`)
    never runs for API calls; this one looks at Content-Length before anything reads the body.
    A body without Content-Length is read as empty by Django's WSGI request, so it cannot grow
    past the limit either.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if re.match(settings.UPLOAD_PATH_PATTERN, request.path):
            limit = settings.UPLOAD_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return envelope_response(413, "request_too_large", f"The request body must not exceed {limit} bytes.")
        return self.get_response(request)


class HealthProbeMiddleware:
    """Answer `/healthz` and `/readyz` before Host validation and the HTTPS redirect.

    Orchestrators probe a container by its own address (`Host: 10.0.3.7:8000`, `127.0.0.1:8000`),
    which ALLOWED_HOSTS rightly does not list; the probes reveal nothing but up/down states.
    """

    PROBES = {"/healthz", "/healthz/", "/readyz", "/readyz/"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in self.PROBES and request.method in ("GET", "HEAD"):
            from apps.core.controllers.health import healthz, readyz

            return readyz(request) if request.path.startswith("/readyz") else healthz(request)
        return self.get_response(request)
