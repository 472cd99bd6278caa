"""The OpenAPI schema promises exactly what the API accepts: decimals, text, PATCH bodies, public reads.

Contract fuzzing's positive-data check (tests/contract) sends schema-valid requests and fails on a
400; these tests pin the schema pieces it relies on, against DRF's own fields and through HTTP.
"""

import itertools
import re
from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft7Validator
from rest_framework import serializers

from apps.core.controllers.schema_hooks import char_pattern, decimal_pattern
from apps.core.serializers.accounts.auth import ProfileInputSerializer
from apps.core.serializers.shopping.orders import IdempotencyHeaderSerializer
from tests.factories import CategoryFactory, ProductFactory

ACCEPTED = ["0", "5", "5.5", "19.99", "5.", ".5", "0.05", "007", "0000000000000.50"]
REJECTED = ["-", ".", "-1", "-0.5", "1.234", "5.5.5", "5,5", "abc", " ", "0x10", "NaN", "Infinity"]
# Python's Decimal also reads these, so the API takes them; the schema describes plain notation only.
OTHER_NOTATIONS = ["1e3", "+5", " 5 ", "1_000", "\u0661", "-0"]


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def query_parameter(schema: dict, name: str) -> dict:
    parameters = schema["paths"]["/api/products/"]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == name)


def price_schema(schema: dict) -> dict:
    return schema["components"]["schemas"]["ProductInputRequest"]["properties"]["price"]


def valid(value, property_schema: dict) -> bool:
    """JSON Schema's verdict (`pattern` is a search, as in JSON Schema; format "decimal" is not checked)."""
    return Draft7Validator(property_schema).is_valid(value)


def drf_accepts(field: serializers.Field, value) -> bool:
    try:
        field.run_validation(value)
    except serializers.ValidationError:
        return False
    return True


def strings(alphabet, max_length: int):
    """Every string of `alphabet` characters up to `max_length` long, "" included."""
    for length in range(max_length + 1):
        for chars in itertools.product(alphabet, repeat=length):
            yield "".join(chars)


def too_many_whole_digits(property_schema: dict) -> str:
    """One whole digit more than the pattern's maximum (10 for min_price, 8 for price)."""
    whole = int(re.search(r"\[0-9\]\{1,(\d+)\}", property_schema["pattern"]).group(1))
    return "9" * (whole + 1)


@pytest.mark.parametrize("name", ["min_price", "max_price", "price"])
def test_decimal_patterns_accept_plain_decimals_and_reject_the_rest(schema, name):
    property_schema = price_schema(schema) if name == "price" else query_parameter(schema, name)["schema"]
    assert property_schema["type"] == "string"
    for value in ACCEPTED:
        assert valid(value, property_schema), value
    for value in [*REJECTED, "", too_many_whole_digits(property_schema)]:
        assert not valid(value, property_schema), value


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["min_price", "max_price"])
@pytest.mark.parametrize("value", [*ACCEPTED, *REJECTED, "", "99999999999", "9999999999.99"])
def test_price_filters_answer_what_the_schema_says(api_client, schema, name, value):
    parameter = query_parameter(schema, name)
    # An empty query value counts as not given (DRF reads a query string as form input): allowEmptyValue.
    schema_valid = (value == "" and parameter["allowEmptyValue"]) or valid(value, parameter["schema"])
    response = api_client.get("/api/products/", {name: value})
    assert response.status_code == (200 if schema_valid else 400), response.content


@pytest.mark.django_db
@pytest.mark.parametrize("value", [*ACCEPTED, *REJECTED, "", "999999999", "99999999.99"])
def test_product_price_is_accepted_exactly_when_the_schema_says(admin_client, schema, value):
    body = {"name": "Lamp", "sku": "LAMP-1", "price": value, "category": CategoryFactory().pk}
    response = admin_client.post("/api/products/", body, format="json")
    assert response.status_code == (201 if valid(value, price_schema(schema)) else 400), response.content


@pytest.mark.django_db
@pytest.mark.parametrize("value", OTHER_NOTATIONS)
def test_api_also_reads_notations_the_schema_leaves_out(api_client, schema, value):
    assert not valid(value, query_parameter(schema, "min_price")["schema"])
    assert api_client.get("/api/products/", {"min_price": value}).status_code == 200


@pytest.mark.django_db
def test_decimals_in_responses_match_their_patterns(api_client, schema):
    product = ProductFactory(price=Decimal("0.5"), rating=Decimal("4.666"))
    body = api_client.get(f"/api/products/{product.pk}/").json()
    properties = schema["components"]["schemas"]["ProductOutput"]["properties"]
    assert (body["price"], body["rating"]) == ("0.50", "4.67")
    assert valid(body["price"], properties["price"])
    assert valid(body["rating"], properties["rating"])
    assert not valid("0.5", properties["price"])  # DRF always writes both places


FIELD_SHAPES = [(3, 2), (4, 0), (2, 2), (5, 2), (1, 0), (3, 1), (12, 2)]


