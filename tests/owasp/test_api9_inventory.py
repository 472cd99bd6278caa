"""OWASP API9:2023 Improper Inventory Management.

Every API route is documented in the OpenAPI schema and the schema documents no route that
does not exist: there are no shadow or forgotten endpoints, and no second, older API version.
"""

import re

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator


def _api_routes() -> set[str]:
    found = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns, "")
    return found - {"/api/schema/", "/api/docs/", "/api/redoc/"}


def test_schema_documents_exactly_the_routed_api():
    documented = set(SchemaGenerator().get_schema(request=None, public=True)["paths"])
    assert documented == _api_routes()


def test_single_api_version():
    assert not [route for route in _api_routes() if re.match(r"^/api/v\d+/", route)]
