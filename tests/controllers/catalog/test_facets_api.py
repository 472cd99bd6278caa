"""GET /api/products/facets/: the list's filters in, facet counts out (each facet ignoring its own filter)."""

from decimal import Decimal

import pytest

from tests.factories import CategoryFactory, ProductFactory
from tests.factories_options import variant_with
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

FACETS = "/api/products/facets/"


@pytest.fixture
def shop():
    shirts, shoes = CategoryFactory(name="Shirts", slug="shirts"), CategoryFactory(name="Shoes", slug="shoes")
    a = ProductFactory(category=shirts, default_variant=None, price=Decimal("12.50"), rating=Decimal("4.4"))
    variant_with(a, size="M", color="Black")
    b = ProductFactory(category=shirts, default_variant=None, price=Decimal("20.00"), stock=0)
    variant_with(b, size="L", color="Black", stock=0)
    c = ProductFactory(category=shoes, default_variant=None, price=Decimal("99.00"), rating=Decimal("3.0"))
    variant_with(c, size="L", color="White")
    return {"shirts": shirts, "shoes": shoes, "a": a}


def test_facets_answer_the_contract_shape(api_client, shop):
    response = api_client.get(FACETS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "price", "categories", "options", "in_stock", "rating"}
    assert body["count"] == 3
    assert body["price"] == {"min": "12.50", "max": "99.00"}
    assert {c["slug"]: c["count"] for c in body["categories"]} == {"shirts": 2, "shoes": 1}
    assert set(body["categories"][0]) == {"id", "slug", "name", "count"}
    assert body["options"]["size"] == [{"value": "M", "slug": "m", "count": 1}, {"value": "L", "slug": "l", "count": 2}]
    assert body["in_stock"] == {"true": 2, "false": 1}
    assert body["rating"][0] == {"min_rating": 4, "count": 1}


def test_selecting_a_size_still_counts_the_other_sizes(api_client, shop):
    body = api_client.get(FACETS, {"size": "M", "category": "shirts"}).json()
    assert body["count"] == 1
    assert {v["slug"]: v["count"] for v in body["options"]["size"]} == {"m": 1, "l": 1}
    assert {v["slug"]: v["count"] for v in body["options"]["color"]} == {"black": 1}
    assert {c["slug"]: c["count"] for c in body["categories"]} == {"shirts": 1}


def test_facets_take_only_the_list_filters(api_client, shop):
    for name in ("page", "page_size", "cursor", "ordering", "colour"):
        assert_envelope(api_client.get(FACETS, {name: "1"}), 400, attr=name, code="unknown_parameter")
    assert_envelope(api_client.get(FACETS, {"category": "nope"}), 400, attr="category")
    assert_envelope(api_client.get(FACETS, {"min_rating": "9"}), 400, attr="min_rating")


def test_facets_are_http_cached_and_follow_catalog_writes(
    admin_client, api_client, shop, django_capture_on_commit_callbacks
):
    first = api_client.get(FACETS, {"category": "shoes"})
    assert first.json()["count"] == 1
    assert first["ETag"]
    again = api_client.get(FACETS, {"category": "shoes"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.patch(f"/api/products/{shop['a'].pk}/", {"category": shop["shoes"].pk}, format="json")
    assert response.status_code == 200
    after = api_client.get(FACETS, {"category": "shoes"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after.json()["count"] == 2


def test_a_cached_facets_hit_is_served_before_the_view_runs(api_client, shop, django_assert_num_queries):
    from unittest import mock

    from apps.core.controllers.catalog.facets import ProductFacetsController

    first = api_client.get(FACETS, {"category": "shoes"})
    assert first.status_code == 200
    view_ran = AssertionError("the view ran for a cached facets body")
    with mock.patch.object(ProductFacetsController, "get", side_effect=view_ran), django_assert_num_queries(0):
        again = api_client.get(FACETS, {"category": "shoes"})  # CachedProductReadMiddleware answers
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    other = api_client.get(FACETS, {"category": "shoes", "in_stock": "true"})  # another URL: its own entry
    assert other.status_code == 200


@pytest.mark.parametrize("estimate", [False, True], ids=["exact", "flagged_estimate"])
def test_fast_facets_representation_equals_drf_generic_output(container, shop, estimate):
    from apps.core.serializers.catalog.facets import FacetsOutputSerializer
    from apps.core.services.catalog import ProductFilters

    facets = dict(container.facet_service().facets(ProductFilters()))
    if estimate:
        facets["count_is_estimate"] = True
    assert facets["categories"]
    assert facets["options"]
    serializer = FacetsOutputSerializer(facets)
    fast = serializer.data
    assert fast == serializer.generic_representation(facets)
    assert list(fast) == list(serializer.generic_representation(facets))
    assert ("count_is_estimate" in fast) is estimate
    empty = dict(facets, price={"min": None, "max": None})
    assert FacetsOutputSerializer(empty).data["price"] == serializer.generic_representation(empty)["price"]
