"""drf-spectacular extensions and postprocessing: the schema promises exactly what the API accepts.

Contract fuzzing (tests/contract) sends schema-valid requests and fails on a 400, so every place
where drf-spectacular promised more than DRF accepts is corrected here (the extensions are
registered by CoreConfig.ready(), the postprocessing hooks by SPECTACULAR_SETTINGS):
- `DecimalFieldExtension`: drf-spectacular's decimal pattern `^-?\\d{0,W}(?:\\.\\d{0,D})?$` admits
  "", "-" and "." (DRF refuses them) and a sign where `min_value` forbids negatives; the extension
  writes the language DRF's DecimalField really reads (requests) or writes (responses).
- `CharFieldExtension`: a text field refuses NUL and, unless blank is allowed, whitespace only.
- `WholePatchSerializerExtension`: PATCH bodies validated whole keep their required fields.
- `allow_empty_query_values`: DRF reads an empty optional query value as not given.

`add_common_error_responses` documents responses every operation can give whatever its handler
says, which contract fuzzing found undocumented:
- 401 on any operation that accepts a JWT, public reads included: a malformed or expired
  `Authorization` header is refused before permissions are looked at;
- 429 on every operation: every view is throttled (anon/user rates, plus login and sign-up);
- 413 on every operation with a request body (DATA_UPLOAD_MAX_MEMORY_SIZE).
Each is the error envelope (`ErrorResponse`).
"""

import copy

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from rest_framework import serializers

from apps.core.serializers.common import WholePatchSerializer


def decimal_pattern(field: serializers.DecimalField, direction: str) -> str | None:
    """The exact regular expression of a DecimalField's string, or None when it has no fixed shape.

    Requests ("request"): what `DecimalField.to_internal_value` accepts written in plain notation.
    DRF parses with `decimal.Decimal` and then counts digits the way `Decimal.as_tuple()` does:
    leading zeros do not count, fraction digits (trailing zeros included) count as written. So:
    at least one digit; at most W = max_digits - decimal_places significant whole digits (any
    number of leading zeros); at most `decimal_places` fraction digits; "5." and ".5" are numbers
    (Decimal reads both) but "", "." and "-" are not. When W is 0 the whole part must be zero and
    written only before a fraction ("0" itself counts as one whole digit). A minus sign only when
    `min_value` allows negatives (a pattern cannot state other bounds). Exponents, "+", "_"
    separators, surrounding spaces, non-ASCII digits and "-0", which the API also reads, are left
    out: the schema describes plain decimal strings.

    Responses ("response"): what `DecimalField.to_representation` writes: no leading zeros, exactly
    `decimal_places` fraction digits ("19.90", "0.50"; "3" with none).
    """
    if field.max_whole_digits is None or field.localize or field.max_digits < 1:
        return None
    whole, places = field.max_whole_digits, field.decimal_places
    negative = field.min_value is None or field.min_value < 0
    sign = "-?" if negative else ""
    if direction == "response" and not field.normalize_output:
        integer = {0: "0", 1: "[0-9]"}.get(whole, f"(?:0|[1-9][0-9]{{0,{whole - 1}}})")
        fraction = rf"\.[0-9]{{{places}}}" if places else ""
        return f"^{sign}{integer}{fraction}$"
    if whole == 0:
        return rf"^{sign}0*\.[0-9]{{1,{places}}}$"
    if places == 0:
        return rf"^{sign}0*[0-9]{{1,{whole}}}\.?$"
    return rf"^{sign}0*(?:[0-9]{{1,{whole}}}(?:\.[0-9]{{0,{places}}})?|\.[0-9]{{1,{places}}})$"


class DecimalFieldExtension(OpenApiSerializerFieldExtension):
    """Every DecimalField (and subclass) rendered as a string gets `decimal_pattern`'s exact pattern."""

    target_class = serializers.DecimalField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        pattern = decimal_pattern(self.target, direction)
        if schema.get("type") == "string" and "pattern" in schema and pattern is not None:
            schema["pattern"] = pattern
            whole, places = self.target.max_whole_digits, self.target.decimal_places
            _explain(schema, f"A decimal string: up to {whole} digits before the point and {places} after it.")
        return schema


