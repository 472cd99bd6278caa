"""Cached reads through HTTP: a hit runs no SQL, every write is visible to the next read, keys are
normalized, Redis being down only costs speed, and a list runs a constant number of queries.

Writes in these tests run inside `django_capture_on_commit_callbacks(execute=True)`: inside a
test transaction that is what makes the cache's on-commit generation bump happen.
"""

import logging
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory, ProductFactory
from tests.services.infra.test_versioned_cache import dead_cache, dead_list_cache  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/products/"
CATEGORIES = "/api/categories/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def write(admin_client, django_capture_on_commit_callbacks):
    """Send an admin write and run its on-commit hooks, as a real commit would."""

    def send(method: str, path: str, body: dict | None = None, status: int = 200):
        with django_capture_on_commit_callbacks(execute=True):
            response = getattr(admin_client, method)(path, body or {}, format="json")
        assert response.status_code == status, response.content
        return response

    return send


# --- hits -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [PRODUCTS, PRODUCTS + "?category=audio&min_price=1&search=widget&ordering=-price", CATEGORIES],
)
def test_second_identical_read_runs_no_sql(api_client, django_assert_num_queries, path):
    ProductFactory(name="Widget", price=Decimal("5.00"), category=CategoryFactory(slug="audio"))
    first = api_client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = api_client.get(path)
    assert second.content == first.content


def test_second_detail_read_runs_no_sql(api_client, django_assert_num_queries):
    product = ProductFactory()
    first = api_client.get(f"{PRODUCTS}{product.pk}/")
    with django_assert_num_queries(0):
        second = api_client.get(f"{PRODUCTS}{product.pk}/")
    assert second.content == first.content