@pytest.mark.parametrize(("max_digits", "places"), FIELD_SHAPES)
@pytest.mark.parametrize("min_value", [None, Decimal("0")])
def test_decimal_pattern_is_what_drf_accepts(max_digits, places, min_value):
    """Every string of digits, "." and "-" up to 5 characters: the pattern and DecimalField agree."""
    field = serializers.DecimalField(max_digits=max_digits, decimal_places=places, min_value=min_value)
    pattern = re.compile(decimal_pattern(field, "request"))
    for value in strings("019.-", 5):
        accepted = drf_accepts(field, value)
        if accepted and min_value is not None and value.startswith("-"):
            continue  # "-0" equals 0, so it passes min_value=0; the schema leaves the sign out
        assert bool(pattern.fullmatch(value)) == accepted, value


@pytest.mark.parametrize(("max_digits", "places"), FIELD_SHAPES)
def test_decimal_response_pattern_is_what_drf_writes(max_digits, places):
    field = serializers.DecimalField(max_digits=max_digits, decimal_places=places)
    pattern = re.compile(decimal_pattern(field, "response"))
    whole = max_digits - places
    for digits in ["0", "1", "9" * max_digits, "5" * whole + "0" * places, "1" + "0" * (max_digits - 1)]:
        for sign in ("", "-"):
            value = Decimal(sign + digits).scaleb(-places)
            assert pattern.fullmatch(field.to_representation(value)), value


@pytest.mark.parametrize(
    "kwargs", [{}, {"allow_blank": True}, {"trim_whitespace": False}, {"allow_blank": True, "trim_whitespace": False}]
)
def test_char_pattern_is_what_drf_accepts(kwargs):
    field = serializers.CharField(**kwargs)
    pattern = re.compile(char_pattern(field))
    for value in strings(["a", " ", "\x00", "\n", "\x1c", "\u3000", "\ufeff"], 3):
        schema_valid = bool(pattern.search(value)) or (value == "" and field.allow_blank)  # oneOf's "" branch
        assert schema_valid == drf_accepts(field, value), repr(value)


def test_text_fields_document_blank_and_nul_rules(schema):
    properties = schema["components"]["schemas"]["ProductInputRequest"]["properties"]
    assert not valid("   ", properties["name"])  # trimmed to "" and refused as blank
    assert not valid("La\x00mp", properties["name"])
    assert valid(" Lamp ", properties["name"])
    assert valid("", properties["description"])  # allow_blank


def one_of_schemas(node):
    """Every schema object in `node` that has a `oneOf` (recursively)."""
    if isinstance(node, dict):
        if "oneOf" in node:
            yield node
        for value in node.values():
            yield from one_of_schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from one_of_schemas(value)


def test_blank_string_alternatives_do_not_overlap(schema):
    """drf-spectacular writes an allow_blank field with a pattern as `oneOf: [<pattern>, {maxLength: 0}]`:
    a pattern that also matches "" made "" match both branches, so `oneOf` refused it."""
    blank = {"type": "string", "maxLength": 0}
    alternatives = [node["oneOf"] for node in one_of_schemas(schema) if blank in node["oneOf"]]
    assert alternatives
    for branches in alternatives:
        assert valid("", {"oneOf": branches}), branches


def test_phone_pattern_admits_only_numbers_drf_accepts(schema):
    field = ProfileInputSerializer().fields["phone_number"]
    property_schema = schema["components"]["schemas"]["PatchedProfileInputRequest"]["properties"]["phone_number"]
    for value in strings("1 +", 6):
        assert drf_accepts(field, value) or not valid(value, property_schema), repr(value)


@pytest.mark.parametrize(
    ("component", "required"),
    [("PatchedCartItemUpdateInputRequest", ["quantity"]), ("PatchedOrderStatusInputRequest", ["status"])],
)
def test_patch_bodies_validated_whole_keep_their_required_fields(schema, component, required):
    assert schema["components"]["schemas"][component]["required"] == required
    assert "required" not in schema["components"]["schemas"]["PatchedProductInputRequest"]  # a partial update


@pytest.mark.parametrize(
    ("path", "public"),
    [
        ("/api/products/", True),
        ("/api/products/{product_id}/", True),
        ("/api/categories/", True),
        ("/api/categories/{category_id}/", True),
        ("/api/products/{product_id}/reviews/", True),
        ("/api/cart/", False),
        ("/api/orders/", False),
    ],
)
def test_public_reads_document_the_token_as_optional(schema, path, public):
    security = schema["paths"][path]["get"]["security"]
    assert ({} in security) is public
    assert {"jwtAuth": []} in security


def test_every_optional_query_parameter_may_be_empty(schema):
    for item in schema["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert parameter.get("allowEmptyValue", False) is not parameter.get("required", False), parameter


def test_idempotency_key_header_schema_is_what_the_serializer_accepts(schema):
    parameters = schema["paths"]["/api/orders/"]["post"]["parameters"]
    header = next(p for p in parameters if p["name"] == "Idempotency-Key")["schema"]
    field = IdempotencyHeaderSerializer().fields["idempotency_key"]
    for value in ["", "a b", "é", "k" * 256, "k" * 255, "9f1c-4b7e", "~!"]:
        assert valid(value, header) == drf_accepts(field, value), value
