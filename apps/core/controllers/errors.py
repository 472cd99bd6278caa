"""The one place that maps errors to HTTP and renders every error as the JSON envelope.

Envelope: `{"type": "validation_error"|"client_error"|"server_error",
"errors": [{"code", "detail", "attr"}]}` (drf-standardized-errors' format).
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.handler import exception_handler as standardized_exception_handler
from drf_standardized_errors.types import Error
from rest_framework import exceptions, status

from apps.core import exceptions as domain

logger = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[domain.ServiceError], int] = {
    domain.NotFoundError: status.HTTP_404_NOT_FOUND,
    domain.ConflictError: status.HTTP_409_CONFLICT,
    domain.InvalidInputError: status.HTTP_400_BAD_REQUEST,
    domain.PermissionDeniedError: status.HTTP_403_FORBIDDEN,
    domain.AuthenticationFailedError: status.HTTP_401_UNAUTHORIZED,
    domain.UnprocessableError: status.HTTP_422_UNPROCESSABLE_ENTITY,
    domain.ServiceUnavailableError: status.HTTP_503_SERVICE_UNAVAILABLE,
}


class DomainAPIException(exceptions.APIException):
    """A domain error translated to HTTP; keeps the domain's code and attr."""

    def __init__(self, error: domain.ServiceError, status_code: int) -> None:
        super().__init__(detail=error.detail, code=error.code)
        self.status_code = status_code
        self.attr = error.attr


def status_for(error: domain.ServiceError) -> int:
    """The HTTP status of a domain error: its nearest class in STATUS_BY_ERROR (500 if none)."""
    for klass in type(error).__mro__:
        if klass in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[klass]
    return status.HTTP_500_INTERNAL_SERVER_ERROR


class DomainExceptionFormatter(ExceptionFormatter):
    """Keeps `attr` on domain errors (the stock formatter sets it only for validation errors)."""

    def get_error_type(self):
        if isinstance(self.exc, DomainAPIException) and self.exc.status_code == status.HTTP_400_BAD_REQUEST:
            return "validation_error"
        return super().get_error_type()

    def get_errors(self) -> list[Error]:
        if isinstance(self.exc, DomainAPIException):
            return [Error(code=self.exc.detail.code, detail=str(self.exc.detail), attr=self.exc.attr)]
        return super().get_errors()


class ServiceUnavailable(exceptions.APIException):
    """The database did not answer: 503 with Retry-After."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable; retry shortly."
    default_code = "service_unavailable"


class DomainExceptionHandler(ExceptionHandler):
    """drf-standardized-errors' handler plus domain errors and an unreachable database (503)."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, domain.ServiceError):
            return DomainAPIException(exc, status_for(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            logger.error("database unavailable", exc_info=exc)
            return ServiceUnavailable()
        return super().convert_known_exceptions(exc)

    def get_headers(self, exc: exceptions.APIException) -> dict:
        headers = super().get_headers(exc)
        if exc.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
            headers.setdefault("Retry-After", "5")
        return headers


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error of an API view becomes the envelope."""
    return standardized_exception_handler(exc, context)


def _envelope(status_code: int, code: str, detail: str, error_type: str = "client_error") -> JsonResponse:
    return JsonResponse(
        {"type": error_type, "errors": [{"code": code, "detail": detail, "attr": None}]}, status=status_code
    )


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """handler404: unknown routes answer the envelope, not an HTML page."""
    return _envelope(404, "not_found", "Not found.")


def server_error_view(request: HttpRequest) -> JsonResponse:
    """handler500: an unexpected error outside DRF still answers the envelope."""
    return _envelope(500, "error", "A server error occurred.", "server_error")


def bad_request_view(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """handler400 (e.g. a disallowed Host header)."""
    return _envelope(400, "bad_request", "Bad request.")


def permission_denied_view(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """handler403 (e.g. CSRF failures on the admin)."""
    return _envelope(403, "permission_denied", "You do not have permission to perform this action.")
