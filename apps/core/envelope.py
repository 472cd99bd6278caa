"""The error envelope every 4xx/5xx answer carries: one builder, one rendering.

`{"type": "client_error"|"server_error"|"validation_error", "errors": [{"code", "detail", "attr"}]}`,
rendered as compact JSON, byte for byte as DRF's JSONRenderer renders the envelope of API errors
(drf-standardized-errors). Used by the Django error views and middleware, the readiness probe and
gunicorn's own rejections. It imports nothing from Django at import time: gunicorn's master loads it
before the application, and the logging configuration (which runs before the app registry) loads
the middleware that uses it.
"""

import json


def error_envelope(status: int, code: str, detail: str, *, attr: str | None = None, error_type: str | None = None):
    """The envelope of one error.

    Args:
        status: the HTTP status; 5xx makes the type "server_error", else "client_error".
        code: snake_case error code (e.g. "not_found").
        detail: a sentence for humans.
        attr: the field or parameter at fault, or None.
        error_type: overrides the type derived from `status` (e.g. "validation_error").

    Returns:
        A dict with `type` and `errors`.
    """
    kind = error_type or ("server_error" if status >= 500 else "client_error")
    return {"type": kind, "errors": [{"code": code, "detail": detail, "attr": attr}]}


def render_envelope(envelope: dict) -> bytes:
    """UTF-8 compact JSON (no spaces after separators), as DRF renders it."""
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def envelope_response(status_code: int, code: str, detail: str, *, extra: dict | None = None):
    """A Django `HttpResponse` with the envelope of one error, rendered by `render_envelope`.

    Args:
        extra: more top-level keys after `type` and `errors` (e.g. the readiness probe's states).
    """
    from django.http import HttpResponse

    body = {**error_envelope(status_code, code, detail), **(extra or {})}
    return HttpResponse(render_envelope(body), status=status_code, content_type="application/json")
