"""ProductService pages: keyset cursors (stable under inserts), deep pages, counts that follow writes."""

import threading
from datetime import timedelta

import factory
import pytest
from django.db import connection
from django.utils import timezone

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.infra.pagination import encode_cursor
from apps.core.models.catalog import Product
from apps.core.services.catalog.products import ProductFilters, ProductInput
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def catalog(n: int, **fields) -> list[Product]:
    """n products with distinct created_at, plus two sharing one timestamp (tie broken by id)."""
    now = timezone.now()
    products = ProductFactory.create_batch(n, **fields)
    for i, product in enumerate(products):
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(minutes=i % (n - 1)))
    return products


def naive_ids(ordering: str = "-created_at", **filters) -> list[int]:
    qs = Product.objects.filter(deleted_at__isnull=True, is_active=True, **filters)
    return list(qs.order_by(ordering, f"{'-' if ordering.startswith('-') else ''}id").values_list("id", flat=True))


def walk(service, filters: ProductFilters, size: int, between=None) -> list[int]:
    """Every id in cursor mode, following next_cursor; `between(i)` runs before page i + 1."""
    seen, cursor, i = [], "", 0
    while cursor is not None:
        page = service.list_page(filters, page_size=size, cursor=cursor)
        seen += [p.pk for p in page.items]
        cursor = page.next_cursor
        if between is not None:
            between(i)
        i += 1
    return seen


@pytest.mark.parametrize("ordering", ["-created_at", "created_at", "price", "-price", "name", "-name"])
def test_cursor_walk_equals_the_plain_ordered_query(product_service, ordering):
    catalog(23)
    assert walk(product_service, ProductFilters(ordering=ordering), 5) == naive_ids(ordering)


def test_cursor_previous_walks_back_to_the_start(product_service):
    catalog(12)
    first = product_service.list_page(ProductFilters(), page_size=5, cursor="")
    second = product_service.list_page(ProductFilters(), page_size=5, cursor=first.next_cursor)
    third = product_service.list_page(ProductFilters(), page_size=5, cursor=second.next_cursor)
    assert third.next_cursor is None
    assert len(third.items) == 2
    back = product_service.list_page(ProductFilters(), page_size=5, cursor=third.previous_cursor)
    assert [p.pk for p in back.items] == [p.pk for p in second.items]
    start = product_service.list_page(ProductFilters(), page_size=5, cursor=back.previous_cursor)
    assert [p.pk for p in start.items] == [p.pk for p in first.items]
    assert start.previous_cursor is None
    assert first.previous_cursor is None


def test_cursor_is_stable_under_inserts_between_pages(product_service):
    original = set(p.pk for p in catalog(30))
    old = timezone.now() - timedelta(days=400)
    inserted = []

    def insert(i: int) -> None:  # a new product at the top, and one far down the unvisited part
        inserted.append(ProductFactory().pk)
        late = ProductFactory()
        Product.objects.filter(pk=late.pk).update(created_at=old + timedelta(minutes=i))
        inserted.append(late.pk)

    seen = walk(product_service, ProductFilters(), 7, between=insert)
    assert len(seen) == len(set(seen))  # no duplicates
    assert original <= set(seen)  # no gaps
    assert set(seen) - original <= set(inserted)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cursor_has_no_duplicates_or_gaps_under_concurrent_inserts(product_service):
    original = set(p.pk for p in catalog(60, category=CategoryFactory()))
    stop = threading.Event()
    category = CategoryFactory()

    def writer() -> None:
        try:
            while not stop.is_set():
                ProductFactory(category=category)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        seen = walk(product_service, ProductFilters(), 4)
    finally:
        stop.set()
        thread.join()
    assert len(seen) == len(set(seen))
    assert original <= set(seen)


@pytest.mark.parametrize(
    "token",
    ["garbage", "eyJvIjoiLWNyZWF0ZWRfYXQifQ:forged:sig", encode_cursor(["not", "a", "dict"])],
)
def test_cursor_rejects_malformed_tokens(product_service, token):
    catalog(3)
    with pytest.raises(InvalidInputError) as error:
        product_service.list_page(ProductFilters(), page_size=5, cursor=token)
    assert (error.value.code, error.value.attr) == ("invalid_cursor", "cursor")


def test_cursor_rejects_tampered_values_and_other_orderings(product_service):
    catalog(6)
    token = product_service.list_page(ProductFilters(), page_size=2, cursor="").next_cursor
    with pytest.raises(InvalidInputError):
        product_service.list_page(ProductFilters(ordering="price"), page_size=2, cursor=token)
    bad = encode_cursor({"ordering": "-created_at", "direction": "next", "segment": 0, "key": ["yesterday", 1]})
    with pytest.raises(InvalidInputError):
        product_service.list_page(ProductFilters(), page_size=2, cursor=bad)
    bad = encode_cursor({"ordering": "-created_at", "direction": "next", "segment": 3, "key": []})
    with pytest.raises(InvalidInputError):
        product_service.list_page(ProductFilters(), page_size=2, cursor=bad)


