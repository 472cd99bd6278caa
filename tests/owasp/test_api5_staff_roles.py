"""OWASP API5:2023 Broken Function Level Authorization, by staff role.

Walks the served OpenAPI schema (`/api/schema/`): every write operation (POST, PUT, PATCH,
DELETE) either declares the permission it needs (`x-required-permissions`) or is one of the
customer/public writes listed here, so a new staff route cannot appear without declaring one.
Each declared operation is refused with 401 to an anonymous caller, 403 to a signed-in customer
and 403 to a staff user of every role that lacks the permission; a staff user of a role that has
it (or a superuser) passes the gate (whatever the body then earns: never 401 or 403).
"""

import re

import pytest
from django.contrib.auth.models import Group

from tests.conftest import client_for
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

WRITES = {"post", "put", "patch", "delete"}
# Writes any signed-in customer (or anyone) may make: their own account, cart, orders, reviews...
CUSTOMER_OR_PUBLIC_WRITES = {
    ("post", "/api/auth/register/"),
    ("post", "/api/auth/token/"),
    ("post", "/api/auth/token/refresh/"),
    ("post", "/api/auth/token/verify/"),
    ("post", "/api/auth/logout/"),
    ("post", "/api/auth/logout-all/"),
    ("patch", "/api/auth/me/"),
    ("post", "/api/auth/password/change/"),
    ("post", "/api/auth/password/reset/"),
    ("post", "/api/auth/password/reset/confirm/"),
    ("post", "/api/auth/email/verify/"),
    ("post", "/api/auth/email/verify/resend/"),
    ("post", "/api/auth/social/google/"),
    ("post", "/api/auth/social/facebook/"),
    ("post", "/api/cart/items/"),
    ("patch", "/api/cart/items/{item_id}/"),
    ("delete", "/api/cart/items/{item_id}/"),
    ("delete", "/api/cart/"),
    ("post", "/api/orders/"),
    ("post", "/api/orders/{order_id}/cancel/"),
    ("post", "/api/orders/{order_id}/payments/"),
    ("post", "/api/payments/webhook/"),
    ("post", "/api/products/{product_id}/reviews/"),
    ("post", "/api/wishlist/"),
    ("post", "/api/checkout/quote/"),  # prices the signed-in customer's own cart
    ("put", "/api/auth/me/avatar/"),  # the signed-in user's own avatar
    ("delete", "/api/wishlist/{product_id}/"),
    ("post", "/api/addresses/"),
    ("patch", "/api/addresses/{address_id}/"),
    ("put", "/api/addresses/{address_id}/"),
    ("delete", "/api/addresses/{address_id}/"),
}


def _operations(client) -> list[tuple[str, str, list[str]]]:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return [
        (method, path, operation.get("x-required-permissions", []))
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in WRITES
    ]


def _staff_by_role() -> dict[str, object]:
    """One staff client per role (the groups of the data migration)."""
    clients = {}
    for group in Group.objects.filter(name__in=["catalog_managers", "order_managers", "marketing"]):
        user = UserFactory(is_staff=True)
        user.groups.add(group)
        clients[group.name] = client_for(user)
    return clients


def _granted(group_name: str, permission: str) -> bool:
    if permission == "superuser":
        return False
    app_label, codename = permission.split(".")
    return Group.objects.filter(
        name=group_name, permissions__content_type__app_label=app_label, permissions__codename=codename
    ).exists()


UUID_ID = "00000000-0000-4000-8000-000000000000"


def _call(client, method: str, path: str):
    # the gate comes before any lookup; ids are integers, delivery ids UUIDs
    url = re.sub(r"\{\w+\}", lambda m: UUID_ID if m.group(0) == "{delivery_id}" else "999999", path)
    return client.generic(method.upper(), url, data="{}", content_type="application/json")


def test_every_write_declares_a_permission_or_is_a_customer_write(api_client):
    undeclared = {(m, p) for m, p, needed in _operations(api_client) if not needed}
    assert undeclared <= CUSTOMER_OR_PUBLIC_WRITES, sorted(undeclared - CUSTOMER_OR_PUBLIC_WRITES)


def test_the_three_roles_exist_with_permissions():
    roles = {g.name: g.permissions.count() for g in Group.objects.all()}
    assert set(roles) >= {"catalog_managers", "order_managers", "marketing"}
    assert all(roles[name] > 0 for name in ("catalog_managers", "order_managers", "marketing"))


def test_each_declared_write_is_refused_to_anonymous_customers_and_other_roles(api_client):
    staff = _staff_by_role()
    customer = client_for(UserFactory())
    superuser = client_for(AdminFactory())
    declared = [(m, p, needed) for m, p, needed in _operations(api_client) if needed]
    assert len(declared) >= 15
    for method, path, needed in declared:
        where = f"{method.upper()} {path} needs {needed}"
        assert _call(api_client, method, path).status_code == 401, where
        refused = _call(customer, method, path)
        assert (refused.status_code, refused.json()["errors"][0]["code"]) == (403, "permission_denied"), where
        for role, client in staff.items():
            status = _call(client, method, path).status_code
            if all(_granted(role, permission) for permission in needed):
                assert status not in (401, 403), f"{where}: {role} should pass, got {status}"
            else:
                assert status == 403, f"{where}: {role} should be refused, got {status}"
        assert _call(superuser, method, path).status_code not in (401, 403), where


def test_a_role_without_the_staff_flag_grants_nothing(api_client):
    user = UserFactory(is_staff=False)
    user.groups.add(Group.objects.get(name="catalog_managers"))
    response = client_for(user).post("/api/categories/", {"name": "Nope"}, format="json")
    assert response.status_code == 403