# What str.strip() (and so DRF's trim_whitespace) removes, spelled out: `\s` differs between regex engines.
WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def char_pattern(field: serializers.CharField) -> str:
    """The regular expression of a plain CharField's non-empty request value, beyond its length limits.

    DRF refuses a NUL character in any CharField, and a value that is only whitespace ("blank"
    once trimmed) unless `allow_blank`. The empty string of an `allow_blank` field is not matched
    here: drf-spectacular adds it as `oneOf: [<this>, {maxLength: 0}]`, whose branches must not
    overlap. (DRF counts max_length on the trimmed value, so a longer value with spaces around is
    also accepted; the schema keeps the plain maxLength.)
    """
    if field.allow_blank or not field.trim_whitespace:
        return r"^[^\x00]+$"
    return rf"^[^\x00]*[^\x00{WHITESPACE}][^\x00]*$"


class CharFieldExtension(OpenApiSerializerFieldExtension):
    """Plain CharFields (not their subclasses: those carry their own pattern or format) in requests."""

    target_class = serializers.CharField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and schema.get("type") == "string" and "pattern" not in schema:
            schema["pattern"] = char_pattern(self.target)
            blank = self.target.allow_blank or not self.target.trim_whitespace
            _explain(schema, "Text without NUL characters." if blank else "Text without NUL characters; not blank.")
        return schema


def _explain(schema: dict, sentence: str) -> None:
    """Add a plain-language reading of a field's pattern to its description (ReDoc shows raw patterns)."""
    description = schema.get("description", "")
    if sentence not in description:
        schema["description"] = f"{description} {sentence}".strip()


class WholePatchSerializerExtension(OpenApiSerializerExtension):
    """A `WholePatchSerializer` PATCH body keeps its required fields.

    drf-spectacular maps every PATCH body as partial (`COMPONENT_SPLIT_PATCH`: nothing required),
    so `{}` was schema-valid for `PATCH /api/cart/items/{id}/` and `PATCH /api/orders/{id}/`, which
    answer it 400. The component keeps its `Patched...` name; only `required` comes back.
    """

    target_class = WholePatchSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        whole = copy.copy(self.target)  # drf-spectacular hands over a partial copy for PATCH
        whole.partial = False
        return auto_schema._map_basic_serializer(whole, direction)


ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_DESCRIPTIONS = {
    "401": "Missing, malformed, expired or revoked credentials.",
    "413": "The request body is larger than the server accepts.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


def _error(status: str) -> dict:
    return {"content": {"application/json": {"schema": ERROR_REF}}, "description": _DESCRIPTIONS[status]}


def add_common_error_responses(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS entry: add the 401/413/429 envelopes where they can happen."""
    if "ErrorResponse" not in result.get("components", {}).get("schemas", {}):
        return result
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "put", "patch", "post", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            if any("jwtAuth" in requirement for requirement in operation.get("security", [])):
                responses.setdefault("401", _error("401"))
            if "requestBody" in operation:
                responses.setdefault("413", _error("413"))
            responses.setdefault("429", _error("429"))
    return result


def allow_empty_query_values(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS entry: every optional query parameter may be sent empty (`allowEmptyValue`).

    DRF reads a query string as form input: an empty value of an optional field counts as not
    given (`?min_price=` is no lower bound, `?page=` page 1), or as "" where blank is allowed
    (`?cursor=`). Contract fuzzing's negative-data check found `?ordering=` and `?parent=` answered
    200 although the schema's `minLength: 1` forbade them; this says so in the schema.
    """
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "put", "patch", "post", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


def hoist_blank_defaults(result: dict, generator, request, public) -> dict:
    """Move `default: ""` from the non-blank branch of an allow_blank field's `oneOf` to the field itself.

    drf-spectacular writes such a field as `oneOf: [{pattern: <non-empty>, default: ""}, {maxLength: 0}]`;
    the default then contradicts its own branch's pattern, which openapi-spec-validator refuses.
    """

    def walk(node) -> None:
        if isinstance(node, dict):
            branches = node.get("oneOf")
            if isinstance(branches, list) and branches and isinstance(branches[0], dict):
                if branches[0].get("default") == "" and "pattern" in branches[0]:
                    node["default"] = branches[0].pop("default")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
