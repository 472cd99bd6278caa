"""`GET /api/products/` and `/api/products/{id}/` performance features over HTTP:
ETag / 304, cache hits served without queries, cursor links, counts after writes."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import AdminFactory, CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> APIClient:
    """An admin client authenticated without a JWT (what is tested here is the cache, not the tokens)."""
    client = APIClient()
    client.force_authenticate(user=AdminFactory())
    return client


def test_list_etag_then_304_then_new_body_after_a_write(api_client, staff_client, django_capture_on_commit_callbacks):
    product = ProductFactory(price="10.00")
    first = api_client.get("/api/products/")
    etag = first["ETag"]
    assert first.status_code == 200
    assert etag.startswith('"')

    again = api_client.get("/api/products/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.patch(f"/api/products/{product.pk}/", {"price": "12.00"}, format="json").status_code == 200
    changed = api_client.get("/api/products/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["results"][0]["price"] == "12.00"


def test_detail_etag_and_304(api_client):
    product = ProductFactory()
    first = api_client.get(f"/api/products/{product.pk}/")
    assert first.status_code == 200
    assert api_client.get(f"/api/products/{product.pk}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api_client.get(f"/api/products/{product.pk}/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.parametrize("path", ["/api/products/?ordering=price", "/api/products/{id}/"])
def test_anonymous_cache_hit_runs_no_query(api_client, path):
    product = ProductFactory()
    url = path.format(id=product.pk)
    body = api_client.get(url).content
    with CaptureQueriesContext(connection) as queries:
        hit = api_client.get(url)
    assert hit.status_code == 200
    assert hit.content == body
    assert len(queries) == 0
    assert hit["X-Frame-Options"] == "DENY"  # the security headers of the full path are kept
    assert hit["X-Content-Type-Options"] == "nosniff"


def test_cache_hit_path_ignores_a_replaced_service(api_client, container):
    """A test double of ProductService does not disturb the pre-view cache path, which needs no service."""
    from unittest import mock

    from apps.core.services.catalog.products import ProductService

    ProductFactory()
    api_client.get("/api/products/")
    fake = mock.create_autospec(ProductService, instance=True)
    real = container.product_service()
    fake.list_key.side_effect, fake.list_page.side_effect = real.list_key, real.list_page
    with container.product_service.override(fake):
        assert api_client.get("/api/products/").status_code == 200


def test_cache_hit_path_still_rejects_a_bad_token(api_client):
    ProductFactory()
    assert api_client.get("/api/products/").status_code == 200  # cached now
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get("/api/products/").status_code == 401


def test_admin_detail_bypasses_the_public_cache(api_client, staff_client):
    hidden = ProductFactory(is_active=False)
    assert api_client.get(f"/api/products/{hidden.pk}/").status_code == 404
    assert staff_client.get(f"/api/products/{hidden.pk}/").status_code == 200


def test_cursor_mode_links_walk_the_list(api_client):
    ProductFactory.create_batch(5)
    response = api_client.get("/api/products/", {"cursor": "", "page_size": 2})
    body = response.json()
    assert body["count"] == 5
    assert body["previous"] is None
    seen = [row["id"] for row in body["results"]]
    while body["next"]:
        assert "page=" not in body["next"]
        assert parse_qs(urlparse(body["next"]).query)["cursor"][0]
        body = api_client.get(body["next"]).json()
        seen += [row["id"] for row in body["results"]]
        assert body["previous"] is not None
    assert len(seen) == len(set(seen)) == 5
    back = api_client.get(body["previous"]).json()
    assert [row["id"] for row in back["results"]] == seen[2:4]


@pytest.mark.parametrize(
    ("query", "attr"),
    [({"cursor": "garbage"}, "cursor"), ({"cursor": "", "page": 2}, "cursor")],
)
def test_bad_cursor_is_a_400_naming_it(api_client, query, attr):
    ProductFactory()
    response = api_client.get("/api/products/", query)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr


def test_counts_after_writes_over_http(api_client, staff_client, django_capture_on_commit_callbacks):
    category = CategoryFactory()
    products = ProductFactory.create_batch(3, category=category, stock=4)

    def count(**query) -> int:
        return api_client.get("/api/products/", query).json()["count"]

    assert (count(), count(in_stock="true")) == (3, 3)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            "/api/products/", {"name": "Extra", "sku": "EX-1", "price": "3.00", "category": category.pk}, format="json"
        )
    assert (count(), count(in_stock="true")) == (4, 3)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.delete(f"/api/products/{products[0].pk}/")
    assert count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/api/products/{products[0].pk}/restore/")
    assert count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.patch(f"/api/products/{products[1].pk}/", {"stock": 0}, format="json")
    assert (count(in_stock="true"), count(in_stock="false")) == (2, 2)


def test_count_estimate_flag_appears_only_above_the_limit(api_client, settings, on_postgres):
    ProductFactory.create_batch(8)
    assert "count_is_estimate" not in api_client.get("/api/products/").json()
    settings.PRODUCT_COUNT_EXACT_LIMIT = 3
    cache.clear()  # the count of these filters was cached under the old limit
    body = api_client.get("/api/products/", {"page_size": 3}).json()
    if on_postgres:
        assert body["count_is_estimate"] is True
    else:
        assert "count_is_estimate" not in body
    assert body["next"] is not None


def test_fast_product_representation_equals_drf_generic_output():
    from rest_framework import serializers as drf

    from apps.core.serializers.catalog.products import ProductOutputSerializer

    product = ProductFactory(price="1234.5", rating="4.5", review_count=2, stock=0)
    product.refresh_from_db()
    fast = ProductOutputSerializer(product).data
    generic = drf.ModelSerializer.to_representation(ProductOutputSerializer(), product)
    assert fast == generic
    assert fast["price"] == "1234.50"
    assert fast["rating"] == "4.50"
    assert fast["created_at"].endswith("Z")


def test_fast_detail_representation_equals_drf_generic_output(product_service):
    """The detail's directly built images (and list-row fields) equal DRF's serializers', key order included."""
    from rest_framework import serializers as drf

    from apps.core.models.catalog import Product, ProductImage
    from apps.core.serializers.catalog import ProductDetailOutputSerializer, ProductImageOutputSerializer
    from apps.core.serializers.catalog.products import ProductOutputSerializer
    from apps.core.services.catalog import attach_main_images

    product = ProductFactory(price="19.9", rating="3.25", review_count=4)
    ProductImageFactory(product=product, position=1, alt_text="Back", is_main=False, width=10, height=20)
    ProductImageFactory(product=product, position=0, alt_text="Front – ünï", is_main=True)
    ProductImageFactory(product=product, position=1, image="", thumbnail="", is_main=False)  # no file: null URLs

    body = ProductDetailOutputSerializer(product_service.get(product.pk)).data

    images = ProductImage.objects.filter(product=product).order_by("position", "id")
    assert body["images"] == ProductImageOutputSerializer(images, many=True).data
    assert [list(image) for image in body["images"]] == [list(ProductImageOutputSerializer.Meta.fields)] * 3
    assert body["images"][2]["url"] is None
    plain = Product.objects.select_related("category").get(pk=product.pk)
    attach_main_images([plain])
    generic = drf.ModelSerializer.to_representation(ProductOutputSerializer(), plain)
    assert list(body) == [*generic, "images", "variants", "options"]
    assert {field: body[field] for field in generic} == generic
    assert body["main_image"] == {"url": body["images"][0]["url"], "thumbnail_url": body["images"][0]["thumbnail_url"]}


def test_uncached_detail_runs_three_queries_in_one_round_trip_and_none_while_serializing(api_client, product_service):
    from apps.core.infra.db.batch import batched
    from apps.core.serializers.catalog import ProductDetailOutputSerializer

    product = ProductFactory()
    ProductImageFactory.create_batch(3, product=product, is_main=False)
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get(f"/api/products/{product.pk}/").json()
    assert len(body["images"]) == 3
    statements = [sql for q in queries.captured_queries for sql in q["sql"].split("; ")]
    tables = [sql.split(" FROM ", 1)[1].split()[0] for sql in statements]
    assert tables == ['"core_product"', '"core_productvariant"', '"core_productimage"']
    assert len(queries) == (1 if batched() else 3)  # one round trip on PostgreSQL
    detail = product_service.get(product.pk)
    with CaptureQueriesContext(connection) as queries:
        ProductDetailOutputSerializer(detail).data  # noqa: B018 - rendering is what is measured
    assert len(queries) == 0


def test_cursor_outside_the_token_alphabet_is_400_naming_it(api_client):
    response = api_client.get("/api/products/", {"cursor": "\U000fa810" * 50})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "cursor"
