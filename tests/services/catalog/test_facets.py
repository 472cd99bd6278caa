"""Facet counts (`FacetService`): each facet ignores its own filter; cached per filter set; sampled above a limit."""

from decimal import Decimal

import pytest
from django.db import connection

from apps.core.services.catalog import FacetService
from apps.core.services.catalog import facets as facets_module
from apps.core.services.catalog.option_filters import selection_from
from apps.core.services.catalog.products import ProductFilters
from tests.factories import CategoryFactory, ProductFactory
from tests.factories_options import variant_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def facet_service(container):
    return container.facet_service()


def opts(**params: str):
    return selection_from({k: v.split(",") for k, v in params.items()})


@pytest.fixture
def shop():
    """Two categories; products with sizes/colors, prices, stock and ratings (see the assertions)."""
    shoes, shirts = CategoryFactory(name="Shoes", slug="shoes"), CategoryFactory(name="Shirts", slug="shirts")
    p1 = ProductFactory(category=shirts, default_variant=None, price=Decimal("10.00"), rating=Decimal("4.5"))
    variant_with(p1, size="M", color="Black")
    variant_with(p1, size="L", color="Black")
    p2 = ProductFactory(category=shirts, default_variant=None, price=Decimal("30.00"), rating=Decimal("3.2"))
    variant_with(p2, size="M", color="White")
    p3 = ProductFactory(category=shoes, default_variant=None, price=Decimal("80.00"), stock=0, rating=None)
    variant_with(p3, size="L", color="Black", stock=0)
    p4 = ProductFactory(category=shoes, default_variant=None, price=Decimal("55.00"), rating=Decimal("2.0"))
    variant_with(p4, color="White")
    ProductFactory(category=shoes, is_active=False)  # never counted
    return {"shoes": shoes, "shirts": shirts}


def counts(rows: list[dict], key: str = "slug") -> dict:
    return {row[key]: row["count"] for row in rows}


def test_facets_without_filters_count_every_public_product(facet_service, shop):
    facets = facet_service.facets(ProductFilters())
    assert facets["count"] == 4
    assert facets["price"] == {"min": Decimal("10.00"), "max": Decimal("80.00")}
    assert counts(facets["categories"]) == {"shirts": 2, "shoes": 2}
    assert counts(facets["options"]["size"]) == {"m": 2, "l": 2}
    assert counts(facets["options"]["color"]) == {"black": 2, "white": 2}
    assert [v["value"] for v in facets["options"]["size"]] == ["M", "L"]  # position order
    assert facets["in_stock"] == {"true": 3, "false": 1}
    assert facets["rating"] == [
        {"min_rating": 4, "count": 1},
        {"min_rating": 3, "count": 2},
        {"min_rating": 2, "count": 3},
        {"min_rating": 1, "count": 3},
    ]
    assert "count_is_estimate" not in facets


def test_each_facet_ignores_its_own_filter(facet_service, shop):
    facets = facet_service.facets(ProductFilters(options=opts(size="M"), category="shirts"))
    assert facets["count"] == 2
    assert counts(facets["options"]["size"]) == {"m": 2, "l": 1}  # size ignored: the shirts' sizes
    assert counts(facets["options"]["color"]) == {"black": 1, "white": 1}  # size=M applies
    assert counts(facets["categories"]) == {"shirts": 2}  # category ignored: shoes have no M
    facets = facet_service.facets(ProductFilters(options=opts(size="L", color="black")))
    assert facets["count"] == 2
    assert counts(facets["options"]["size"]) == {"m": 1, "l": 2}  # black variants' sizes
    assert counts(facets["options"]["color"]) == {"black": 2}  # L variants' colors
    facets = facet_service.facets(ProductFilters(in_stock=True, min_rating=3, min_price=Decimal("20")))
    assert facets["count"] == 1
    assert facets["in_stock"] == {"true": 1, "false": 0}  # rated >= 3 and >= 20: p2 only
    assert counts(facets["rating"], "min_rating") == {4: 0, 3: 1, 2: 2, 1: 2}  # in stock, >= 20: p2, p4
    assert facets["price"] == {"min": Decimal("10.00"), "max": Decimal("30.00")}  # in stock, rated >= 3


def test_facets_of_nothing(facet_service, shop):
    facets = facet_service.facets(ProductFilters(options=opts(color="purple")))
    assert facets["count"] == 0
    assert facets["price"] == {"min": None, "max": None}
    assert counts(facets["options"]["color"]) == {"black": 2, "white": 2}


def test_facets_are_cached_per_filter_set_until_the_catalog_changes(
    facet_service, product_service, shop, django_capture_on_commit_callbacks
):
    before = facet_service.facets(ProductFilters(category="shoes"))
    p4 = shop["shoes"].products.get(rating=Decimal("2.0"))
    ProductFactory(category=shop["shoes"])  # written around the services: the cached answer stays
    assert facet_service.facets(ProductFilters(category="shoes")) == before
    assert facet_service.facets(ProductFilters(category="shirts"))["count"] == 2  # another filter set
    with django_capture_on_commit_callbacks(execute=True):
        product_service.soft_delete(p4.pk)  # a service write invalidates (after commit)
    after = facet_service.facets(ProductFilters(category="shoes"))
    assert after["count"] == before["count"]  # one product more, one less
    assert counts(after["rating"], "min_rating")[2] == counts(before["rating"], "min_rating")[2] - 1


def test_large_facets_are_sampled_and_flagged(container, shop, on_postgres, monkeypatch):
    if not on_postgres:
        pytest.skip("block sampling needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_product")
    exact = container.facet_service().facets(ProductFilters())
    # A limit of 0 samples every facet; asking for far more rows than exist samples 100% of the blocks.
    monkeypatch.setattr(facets_module, "MAX_SAMPLE_PERCENT", 100.0)
    sampled = FacetService(container.product_lister(), container.versioned_cache(), 0, 10**9)
    sampled._cache = type("NoCache", (), {"get_or_compute": staticmethod(lambda key, compute: compute())})()
    facets = sampled.facets(ProductFilters())
    assert facets.pop("count_is_estimate") is True
    assert facets == exact


def test_facets_over_a_small_share_of_the_catalog_sample_every_kth_product(container, shop, on_postgres, monkeypatch):
    if not on_postgres:
        pytest.skip("estimates need PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_product")
    monkeypatch.setattr(facets_module, "TABLESAMPLE_SHARE", 2.0)  # every filter set is a "small share"
    sampled = FacetService(container.product_lister(), container.versioned_cache(), 0, 10**9)  # k = 2
    facets = sampled.facets(ProductFilters(category="shoes"))
    shoes = shop["shoes"].products.filter(is_active=True, deleted_at__isnull=True)
    even = [p for p in shoes if p.pk % 2 == 0]
    assert facets["count_is_estimate"] is True
    assert facets["count"] == 2 * len(even)
    assert facets["in_stock"]["true"] == 2 * sum(1 for p in even if p.stock > 0)
