"""The one place that maps errors to HTTP and renders every error as the JSON envelope.

Envelope: `{"type": "validation_error"|"client_error"|"server_error",
"errors": [{"code", "detail", "attr"}]}` (drf-standardized-errors' format).

Three layers make sure no error escapes it: DRF views go through `exception_handler` (domain
errors, an unreachable database -> 503 with Retry-After, anything unexpected -> 500 naming the
request id); Django's handler400/403/404/500 and CSRF_FAILURE_VIEW cover everything outside DRF;
`ErrorEnvelopeMiddleware` rewrites any remaining non-JSON 4xx/5xx (e.g. a function view's 405).
"""

import logging
import sys
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.handler import exception_handler as standardized_exception_handler
from drf_standardized_errors.types import Error
from rest_framework import exceptions, status

from apps.core import exceptions as domain
from apps.core.envelope import envelope_response

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


def _flat_auth_error(exc: exceptions.APIException) -> exceptions.AuthenticationFailed:
    """simplejwt's token errors carry a dict (`detail`, `code`, `messages`): one error, its code kept."""
    detail = exc.detail.get("detail", exceptions.AuthenticationFailed.default_detail)
    code = exc.detail.get("code", exc.default_code)
    flat = exceptions.AuthenticationFailed(detail=str(detail), code=str(code))
    flat.auth_header = getattr(exc, "auth_header", None)  # WWW-Authenticate, set by the view
    return flat


class DomainExceptionHandler(ExceptionHandler):
    """drf-standardized-errors' handler plus domain errors and an unreachable database (503)."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, domain.ServiceError):
            return DomainAPIException(exc, status_for(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return ServiceUnavailable()  # logged once, with its traceback, by report_exception
        if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated) and isinstance(
            exc.detail, dict
        ):
            return _flat_auth_error(exc)
        return super().convert_known_exceptions(exc)

    def convert_unhandled_exceptions(self, exc: Exception) -> exceptions.APIException:
        if not isinstance(exc, exceptions.APIException):
            request = getattr(self.context.get("request"), "_request", None)
            return exceptions.APIException(detail=server_error_detail(getattr(request, "request_id", None)))
        return exc

    def report_exception(self, exc: exceptions.APIException, response) -> None:
        """5xx are logged with their traceback, except a domain `ServiceError` (an outside service down).

        A provider or gateway that cannot be reached is an expected, already-explained condition:
        one warning line naming its code, not a traceback per request during an outage.
        """
        if exc.status_code >= 500 and isinstance(self.exc, domain.ServiceError):
            logger.warning(
                "dependency unavailable: %s",
                getattr(self.exc, "code", "service_unavailable"),
                extra={"status": exc.status_code, "detail": str(self.exc)},
            )
            return
        super().report_exception(exc, response)

    def get_headers(self, exc: exceptions.APIException) -> dict:
        headers = super().get_headers(exc)
        if exc.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
            headers.setdefault("Retry-After", "5")
        return headers


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error of an API view becomes the envelope."""
    return standardized_exception_handler(exc, context)


def server_error_detail(request_id: str | None) -> str:
    """The sentence of a 500: generic (no internals leak), with the request id to quote."""
    if request_id:
        return f"A server error occurred. Quote request id {request_id} when reporting it."
    return "A server error occurred."


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: unknown routes answer the envelope, not an HTML page."""
    return envelope_response(404, "not_found", "Not found.")


def server_error_view(request: HttpRequest) -> HttpResponse:
    """handler500: an unexpected error outside DRF still answers the envelope, never HTML.

    Django calls it while handling the exception, so `sys.exc_info()` names it: an unreachable
    database (OperationalError/InterfaceError, e.g. in a middleware) is a 503 with Retry-After.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        response = envelope_response(503, ServiceUnavailable.default_code, str(ServiceUnavailable.default_detail))
        response["Retry-After"] = "5"
        return response
    return envelope_response(500, "error", server_error_detail(getattr(request, "request_id", None)))


def bad_request_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400 (e.g. a disallowed Host header)."""
    return envelope_response(400, "bad_request", "Bad request.")


def permission_denied_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403 (e.g. CSRF failures on the admin)."""
    return envelope_response(403, "permission_denied", "You do not have permission to perform this action.")


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a failed CSRF check (session-authenticated writes) in the envelope."""
    return envelope_response(403, "csrf_failed", "CSRF verification failed.")


# Codes for error responses that did not come through the handlers above (e.g. Django's
# HttpResponseNotAllowed from a function view); `ErrorEnvelopeMiddleware` rewrites those.
CODE_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    503: "service_unavailable",
}


class ErrorEnvelopeMiddleware:
    """Last line: any 4xx/5xx response that is not JSON becomes the envelope (the admin is left alone).

    Keeps the status and headers such as Allow and Retry-After; the body's text is replaced by
    the status's standard phrase, so no framework page or internal detail reaches the client.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if response.status_code < 400 or request.path.startswith("/admin/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status_code = response.status_code
        code = CODE_BY_STATUS.get(status_code, "error")
        try:
            phrase = HTTPStatus(status_code).phrase
        except ValueError:
            phrase = "Error"
        envelope = envelope_response(status_code, code, f"{phrase}.")
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                envelope[header] = response[header]
        return envelope
