"""GET /api/products/ with option filters (`size=M,L&color=black`), `min_rating` and `ordering=rating|-rating`."""

from decimal import Decimal

import pytest

from apps.core.models.catalog import OptionType
from tests.controllers.catalog.products_http import LIST, skus
from tests.factories import ProductFactory
from tests.factories_options import OptionTypeFactory, variant_with
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirts():
    a = ProductFactory(sku="A", default_variant=None)
    variant_with(a, size="M", color="Black")
    b = ProductFactory(sku="B", default_variant=None)
    variant_with(b, size="M", color="White")
    variant_with(b, size="L", color="Black")
    return a, b


def test_option_filters_match_one_variant(api_client, shirts):
    assert skus(api_client.get(LIST, {"size": "M", "color": "black"})) == ["A"]
    assert sorted(skus(api_client.get(LIST, {"size": "M,L", "color": "Black"}))) == ["A", "B"]
    assert sorted(skus(api_client.get(f"{LIST}?size=m&size=l&color=black"))) == ["A", "B"]  # repeated parameter
    body = api_client.get(LIST, {"size": "L"}).json()
    assert (body["count"], [r["sku"] for r in body["results"]]) == (1, ["B"])


def test_a_slug_that_is_no_option_type_is_an_unknown_parameter(api_client, shirts):
    assert_envelope(api_client.get(LIST, {"colour": "black"}), 400, attr="colour", code="unknown_parameter")


def test_a_new_option_type_is_a_parameter_at_once(api_client, shirts, django_capture_on_commit_callbacks):
    assert_envelope(api_client.get(LIST, {"material": "wool"}), 400, attr="material")
    with django_capture_on_commit_callbacks(execute=True):
        OptionTypeFactory(name="Material", slug="material")
    response = api_client.get(LIST, {"material": "wool"})
    assert (response.status_code, response.json()["count"]) == (200, 0)
    with django_capture_on_commit_callbacks(execute=True):
        OptionType.objects.filter(slug="material").delete()
    assert_envelope(api_client.get(LIST, {"material": "wool"}), 400, attr="material")


@pytest.mark.parametrize("value", ["", ",", "a" * 65, ",".join(["x"] * 21)])
def test_malformed_option_values_are_400s(api_client, shirts, value):
    assert_envelope(api_client.get(LIST, {"size": value}), 400, attr="size")


@pytest.mark.parametrize("value", ["0", "6", "4.5", "x"])
def test_min_rating_must_be_1_to_5(api_client, value):
    assert_envelope(api_client.get(LIST, {"min_rating": value}), 400, attr="min_rating")


def test_min_rating_and_rating_orderings(api_client):
    for sku, rating in (("R3", "3.00"), ("NONE", None), ("R5", "5.00"), ("R4", "4.20")):
        ProductFactory(sku=sku, rating=Decimal(rating) if rating else None)
    assert skus(api_client.get(LIST, {"ordering": "-rating"})) == ["R5", "R4", "R3", "NONE"]
    assert skus(api_client.get(LIST, {"ordering": "rating"})) == ["R3", "R4", "R5", "NONE"]
    assert skus(api_client.get(LIST, {"min_rating": 4, "ordering": "-rating"})) == ["R5", "R4"]
    first = api_client.get(LIST, {"ordering": "-rating", "cursor": "", "page_size": 3}).json()
    assert [r["sku"] for r in first["results"]] == ["R5", "R4", "R3"]
    assert skus(api_client.get(first["next"])) == ["NONE"]


def test_cached_lists_tell_filters_apart(api_client, shirts):
    assert skus(api_client.get(LIST, {"size": "L"})) == ["B"]  # cached now
    assert sorted(skus(api_client.get(LIST, {"size": "M"}))) == ["A", "B"]
    assert skus(api_client.get(LIST, {"size": "L"})) == ["B"]
