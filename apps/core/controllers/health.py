"""Liveness and readiness probes."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.core.envelope import envelope_response

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 while the process serves requests; touches nothing else."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 only when the database answers; reports the cache's state either way.

    Body: `{"status": "ok"|"unavailable", "database": "ok"|"error", "cache": "ok"|"error"}`; a 503
    also carries the error envelope's `type` and `errors` and a Retry-After header.
    """
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means not ready
        logger.warning("readiness: database unavailable", exc_info=True)
        database = "error"
    cache_state = "ok"
    probe = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(probe, "1", 5)
        if cache.get(probe) != "1":
            cache_state = "error"
        cache.delete(probe)
    except Exception:  # noqa: BLE001 - the cache is optional; report it
        cache_state = "error"
    states = {"database": database, "cache": cache_state}
    if database == "ok":
        return JsonResponse({"status": "ok", **states})
    # a 503 is also the error envelope, like every other error response
    response = envelope_response(
        503, "service_unavailable", "The database does not answer.", extra={"status": "unavailable", **states}
    )
    response["Retry-After"] = "5"
    return response
