"""Products through HTTP: every filter, ordering and page rule of the contract; admin writes; soft delete.

These tests assert the contract (status codes, fields, which rows in which order), never the
list's internals, so they hold whatever the list implementation does underneath.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.models.catalog import Product
from tests.factories import CategoryFactory, ProductFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

LIST = "/api/products/"
FIELDS = {
    "id",
    "name",
    "slug",
    "sku",
    "description",
    "price",
    "stock",
    "in_stock",
    "category",
    "is_active",
    "created_at",
    "updated_at",
}


def detail(product_id: int) -> str:
    return f"/api/products/{product_id}/"


def restore(product_id: int) -> str:
    return f"/api/products/{product_id}/restore/"


def skus(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["sku"] for row in response.json()["results"]]


def make(sku: str, *, age_days: int = 0, **fields) -> Product:
    """A product whose created_at is `age_days` in the past (so orderings are deterministic)."""
    product = ProductFactory(sku=sku, **fields)
    Product.objects.filter(pk=product.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return product


@pytest.fixture
def catalog():
    """Six products over a small tree: computers > laptops > ultrabooks, and shoes."""
    computers = CategoryFactory(name="Computers", slug="computers")
    laptops = CategoryFactory(name="Laptops", slug="laptops", parent=computers)
    ultrabooks = CategoryFactory(name="Ultrabooks", slug="ultrabooks", parent=laptops)
    shoes = CategoryFactory(name="Shoes", slug="shoes")
    make("TOWER", name="Beta Tower", price=Decimal("800.00"), stock=3, category=computers, age_days=6)
    make("LAP-A", name="Apple Laptop", price=Decimal("450.00"), stock=0, category=laptops, age_days=5)
    make("LAP-C", name="Cheap Laptop", price=Decimal("100.00"), stock=9, category=laptops, age_days=4)
    make("ULTRA", name="Zen Ultrabook", price=Decimal("500.00"), stock=1, category=ultrabooks, age_days=3)
    make("BOOT", name="Delta Boot", price=Decimal("99.99"), stock=0, category=shoes, age_days=2)
    make("SNEAK", name="Echo Sneaker", price=Decimal("500.01"), stock=4, category=shoes, age_days=1)
    return {"computers": computers, "laptops": laptops, "ultrabooks": ultrabooks, "shoes": shoes}


# --- shape and visibility -------------------------------------------------------------------
@pytest.mark.parametrize("who", ["api_client", "customer_client", "admin_client"])
def test_list_is_public_with_the_contract_fields(request, who):
    category = CategoryFactory(name="Audio", slug="audio")
    ProductFactory(sku="S-1", price=Decimal("19.90"), stock=0, category=category)
    response = request.getfixturevalue(who).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    row = body["results"][0]
    assert FIELDS <= set(row)
    assert row["price"] == "19.90"
    assert (row["stock"], row["in_stock"]) == (0, False)
    assert row["category"] == {"id": category.pk, "name": "Audio", "slug": "audio"}


def test_list_hides_inactive_and_soft_deleted_products(api_client, customer_client):
    make("LIVE")
    make("OFF", is_active=False)
    make("GONE", deleted_at=timezone.now())
    assert skus(api_client.get(LIST)) == ["LIVE"]
    assert skus(customer_client.get(LIST)) == ["LIVE"]


# --- filters --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("computers", {"TOWER", "LAP-A", "LAP-C", "ULTRA"}),  # the whole subtree
        ("laptops", {"LAP-A", "LAP-C", "ULTRA"}),
        ("ultrabooks", {"ULTRA"}),
        ("shoes", {"BOOT", "SNEAK"}),
    ],
)
def test_category_filter_by_slug_and_id_includes_sub_categories(api_client, catalog, value, expected):
    assert set(skus(api_client.get(LIST, {"category": value}))) == expected
    assert set(skus(api_client.get(LIST, {"category": catalog[value].pk}))) == expected


@pytest.mark.parametrize("value", ["no-such-category", "987654", "99999999999999999999999"])
def test_category_filter_unknown_is_a_400_naming_it(api_client, catalog, value):
    """Contract: a `category` that does not exist is a 400, not an empty list that looks like an empty category."""
    assert_envelope(api_client.get(LIST, {"category": value}), 400, attr="category", code="does_not_exist")


def test_category_filter_on_a_deleted_category_is_a_400(api_client):
    category = CategoryFactory(slug="old", deleted_at=timezone.now())
    make("ORPHAN", category=category)
    assert_envelope(api_client.get(LIST, {"category": "old"}), 400, attr="category", code="does_not_exist")


@pytest.mark.parametrize("value", ["has space", "a/b", "x" * 141])
def test_category_filter_malformed_is_400_naming_it(api_client, value):
    assert_envelope(api_client.get(LIST, {"category": value}), 400, attr="category")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"min_price": "500"}, {"TOWER", "ULTRA", "SNEAK"}),  # inclusive
        ({"min_price": "500.01"}, {"TOWER", "SNEAK"}),
        ({"max_price": "100"}, {"LAP-C", "BOOT"}),  # inclusive
        ({"max_price": "99.99"}, {"BOOT"}),
        ({"min_price": "100", "max_price": "500"}, {"LAP-A", "LAP-C", "ULTRA"}),
        ({"min_price": "450", "max_price": "450"}, {"LAP-A"}),
        ({"min_price": "0"}, {"TOWER", "LAP-A", "LAP-C", "ULTRA", "BOOT", "SNEAK"}),
        ({"max_price": "1"}, set()),
    ],
)
def test_price_filters_are_inclusive_bounds(api_client, catalog, params, expected):
    assert set(skus(api_client.get(LIST, params))) == expected


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"min_price": "abc"}, "min_price"),
        ({"max_price": "abc"}, "max_price"),
        ({"min_price": "-1"}, "min_price"),
        ({"max_price": "-0.01"}, "max_price"),
        ({"min_price": "NaN"}, "min_price"),
        ({"max_price": "Infinity"}, "max_price"),
        ({"min_price": "1" * 20}, "min_price"),
        ({"min_price": "10", "max_price": "5"}, "min_price"),
    ],
)
def test_bad_price_filters_are_400_naming_the_parameter(api_client, params, attr):
    body = assert_envelope(api_client.get(LIST, params), 400, attr=attr)
    assert body["code"]


@pytest.mark.parametrize(
    ("params", "attr", "code"),
    [
        ({"min_price": "10", "max_price": "5"}, "min_price", "min_price_above_max_price"),
        ({"cursor": "", "page": "2"}, "cursor", "cursor_with_page"),
        ({"min_price": "1.234"}, "min_price", "max_decimal_places"),
    ],
)
def test_rules_over_two_parameters_have_their_own_codes(api_client, params, attr, code):
    """A schema cannot state them, so their codes tell them from a malformed value (tests/contract/hooks.py)."""
    assert_envelope(api_client.get(LIST, params), 400, attr=attr, code=code)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", {"TOWER", "LAP-C", "ULTRA", "SNEAK"}),
        ("false", {"LAP-A", "BOOT"}),
    ],
)
def test_in_stock_filter(api_client, catalog, value, expected):
    response = api_client.get(LIST, {"in_stock": value})
    assert set(skus(response)) == expected
    assert {row["in_stock"] for row in response.json()["results"]} == {value == "true"}


def test_in_stock_bad_value_is_400(api_client):
    assert_envelope(api_client.get(LIST, {"in_stock": "maybe"}), 400, attr="in_stock")


@pytest.fixture
def searchable():
    make("QT-4242", name="Quantum Toaster", description="Browns bread evenly.")
    make("FC-1985", name="Time Machine", description="Comes with a flux capacitor inside.")
    make("ZX-9981", name="Plain Kettle", description="Boils water.")
    make("OLD-1", name="Quantum Kettle", description="Retired.", is_active=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("toaster", {"QT-4242"}),  # name
        ("TOASTER", {"QT-4242"}),  # case-insensitive
        ("capacitor", {"FC-1985"}),  # description
        ("ZX-9981", {"ZX-9981"}),  # SKU
        ("quantum", {"QT-4242"}),  # inactive products stay hidden
        ("nothing-like-this", set()),
    ],
)
def test_search_matches_name_description_and_sku(api_client, searchable, text, expected):
    assert set(skus(api_client.get(LIST, {"search": text}))) == expected


def test_search_with_several_keywords(api_client, searchable):
    assert set(skus(api_client.get(LIST, {"search": "quantum toaster"}))) == {"QT-4242"}


def test_blank_search_is_no_filter(api_client, searchable):
    assert len(skus(api_client.get(LIST, {"search": "   "}))) == 3


def test_search_too_long_is_400(api_client):
    assert_envelope(api_client.get(LIST, {"search": "x" * 201}), 400, attr="search")


@pytest.mark.parametrize("text", ["'", '"', "&|!", "a:*", "\\", "%_", "(", "-"])
def test_search_special_characters_never_500(api_client, searchable, text):
    assert api_client.get(LIST, {"search": text}).status_code == 200


def test_filters_combine(api_client, catalog):
    params = {"category": "computers", "min_price": "100", "max_price": "500", "in_stock": "true"}
    assert skus(api_client.get(LIST, {**params, "ordering": "-price"})) == ["ULTRA", "LAP-C"]
    assert skus(api_client.get(LIST, {**params, "search": "laptop"})) == ["LAP-C"]


def test_contract_example_query(api_client):
    laptops = CategoryFactory(slug="laptops")
    make("MB-1", name="Apple MacBook Air", price=Decimal("499.00"), category=laptops)
    make("MB-2", name="Apple MacBook Pro", price=Decimal("1999.00"), category=laptops)
    make("TP-1", name="Lenovo ThinkPad", price=Decimal("300.00"), category=laptops)
    make("MB-3", name="Apple MacBook Mini", price=Decimal("150.00"), category=laptops)
    query = "?category=laptops&min_price=100&max_price=500&ordering=-price&search=apple"
    assert skus(api_client.get(LIST + query)) == ["MB-1", "MB-3"]


# --- ordering -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["BOOT", "LAP-C", "LAP-A", "ULTRA", "SNEAK", "TOWER"]),
        ("-price", ["TOWER", "SNEAK", "ULTRA", "LAP-A", "LAP-C", "BOOT"]),
        ("created_at", ["TOWER", "LAP-A", "LAP-C", "ULTRA", "BOOT", "SNEAK"]),
        ("-created_at", ["SNEAK", "BOOT", "ULTRA", "LAP-C", "LAP-A", "TOWER"]),
        ("name", ["LAP-A", "TOWER", "LAP-C", "BOOT", "SNEAK", "ULTRA"]),
        ("-name", ["ULTRA", "SNEAK", "BOOT", "LAP-C", "TOWER", "LAP-A"]),
    ],
)
def test_every_ordering(api_client, catalog, ordering, expected):
    assert skus(api_client.get(LIST, {"ordering": ordering})) == expected


def test_default_ordering_is_newest_first(api_client, catalog):
    assert skus(api_client.get(LIST)) == ["SNEAK", "BOOT", "ULTRA", "LAP-C", "LAP-A", "TOWER"]


def test_ordering_with_search_and_filters(api_client, catalog):
    response = api_client.get(LIST, {"search": "laptop", "ordering": "price"})
    assert skus(response) == ["LAP-C", "LAP-A"]


@pytest.mark.parametrize("value", ["id", "-stock", "price,name", "PRICE", "-"])
def test_bad_ordering_is_400_naming_it(api_client, value):
    assert_envelope(api_client.get(LIST, {"ordering": value}), 400, attr="ordering")


def test_empty_parameters_mean_not_given(api_client, catalog):
    query = "?ordering=&page=&page_size=&category=&min_price=&in_stock=&search="
    assert skus(api_client.get(LIST + query)) == skus(api_client.get(LIST))


# --- pagination -----------------------------------------------------------------------------
@pytest.fixture
def many():
    for n in range(105):
        make(f"P-{n:03d}", price=Decimal(n + 1), age_days=0)


def test_pagination_defaults_to_20_with_links(api_client, many):
    first = api_client.get(LIST, {"ordering": "price"}).json()
    assert first["count"] == 105
    assert len(first["results"]) == 20
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/products/?")
    assert "page=2" in first["next"]
    assert "ordering=price" in first["next"]
    second = api_client.get(first["next"]).json()
    assert [r["sku"] for r in second["results"]] == [f"P-{n:03d}" for n in range(20, 40)]
    assert "page=" not in (second["previous"] or "page=")  # page 1 is the URL without `page`


def test_pagination_page_size_is_clamped_to_100(api_client, many):
    body = api_client.get(LIST, {"page_size": 1000}).json()
    assert len(body["results"]) == 100
    assert body["next"] is not None


def test_pagination_last_page_and_past_it(api_client, many):
    last = api_client.get(LIST, {"page": 6, "ordering": "price"}).json()
    assert [r["sku"] for r in last["results"]] == [f"P-{n:03d}" for n in range(100, 105)]
    assert last["next"] is None
    assert_envelope(api_client.get(LIST, {"page": 7}), 404, attr="page")


def test_pagination_empty_list_has_a_first_page(api_client):
    body = api_client.get(LIST).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert_envelope(api_client.get(LIST, {"page": 2}), 404)


@pytest.mark.parametrize(
    ("param", "value"),
    [("page", "0"), ("page", "-1"), ("page", "x"), ("page", "1.5"), ("page_size", "0"), ("page_size", "abc")],
)
def test_pagination_bad_values_are_400_naming_the_parameter(api_client, param, value):
    error = assert_envelope(api_client.get(LIST, {param: value}), 400, attr=param)
    assert error["detail"]


def test_error_envelope_lists_every_bad_parameter(api_client):
    response = api_client.get(LIST, {"page": "x", "ordering": "nope", "in_stock": "maybe"})
    assert_envelope(response, 400)
    assert {e["attr"] for e in response.json()["errors"]} == {"page", "ordering", "in_stock"}
    assert response.json()["type"] == "validation_error"


# --- detail ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["api_client", "customer_client", "admin_client"])
def test_detail_is_public(request, who):
    product = make("D-1", price=Decimal("5.50"))
    response = request.getfixturevalue(who).get(detail(product.pk))
    assert response.status_code == 200
    body = response.json()
    assert FIELDS <= set(body)
    assert (body["sku"], body["price"], body["in_stock"]) == ("D-1", "5.50", True)


def test_detail_inactive_is_404_for_the_public_but_visible_to_admins(api_client, customer_client, admin_client):
    product = make("OFF", is_active=False)
    assert_envelope(api_client.get(detail(product.pk)), 404)
    assert_envelope(customer_client.get(detail(product.pk)), 404)
    assert admin_client.get(detail(product.pk)).json()["is_active"] is False


def test_detail_deleted_or_unknown_is_404_for_everyone(api_client, admin_client):
    gone = make("GONE", deleted_at=timezone.now())
    for client in (api_client, admin_client):
        assert_envelope(client.get(detail(gone.pk)), 404, code="not_found")
        assert_envelope(client.get(detail(987654)), 404)
        assert_envelope(client.get(detail(10**20)), 404)


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
