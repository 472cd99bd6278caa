"""GET /api/products/ through HTTP: every filter, ordering and page rule of the contract.

These tests assert the contract (status codes, fields, which rows in which order), never the
list's internals, so they hold whatever the list implementation does underneath.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.controllers.catalog.products_http import FIELDS, LIST, detail, make, restore, skus  # noqa: F401
from tests.factories import CategoryFactory, ProductFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


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
