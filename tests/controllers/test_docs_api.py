"""The API docs: schema, Swagger UI and ReDoc answer, work offline, and describe every operation."""

import re
from io import StringIO

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}
ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


@pytest.fixture
def schema(api_client) -> dict:
    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_docs_answer_200_to_anonymous_clients(api_client, path):
    assert api_client.get(path).status_code == 200


def test_schema_is_also_served_as_json(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_doc_pages_load_nothing_from_a_cdn(api_client, path):
    html = api_client.get(path).content.decode()
    assert not re.search(r"https?://", html), "the page references an external URL"
    assets = ASSET.findall(html)
    assert assets, "expected the page to load its assets"
    for asset in assets:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a local static file"


def test_swagger_ui_does_not_call_the_online_validator(api_client):
    html = api_client.get("/api/docs/").content.decode()
    assert '"validatorUrl": null' in html


def test_every_operation_has_a_tag_and_a_summary(schema):
    ops = list(operations(schema))
    assert len(ops) >= 19  # auth 8, categories 6, products 7 ... at least the contract's rows
    for path, method, operation in ops:
        assert operation.get("tags"), f"{method.upper()} {path} has no tag"
        assert operation.get("summary"), f"{method.upper()} {path} has no summary"


def test_the_contract_paths_are_documented(schema):
    expected = {
        "/api/auth/register/": {"post"},
        "/api/auth/token/": {"post"},
        "/api/auth/token/refresh/": {"post"},
        "/api/auth/token/verify/": {"post"},
        "/api/auth/logout/": {"post"},
        "/api/auth/me/": {"get", "patch"},
        "/api/auth/password/change/": {"post"},
        "/api/categories/": {"get", "post"},
        "/api/categories/{category_id}/": {"get", "put", "patch", "delete"},
        "/api/products/": {"get", "post"},
        "/api/products/{product_id}/": {"get", "put", "patch", "delete"},
        "/api/products/{product_id}/restore/": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(schema["paths"][path]), path


def test_the_bearer_security_scheme_is_declared_and_used(schema):
    schemes = schema["components"]["securitySchemes"]
    bearer = [s for s in schemes.values() if s.get("type") == "http" and s.get("scheme") == "bearer"]
    assert bearer
    assert bearer[0].get("bearerFormat") == "JWT"
    me = schema["paths"]["/api/auth/me/"]["get"]
    assert any(name in requirement for requirement in me["security"] for name in schemes)


def test_the_product_list_documents_its_query_parameters_and_errors(schema):
    operation = schema["paths"]["/api/products/"]["get"]
    names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    expected = {"category", "min_price", "max_price", "in_stock", "search", "ordering", "page", "page_size"}
    assert expected <= names
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert set(schema["paths"]["/api/categories/"]["get"]["responses"]) >= {"200", "400"}


def test_write_operations_document_their_error_responses(schema):
    for path, method, operation in operations(schema):
        if method != "get" and path.startswith(("/api/products", "/api/categories")):
            assert {"401", "403"} <= set(operation["responses"]), f"{method.upper()} {path}"


def test_schema_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"), stderr=StringIO()
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_the_served_schema_passes_the_reference_validator(api_client):
    """openapi-spec-validator (the reference validator) accepts `/api/schema/` as served (issue 9.8).

    It refused a string property whose `default: ''` did not match its own `pattern`.
    """
    from openapi_spec_validator import validate

    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    validate(response.json())


def test_text_and_decimal_patterns_have_a_plain_description(schema):
    """Readers see "Text without NUL characters; not blank." beside the machine pattern of a text field."""
    described = 0
    for component in schema["components"]["schemas"].values():
        for prop in component.get("properties", {}).values():
            for branch in [prop, *prop.get("oneOf", [])]:
                pattern = branch.get("pattern", "")
                if "\\x00" in pattern or pattern.endswith("})?$") or "\\.[0-9]{" in pattern:
                    assert branch.get("description") or prop.get("description"), prop
                    described += 1
    assert described > 10
    register = schema["components"]["schemas"]["RegisterInputRequest"]["properties"]
    assert "not blank" in register["first_name"]["description"] or "NUL" in register["first_name"]["description"]