def test_a_cached_read_answers_304_to_its_etag(api_client):
    ProductFactory()
    first = api_client.get(PRODUCTS)
    again = api_client.get(PRODUCTS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


@pytest.mark.parametrize(
    ("warm", "same"),
    [
        ("?ordering=price&in_stock=true", "?in_stock=true&ordering=price"),  # parameter order
        ("", "?page=1"),  # defaults
        ("", "?page_size=20"),
        ("", "?page=1&page_size=20"),
        ("", "?ordering=-created_at"),  # the default ordering
        ("?page_size=100", "?page_size=500"),  # clamped
        ("?min_price=100", "?min_price=100.00"),
        ("?in_stock=true", "?in_stock=1"),
        ("?search=widget", "?search=%20%20widget%20%20"),
    ],
)
def test_equivalent_queries_share_one_cache_entry(api_client, django_assert_num_queries, warm, same):
    ProductFactory(name="Widget", price=Decimal("150.00"))
    assert api_client.get(PRODUCTS + warm).status_code == 200
    with django_assert_num_queries(0):
        response = api_client.get(PRODUCTS + same)
    assert names(response) == ["Widget"]


def test_different_queries_do_not_share_an_entry(api_client):
    ProductFactory(name="Cheap", price=Decimal("1.00"))
    ProductFactory(name="Dear", price=Decimal("900.00"))
    assert names(api_client.get(PRODUCTS, {"max_price": "10"})) == ["Cheap"]
    assert names(api_client.get(PRODUCTS, {"min_price": "10"})) == ["Dear"]


# --- fresh after every kind of write --------------------------------------------------------
def test_product_create_is_visible_to_the_next_read(api_client, write):
    category = CategoryFactory()
    assert names(api_client.get(PRODUCTS)) == []
    body = {"name": "Fresh", "sku": "F-1", "price": "3.00", "stock": 1, "category": category.pk}
    write("post", PRODUCTS, body, status=201)
    assert names(api_client.get(PRODUCTS)) == ["Fresh"]


def test_product_update_is_visible_in_list_and_detail(api_client, write):
    product = ProductFactory(name="Before", price=Decimal("1.00"))
    assert names(api_client.get(PRODUCTS)) == ["Before"]
    assert api_client.get(f"{PRODUCTS}{product.pk}/").json()["price"] == "1.00"
    write("patch", f"{PRODUCTS}{product.pk}/", {"name": "After", "price": "2.00"})
    assert names(api_client.get(PRODUCTS)) == ["After"]
    assert api_client.get(f"{PRODUCTS}{product.pk}/").json()["price"] == "2.00"


def test_product_deactivation_hides_it_from_cached_reads(api_client, write):
    product = ProductFactory(name="Shown")
    assert names(api_client.get(PRODUCTS)) == ["Shown"]
    assert api_client.get(f"{PRODUCTS}{product.pk}/").status_code == 200
    write("patch", f"{PRODUCTS}{product.pk}/", {"is_active": False})
    assert names(api_client.get(PRODUCTS)) == []
    assert api_client.get(f"{PRODUCTS}{product.pk}/").status_code == 404


def test_product_delete_and_restore_are_visible_to_the_next_read(api_client, write):
    product = ProductFactory(name="Phoenix")
    assert names(api_client.get(PRODUCTS)) == ["Phoenix"]
    assert api_client.get(f"{PRODUCTS}{product.pk}/").status_code == 200
    write("delete", f"{PRODUCTS}{product.pk}/", status=204)
    assert names(api_client.get(PRODUCTS)) == []
    assert api_client.get(f"{PRODUCTS}{product.pk}/").status_code == 404
    write("post", f"{PRODUCTS}{product.pk}/restore/")
    assert names(api_client.get(PRODUCTS)) == ["Phoenix"]
    assert api_client.get(f"{PRODUCTS}{product.pk}/").status_code == 200


def test_category_create_is_visible_to_the_next_read(api_client, write):
    assert names(api_client.get(CATEGORIES)) == []
    write("post", CATEGORIES, {"name": "Brand New"}, status=201)
    assert names(api_client.get(CATEGORIES)) == ["Brand New"]


def test_category_rename_shows_in_categories_and_in_product_reads(api_client, write):
    category = CategoryFactory(name="Old Name")
    product = ProductFactory(category=category)
    assert names(api_client.get(CATEGORIES)) == ["Old Name"]
    assert api_client.get(PRODUCTS).json()["results"][0]["category"]["name"] == "Old Name"
    assert api_client.get(f"{PRODUCTS}{product.pk}/").json()["category"]["name"] == "Old Name"
    write("patch", f"{CATEGORIES}{category.pk}/", {"name": "New Name"})
    assert names(api_client.get(CATEGORIES)) == ["New Name"]
    assert api_client.get(PRODUCTS).json()["results"][0]["category"]["name"] == "New Name"
    assert api_client.get(f"{PRODUCTS}{product.pk}/").json()["category"]["name"] == "New Name"


def test_category_move_changes_cached_category_filters(api_client, write):
    root = CategoryFactory(slug="root")
    other = CategoryFactory(slug="other")
    ProductFactory(name="Moving", category=other)
    assert names(api_client.get(PRODUCTS, {"category": "root"})) == []
    write("patch", f"{CATEGORIES}{other.pk}/", {"parent": root.pk})
    assert names(api_client.get(PRODUCTS, {"category": "root"})) == ["Moving"]


def test_category_delete_is_visible_to_the_next_read(api_client, write):
    category = CategoryFactory(name="Doomed")
    assert names(api_client.get(CATEGORIES)) == ["Doomed"]
    write("delete", f"{CATEGORIES}{category.pk}/", status=204)
    assert names(api_client.get(CATEGORIES)) == []


# --- Redis unreachable ----------------------------------------------------------------------
@pytest.mark.usefixtures("dead_list_cache")
def test_reads_and_writes_are_served_when_redis_is_down(api_client, write, caplog):
    category = CategoryFactory(name="Audio")
    product = ProductFactory(name="Speaker", category=category)
    with caplog.at_level(logging.ERROR, logger=settings.DJANGO_REDIS_LOGGER):
        assert names(api_client.get(PRODUCTS)) == ["Speaker"]
        assert names(api_client.get(CATEGORIES)) == ["Audio"]
        assert api_client.get(f"{PRODUCTS}{product.pk}/").status_code == 200
        write("patch", f"{PRODUCTS}{product.pk}/", {"name": "Loud Speaker"})
        write("patch", f"{CATEGORIES}{category.pk}/", {"name": "Sound"})
        assert names(api_client.get(PRODUCTS)) == ["Loud Speaker"]
        assert api_client.get(PRODUCTS).json()["results"][0]["category"]["name"] == "Sound"
        assert api_client.get(f"{PRODUCTS}{product.pk}/").json()["name"] == "Loud Speaker"
    logged = [r for r in caplog.records if r.name == settings.DJANGO_REDIS_LOGGER]
    assert logged
    assert all(r.levelno == logging.ERROR and r.exc_info for r in logged)


# --- constant query count -------------------------------------------------------------------
def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "root"},
        {"category": "root", "min_price": "1", "max_price": "1000", "in_stock": "true", "ordering": "price"},
        {"search": "product", "ordering": "-name"},
    ],
)
def test_a_list_request_runs_a_bounded_number_of_queries_whatever_the_page_size(api_client, params):
    """No query per row: a page of 60 costs no more SQL than a page of 1 (a full page may even skip the count)."""
    root = CategoryFactory(slug="root")
    children = [CategoryFactory(parent=root) for _ in range(3)]
    for n in range(60):
        ProductFactory(name=f"Product {n}", category=children[n % 3], price=Decimal(n + 1))
    counts = {}
    for page_size in (1, 10, 60):
        holder = {}

        def call(size=page_size, holder=holder):
            holder["response"] = api_client.get(PRODUCTS, {**params, "page_size": size})  # a new key: a miss

        counts[page_size] = count_queries(call)
        assert len(holder["response"].json()["results"]) == page_size
    assert max(counts.values()) == counts[1], counts  # the absolute number is the implementation's business