def test_page_numbers_match_the_plain_query_at_any_depth(product_service):
    catalog(47)
    expected = naive_ids("price")
    for number in (1, 2, 5):
        page = product_service.list_page(ProductFilters(ordering="price"), page=number, page_size=10)
        assert [p.pk for p in page.items] == expected[(number - 1) * 10 : number * 10]
        assert page.count == 47
        assert page.has_next == (number < 5)
    with pytest.raises(NotFoundError):
        product_service.list_page(ProductFilters(ordering="price"), page=6, page_size=10)


def list_count(service, **filters) -> int:
    return service.list_page(ProductFilters(**filters), page=1, page_size=5).count


def test_cached_count_follows_every_write(product_service, django_capture_on_commit_callbacks):
    category = CategoryFactory()
    products = ProductFactory.create_batch(3, category=category, stock=5)
    assert list_count(product_service) == 3  # now cached
    assert list_count(product_service, in_stock=True) == 3
    with django_capture_on_commit_callbacks(execute=True):
        created = product_service.create(
            ProductInput(name="New", sku="NEW-1", price="5.00", stock=0, category=category.pk)
        )
    assert list_count(product_service) == 4
    assert list_count(product_service, in_stock=True) == 3
    with django_capture_on_commit_callbacks(execute=True):
        product_service.soft_delete(products[0].pk)
    assert list_count(product_service) == 3
    with django_capture_on_commit_callbacks(execute=True):
        product_service.restore(products[0].pk)
    assert list_count(product_service) == 4
    with django_capture_on_commit_callbacks(execute=True):
        product_service.update(products[1].pk, ProductInput(stock=0))
    assert list_count(product_service, in_stock=True) == 2
    assert list_count(product_service, in_stock=False) == 2
    with django_capture_on_commit_callbacks(execute=True):
        product_service.update(created.pk, ProductInput(is_active=False))
    assert list_count(product_service) == 3


def test_count_above_the_exact_limit_is_flagged_as_an_estimate(container, settings, on_postgres):
    settings.PRODUCT_COUNT_EXACT_LIMIT = 5
    product_service = container.product_service()  # the container reads the limit when it builds
    catalog(12)
    page = product_service.list_page(ProductFilters(), page=1, page_size=5)
    if on_postgres:
        assert page.extra == {"count_is_estimate": True}
        assert page.count > 5
    else:  # SQLite counts exactly
        assert (page.extra, page.count) == ({}, 12)
    assert page.has_next
    last = product_service.list_page(ProductFilters(), page=3, page_size=5)
    assert len(last.items) == 2
    assert not last.has_next
    with pytest.raises(NotFoundError):
        product_service.list_page(ProductFilters(), page=4, page_size=5)


def test_count_at_or_below_the_limit_is_exact(container, settings):
    settings.PRODUCT_COUNT_EXACT_LIMIT = 12
    product_service = container.product_service()  # the container reads the limit when it builds
    catalog(12)
    page = product_service.list_page(ProductFilters(), page=1, page_size=5)
    assert (page.count, page.extra) == (12, {})


@pytest.mark.postgres
def test_a_search_count_estimate_is_not_inflated_by_the_prefix_alternative(container, settings):
    """ "semi" is searched as the stem 'semi' OR the prefix 'semi':*, which match the same rows.

    The planner takes OR branches as independent: with half the rows matching, it estimates the
    OR at about three quarters. The estimate is the larger branch's instead.
    """
    settings.PRODUCT_COUNT_EXACT_LIMIT = 10
    product_service = container.product_service()  # the container reads the limit when it builds
    ProductFactory.create_batch(150, name=factory.Sequence(lambda n: f"Semi gloss paint {n}"))
    ProductFactory.create_batch(150, name=factory.Sequence(lambda n: f"Matte wall paint {n}"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_product")
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT id FROM core_product WHERE deleted_at IS NULL AND is_active"
            " AND search_vector @@ (to_tsquery('english', 'semi') || to_tsquery('simple', 'semi:*'))"
        )
        planner_or = cursor.fetchone()[0][0]["Plan"]["Plan Rows"]
    page = product_service.list_page(ProductFilters(search="semi"), page_size=20)
    assert page.extra == {"count_is_estimate": True}
    assert planner_or > 200  # what the count would say from the OR's estimate
    assert 135 <= page.count <= 165  # 150 match
