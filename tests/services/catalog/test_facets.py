"""Facet counts (`FacetService`): each facet ignores its own filter; cached per filter set; sampled above a limit."""

import math
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.models.catalog import Product, SampleBucket, VariantOption
from apps.core.services.catalog import FacetService
from apps.core.services.catalog import facets as facets_module
from apps.core.services.catalog.option_filters import selection_from
from apps.core.services.catalog.product_queries import row_estimate
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


@pytest.mark.parametrize(
    "params",
    [{}, {"size": "M"}, {"size": "L", "color": "black"}],  # option filters: the product table under alias V0, W0
)
def test_large_facets_are_sampled_and_flagged(container, shop, on_postgres, monkeypatch, params):
    if not on_postgres:
        pytest.skip("block sampling needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_product")
    filters = ProductFilters(options=opts(**params))
    exact = container.facet_service().facets(filters)
    # A limit of 0 samples every facet; asking for far more rows than exist samples 100% of the blocks.
    monkeypatch.setattr(facets_module, "MAX_SAMPLE_PERCENT", 100.0)
    sampled = FacetService(container.product_lister(), container.versioned_cache(), 0, 10**9)
    sampled._cache = type("NoCache", (), {"get_or_compute": staticmethod(lambda key, compute: compute())})()
    facets = sampled.facets(filters)
    assert facets.pop("count_is_estimate") is True
    assert facets == exact


def _no_cache(service: FacetService) -> FacetService:
    service._cache = type("NoCache", (), {"get_or_compute": staticmethod(lambda key, compute: compute())})()
    return service


def _buckets(ids) -> dict[int, int]:
    """Each product id's sample bucket, as PostgreSQL computes it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, hashint8(id) & 1023 FROM core_product WHERE id = ANY(%s)", [list(ids)])
        return dict(cursor.fetchall())


@pytest.fixture
def big_shop():
    """40 public products in `gadgets` (a sub-category of `devices`), half in stock, sizes S or M; 10 elsewhere."""
    devices = CategoryFactory(name="Devices", slug="devices")
    gadgets = CategoryFactory(name="Gadgets", slug="gadgets", parent=devices)
    others = CategoryFactory(name="Others", slug="others")
    for i in range(40):
        product = ProductFactory(category=gadgets, default_variant=None, stock=i % 2, rating=Decimal(1 + i % 5))
        variant_with(product, size="S" if i % 3 else "M", color="Black")
    for _ in range(10):
        variant_with(ProductFactory(category=others, default_variant=None), size="M", color="White")
    return {"devices": devices, "gadgets": gadgets}


def test_facets_over_a_small_share_of_the_catalog_sample_hashed_id_buckets(
    container, big_shop, on_postgres, monkeypatch
):
    if not on_postgres:
        pytest.skip("estimates need PostgreSQL")
    monkeypatch.setattr(facets_module, "TABLESAMPLE_SHARE", math.inf)  # every filter set is a "small share"
    # the planner's estimates: 2,000 rows per filter set
    monkeypatch.setattr(facets_module, "_plan_rows", lambda queries: ([2_000] * len(queries), 50.0))
    # limit 0: every facet sampled; 1,000 of 2,000 rows: buckets 0..511 (half the hash range), counts x2
    sampled = _no_cache(FacetService(container.product_lister(), container.versioned_cache(), 0, 1_000))
    facets = sampled.facets(ProductFilters(category="devices"))
    gadgets = list(big_shop["gadgets"].products.all())
    buckets = _buckets(p.pk for p in gadgets)
    kept = [p for p in gadgets if buckets[p.pk] < 512]
    assert 0 < len(kept) < len(gadgets)  # a sample, not all (40 ids hashed: a fixed, known split)
    assert facets["count_is_estimate"] is True
    assert facets["count"] == 2 * len(kept)
    assert facets["in_stock"]["true"] == 2 * sum(1 for p in kept if p.stock > 0)
    assert facets["price"] == {"min": min(p.price for p in kept), "max": max(p.price for p in kept)}  # not scaled
    assert counts(facets["rating"], "min_rating")[4] == 2 * sum(1 for p in kept if p.rating >= 4)
    sizes = dict(
        VariantOption.objects.filter(product__in=kept, option_type__slug="size").values_list(
            "product_id", "option_value__slug"
        )
    )
    assert counts(facets["options"]["size"]) == {
        s: 2 * n for s in ("s", "m") if (n := sum(1 for v in sizes.values() if v == s))
    }
    assert counts(facets["options"]["color"]) == {"black": 2 * len(kept)}
    # the categories facet (category ignored: all 50 products) samples the same buckets
    everything = _buckets(Product.objects.values_list("id", flat=True))
    assert counts(facets["categories"])["gadgets"] == 2 * len(kept)
    assert sum(counts(facets["categories"]).values()) == 2 * sum(1 for b in everything.values() if b < 512)
    # the same catalog gives the same figures
    assert sampled.facets(ProductFilters(category="devices")) == facets


@pytest.mark.django_db(transaction=True)  # VACUUM (the visibility map: index-only scans) runs outside one
def test_sampled_category_facets_read_an_index_range(container, big_shop, on_postgres, monkeypatch):
    """The sample is a range of product_pub_cat_options_idx (product figures and option counts), the bucket in its
    Index Cond, not a walk of the category's entries filtered afterwards: the query's expression is the index's."""
    if not on_postgres:
        pytest.skip("PostgreSQL plans")
    monkeypatch.setattr(facets_module, "TABLESAMPLE_SHARE", math.inf)
    monkeypatch.setattr(facets_module, "_plan_rows", lambda queries: ([2_000] * len(queries), 50.0))
    sampled = _no_cache(FacetService(container.product_lister(), container.versioned_cache(), 0, 1_000))
    with CaptureQueriesContext(connection) as ctx:
        sampled.facets(ProductFilters(category="devices"))
    batches = [q["sql"] for q in ctx.captured_queries if "hashint8" in q["sql"]]
    assert len(batches) == 1  # every facet statement in one round trip
    statements = [sql for sql in batches[0].split("; ") if re.search(r'"category_id" IN \(\d', sql)]
    assert len(statements) == 2  # the product figures and the option counts of the category
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_product")
    with transaction.atomic(), connection.cursor() as cursor:
        for scan in ("seqscan", "bitmapscan"):  # a tiny table: make the planner show its index plan
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        for sql in statements:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using product_pub_cat_options_idx" in plan
            cond = next(line for line in plan.splitlines() if "Index Cond" in line and "category_id" in line)
            assert "hashint8" in cond
            assert "< 512" in cond


def test_the_planner_estimates_a_bucket_range_from_its_statistics(big_shop, on_postgres):
    """product_sample_bucket_stats (migration 0023): without it PostgreSQL guesses that 1/3 of the rows pass
    `bucket < t` (a partial index's expression has no statistics), and joins the links by a sequential scan."""
    if not on_postgres:
        pytest.skip("PostgreSQL statistics")
    sample = Product.objects.alias(bucket=SampleBucket("id")).filter(bucket__lt=50).values("id")  # ~5% of 50
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_statistic_ext WHERE stxname = 'product_sample_bucket_stats'")
        assert cursor.fetchone() is not None
        cursor.execute("ANALYZE core_product")
    assert Product.objects.count() == 50
    assert row_estimate(sample) < 16  # the default selectivity of `<` would say 50 / 3
