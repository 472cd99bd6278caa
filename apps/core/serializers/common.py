"""Shared serializers: the error envelope, the paginated envelope, page parameters."""

import decimal
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache

from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail


class ErrorDetailSerializer(serializers.Serializer):
    """One error: a snake_case code, a sentence, and the field it is about (or null)."""

    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponseSerializer(serializers.Serializer):
    """The envelope every 4xx/5xx response uses."""

    type = serializers.ChoiceField(choices=["validation_error", "client_error", "server_error"])
    errors = ErrorDetailSerializer(many=True)


class EmptySerializer(serializers.Serializer):
    """An empty JSON object `{}`."""


class WholePatchSerializer(serializers.Serializer):
    """A PATCH body validated whole (not `partial`): its required fields are required on PATCH too.

    drf-spectacular documents every PATCH body as partial (a `Patched...` component, nothing
    required); controllers/schema_hooks.py keeps the required fields of these bodies.
    """


class StrictQuerySerializer(serializers.Serializer):
    """A query string serializer that refuses the parameters it does not declare (contract: Conventions)."""

    def to_internal_value(self, data):
        """Refuse parameters the list does not know (a typo such as `colour=` must not list everything).

        Raises:
            ValidationError: one error per unknown parameter, code "unknown_parameter", attr its name.
        """
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {
                    name: [ErrorDetail(f"Unknown query parameter {name!r} for this list.", code="unknown_parameter")]
                    for name in unknown
                }
            )
        return super().to_internal_value(data)


class PageQuerySerializer(StrictQuerySerializer):
    """`page` (1-based) and `page_size` (default 20; values above the maximum are clamped to 100)."""

    page = serializers.IntegerField(required=False, default=1, min_value=1, help_text="1-based page number.")
    page_size = serializers.IntegerField(
        required=False,
        default=settings.PAGE_SIZE_DEFAULT,
        min_value=1,
        help_text=f"Rows per page; default {settings.PAGE_SIZE_DEFAULT}, clamped to {settings.PAGE_SIZE_MAX}.",
    )

    def validate_page_size(self, value: int) -> int:
        return min(value, settings.PAGE_SIZE_MAX)


@cache
def page_of(item_serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """A serializer class for the paginated envelope `{count, next, previous, results}` of `item_serializer`."""
    name = item_serializer.__name__.removesuffix("Serializer").removesuffix("Output")
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
            "__doc__": f"A page of {name} rows.",
        },
    )


ERROR_RESPONSES = {
    400: ErrorResponseSerializer,
}


def utc_timestamp(value: datetime | None) -> str | None:
    """A datetime as DRF's DateTimeField writes it with USE_TZ and UTC: ISO 8601, "+00:00" as "Z" (None stays None)."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def decimal_string(value: Decimal, places: int, max_digits: int) -> str:
    """A Decimal as DRF's DecimalField(max_digits, decimal_places=places) writes it: a fixed-point string."""
    context = _CONTEXTS.get(max_digits) or _CONTEXTS.setdefault(max_digits, decimal.Context(prec=max_digits))
    return f"{value.quantize(_EXPONENTS[places], context=context):f}"


_CONTEXTS: dict[int, decimal.Context] = {}
_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(0, 9)}
