"""OWASP API5:2023 Broken Function Level Authorization.

Every admin operation is refused to a customer (403) and to an anonymous caller (401), with
nothing changed. The list of admin operations is checked against the OpenAPI schema: any
operation whose summary says "(admin)" must be listed here, so a new admin route cannot slip
through untested. Shopping routes join once they are merged.
"""

import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.core.models.catalog import Category, Product
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

# (method, path template); {product}, {category}, {order} are filled with real ids.
ADMIN_OPERATIONS = [
    ("POST", "/api/products/"),
    ("PUT", "/api/products/{product}/"),
    ("PATCH", "/api/products/{product}/"),
    ("DELETE", "/api/products/{product}/"),
    ("POST", "/api/products/{product}/restore/"),
    ("POST", "/api/products/{product}/publish/"),
    ("POST", "/api/categories/"),
    ("PUT", "/api/categories/{category}/"),
    ("PATCH", "/api/categories/{category}/"),
    ("DELETE", "/api/categories/{category}/"),
    ("PATCH", "/api/orders/{order}/"),
    ("POST", "/api/products/{product}/images/"),
    ("PATCH", "/api/products/{product}/images/{image}/"),
    ("DELETE", "/api/products/{product}/images/{image}/"),
    ("PUT", "/api/categories/{category}/image/"),
]
WRITE_BODY = {"name": "Hijacked", "sku": "HIJACK-1", "price": "0.01", "category": 1, "status": "delivered"}


def _schema_admin_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = set()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if "(admin)" in operation.get("summary", ""):
                found.add((method.upper(), re.sub(r"\{(\w+)_id\}", r"{\1}", path)))
    return found


def test_every_admin_operation_of_the_schema_is_covered():
    assert _schema_admin_operations() <= set(ADMIN_OPERATIONS)


@pytest.fixture
def objects():
    category = CategoryFactory()
    product = ProductFactory(category=category)
    return {"product": product.pk, "category": CategoryFactory().pk, "order": 1, "image": 1}


def _call(client: APIClient, method: str, path: str):
    return client.generic(method, path, data=json.dumps(WRITE_BODY), content_type="application/json")


def _snapshot():
    return (
        list(Product.objects.values_list("id", "name", "deleted_at", "price")),
        list(Category.objects.values_list("id", "name", "deleted_at")),
    )


def _routed(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize(("method", "template"), ADMIN_OPERATIONS)
def test_customer_gets_403_and_anonymous_401(method, template, objects, customer_client, api_client):
    path = template.format(**objects)
    if not _routed(path):
        pytest.skip(f"{path} is not routed yet")
    before = _snapshot()
    refused = _call(customer_client, method, path)
    assert refused.status_code == 403, refused.content
    assert refused.json()["errors"][0]["code"] == "permission_denied"
    anonymous = _call(api_client, method, path)
    assert anonymous.status_code == 401, anonymous.content
    assert anonymous.json()["errors"][0]["code"] == "not_authenticated"
    assert _snapshot() == before


def test_admin_passes_the_same_gate(admin_client, objects):
    response = admin_client.patch(f"/api/products/{objects['product']}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200


def test_django_admin_site_needs_a_staff_login(customer_client, api_client):
    response = api_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
