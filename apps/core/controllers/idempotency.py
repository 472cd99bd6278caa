"""The `Idempotency-Key` header of the endpoints that accept it: parsing, its OpenAPI parameter, replay statuses.

Semantics (README, Shopping: Idempotency; apps.core.services.idempotency): the key fingerprints the
request (method, path, canonical JSON body); a retry of the same request answers 200 with what the
first one made, the same key with another request is a 422 `idempotency_key_mismatch`, and a
concurrent duplicate gets the first result or a 409 `idempotency_key_in_use`.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.request import Request

from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.serializers.shopping import IDEMPOTENCY_KEY_PATTERN, IdempotencyHeaderSerializer
from apps.core.services.idempotency import IdempotentRequest

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    # What IdempotencyHeaderSerializer accepts (an empty header is a 400 `blank`).
    type={
        "type": "string",
        "minLength": 1,
        "maxLength": settings.IDEMPOTENCY_KEY_MAX_LENGTH,
        "pattern": IDEMPOTENCY_KEY_PATTERN,
    },
    required=False,
    description="A client-chosen unique string (1-255 visible ASCII characters, e.g. a UUID) per operation, "
    "scoped to the user. It fingerprints the request (method, path and JSON body), never server state: a "
    "retry with the same key and body returns what the first request made (200) and changes nothing; the "
    "same key with another body or path is a 422 (`idempotency_key_mismatch`); a concurrent duplicate gets "
    "the first result or a 409 (`idempotency_key_in_use`). A request that failed did not use the key up.",
)

MISMATCH = OpenApiResponse(
    ErrorResponseSerializer,
    description="`idempotency_key_mismatch`: the Idempotency-Key was first used with another request.",
)


def idempotent_request(request: Request) -> IdempotentRequest | None:
    """The request's validated `Idempotency-Key` with its fingerprint; None without the header.

    The body is read (`request.data`) only when the header is present.

    Raises:
        ValidationError: a malformed header (400 naming `idempotency_key`).
        ParseError: a body that is not JSON or nests too deep (400).
    """
    header = IdempotencyHeaderSerializer(data={"idempotency_key": request.headers.get("Idempotency-Key")})
    header.is_valid(raise_exception=True)
    key = header.validated_data["idempotency_key"]
    if key is None:
        return None
    return IdempotentRequest.of(key, request.method, request.path, request.data)


def created_or_replayed(created: bool) -> int:
    """201 for a resource this request made, 200 for the replay of an earlier request's."""
    return status.HTTP_201_CREATED if created else status.HTTP_200_OK
