"""Product writes through HTTP: create, update, soft delete and restore (staff only).

These tests assert the contract (status codes, fields, which rows in which order), never the
list's internals, so they hold whatever the list implementation does underneath.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.models.catalog import Product
from tests.controllers.catalog.products_http import FIELDS, LIST, detail, make, restore, skus  # noqa: F401
from tests.factories import CategoryFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


# --- create ---------------------------------------------------------------------------------
def body_for(category, **overrides) -> dict:
    body = {"name": "Desk Lamp", "sku": "LAMP-1", "description": "Bright.", "price": "19.99", "stock": 7}
    return {**body, "category": category.pk, **overrides}


def test_create_as_admin(admin_client, api_client):
    category = CategoryFactory(name="Home", slug="home")
    response = admin_client.post(LIST, body_for(category), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["slug"], body["sku"], body["price"], body["stock"], body["in_stock"]) == (
        "Desk Lamp",
        "desk-lamp",
        "LAMP-1",
        "19.99",
        7,
        True,
    )
    assert body["category"] == {"id": category.pk, "name": "Home", "slug": "home"}
    assert body["is_active"] is True
    assert skus(api_client.get(LIST)) == ["LAMP-1"]


def test_create_ignores_read_only_fields(admin_client):
    response = admin_client.post(LIST, body_for(CategoryFactory(), stock=0, in_stock=True, id=5), format="json")
    assert response.status_code == 201
    assert response.json()["in_stock"] is False


def test_create_same_name_gets_distinct_slugs(admin_client):
    category = CategoryFactory()
    first = admin_client.post(LIST, body_for(category, sku="A"), format="json").json()
    second = admin_client.post(LIST, body_for(category, sku="B"), format="json").json()
    assert (first["slug"], second["slug"]) == ("desk-lamp", "desk-lamp-2")


@pytest.mark.parametrize(
    ("overrides", "attr"),
    [
        ({"price": "-0.01"}, "price"),
        ({"price": "1.999"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "100000000.00"}, "price"),
        ({"stock": -1}, "stock"),
        ({"stock": "many"}, "stock"),
        ({"category": 987654}, "category"),
        ({"category": None}, "category"),
        ({"category": "abc"}, "category"),
        ({"sku": "has space"}, "sku"),
        ({"sku": ""}, "sku"),
        ({"name": ""}, "name"),
        ({"slug": "not a slug"}, "slug"),
    ],
)
def test_create_bad_body_is_400_naming_the_field(admin_client, overrides, attr):
    response = admin_client.post(LIST, {**body_for(CategoryFactory()), **overrides}, format="json")
    assert_envelope(response, 400, attr=attr)
    assert not Product.objects.exists()


@pytest.mark.parametrize("missing", ["name", "sku", "price", "category"])
def test_create_missing_required_field_is_400(admin_client, missing):
    body = body_for(CategoryFactory())
    del body[missing]
    assert_envelope(admin_client.post(LIST, body, format="json"), 400, attr=missing)


def test_create_in_a_deleted_category_is_400(admin_client):
    gone = CategoryFactory(deleted_at=timezone.now())
    assert_envelope(admin_client.post(LIST, body_for(gone), format="json"), 400, attr="category")


def test_create_duplicate_sku_or_slug_is_400(admin_client):
    existing = make("TAKEN", slug="taken-slug")
    assert_envelope(admin_client.post(LIST, body_for(existing.category, sku="TAKEN"), format="json"), 400, attr="sku")
    response = admin_client.post(LIST, body_for(existing.category, sku="NEW", slug="taken-slug"), format="json")
    assert_envelope(response, 400, attr="slug")


def test_create_sku_of_a_deleted_product_is_still_taken(admin_client):
    gone = make("OLD", deleted_at=timezone.now())
    assert_envelope(admin_client.post(LIST, body_for(gone.category, sku="OLD"), format="json"), 400, attr="sku")


def test_create_anonymous_is_401_and_customer_403(api_client, customer_client):
    category = CategoryFactory()
    assert_envelope(api_client.post(LIST, body_for(category), format="json"), 401, code="not_authenticated")
    assert_envelope(customer_client.post(LIST, body_for(category), format="json"), 403, code="permission_denied")
    assert not Product.objects.exists()


# --- update ---------------------------------------------------------------------------------
def test_patch_changes_only_the_given_fields(admin_client):
    product = make("P-1", name="Lamp", price=Decimal("10.00"), stock=4, is_active=False)
    response = admin_client.patch(detail(product.pk), {"price": "12.50"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["price"], body["stock"], body["name"], body["is_active"]) == ("12.50", 4, "Lamp", False)


def test_patch_can_move_to_another_category_and_deactivate(admin_client, api_client):
    product = make("P-1")
    other = CategoryFactory(name="Other", slug="other")
    response = admin_client.patch(detail(product.pk), {"category": other.pk, "is_active": False}, format="json")
    assert response.json()["category"]["slug"] == "other"
    assert skus(api_client.get(LIST)) == []


def test_put_replaces_and_requires_every_required_field(admin_client):
    product = make("P-1", name="Lamp")
    assert_envelope(admin_client.put(detail(product.pk), {"name": "Only name"}, format="json"), 400)
    response = admin_client.put(
        detail(product.pk), body_for(product.category, sku="P-1", name="Big Lamp"), format="json"
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["price"]) == ("Big Lamp", "19.99")


def test_update_to_a_taken_sku_is_400(admin_client):
    make("A")
    product = make("B")
    assert_envelope(admin_client.patch(detail(product.pk), {"sku": "A"}, format="json"), 400, attr="sku")


def test_update_bad_values_are_400(admin_client):
    product = make("P-1")
    assert_envelope(admin_client.patch(detail(product.pk), {"price": "-5"}, format="json"), 400, attr="price")
    assert_envelope(admin_client.patch(detail(product.pk), {"stock": -5}, format="json"), 400, attr="stock")


def test_update_deleted_or_unknown_is_404(admin_client):
    gone = make("GONE", deleted_at=timezone.now())
    assert_envelope(admin_client.patch(detail(gone.pk), {"price": "1.00"}, format="json"), 404)
    assert_envelope(admin_client.patch(detail(987654), {"price": "1.00"}, format="json"), 404)


def test_update_anonymous_is_401_and_customer_403(api_client, customer_client):
    product = make("P-1", price=Decimal("1.00"))
    for method in ("put", "patch"):
        assert_envelope(getattr(api_client, method)(detail(product.pk), {"price": "2.00"}, format="json"), 401)
        assert_envelope(getattr(customer_client, method)(detail(product.pk), {"price": "2.00"}, format="json"), 403)
    product.refresh_from_db()
    assert product.price == Decimal("1.00")


# --- soft delete and restore ----------------------------------------------------------------
def test_delete_is_soft_and_hides_the_product(admin_client, api_client):
    product = make("P-1")
    make("P-2")
    response = admin_client.delete(detail(product.pk))
    assert response.status_code == 204
    assert response.content == b""
    assert Product.objects.filter(pk=product.pk, deleted_at__isnull=False).exists()
    assert_envelope(api_client.get(detail(product.pk)), 404)
    assert_envelope(admin_client.get(detail(product.pk)), 404)
    assert skus(api_client.get(LIST)) == ["P-2"]
    assert_envelope(admin_client.delete(detail(product.pk)), 404)


def test_delete_anonymous_is_401_and_customer_403(api_client, customer_client):
    product = make("P-1")
    assert_envelope(api_client.delete(detail(product.pk)), 401)
    assert_envelope(customer_client.delete(detail(product.pk)), 403)
    assert skus(api_client.get(LIST)) == ["P-1"]


def test_restore_brings_a_deleted_product_back(admin_client, api_client):
    product = make("P-1")
    admin_client.delete(detail(product.pk))
    response = admin_client.post(restore(product.pk))
    assert response.status_code == 200
    assert response.json()["sku"] == "P-1"
    assert api_client.get(detail(product.pk)).status_code == 200
    assert skus(api_client.get(LIST)) == ["P-1"]


def test_restore_of_a_live_product_is_a_harmless_200(admin_client):
    product = make("P-1")
    assert admin_client.post(restore(product.pk)).status_code == 200


def test_restore_unknown_is_404(admin_client):
    assert_envelope(admin_client.post(restore(987654)), 404)
    assert_envelope(admin_client.post(restore(10**20)), 404)


def test_restore_when_the_category_was_deleted_is_400(admin_client):
    category = CategoryFactory()
    product = make("P-1", category=category, deleted_at=timezone.now())
    assert admin_client.delete(f"/api/categories/{category.pk}/").status_code == 204
    assert_envelope(admin_client.post(restore(product.pk)), 400, attr="category", code="category_deleted")


def test_restore_anonymous_is_401_and_customer_403(api_client, customer_client):
    product = make("P-1", deleted_at=timezone.now())
    assert_envelope(api_client.post(restore(product.pk)), 401)
    assert_envelope(customer_client.post(restore(product.pk)), 403)
    product.refresh_from_db()
    assert product.deleted_at is not None
