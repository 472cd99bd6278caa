"""PrecompiledQuery: the public product detail read compiled once, answering like the ORM.

Runs on both databases (SQLite exercises the field converters PostgreSQL does not need).
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from apps.core.infra.precompiled import PrecompiledQuery
from apps.core.models.catalog import Product
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in Product._meta.concrete_fields]


def detail_query() -> PrecompiledQuery[Product]:
    return PrecompiledQuery(
        lambda pk: Product.objects.alive().filter(is_active=True, pk=pk).select_related("category").order_by(),
        -1,
    )


def test_rows_match_the_orm_field_for_field_with_the_category_attached(django_assert_num_queries):
    products = ProductFactory.create_batch(3, category=CategoryFactory(name="Phones"))
    query = detail_query()
    for product in products:
        expected = Product.objects.select_related("category").get(pk=product.pk)
        with django_assert_num_queries(1):
            found = query.first(product.pk)
            assert found.category.name == "Phones"  # loaded by the same query
        assert [getattr(found, f) for f in FIELDS] == [getattr(expected, f) for f in FIELDS]
        assert found._state.adding is False
        assert found._state.db == "default"


def test_missing_inactive_and_soft_deleted_products_are_none():
    inactive = ProductFactory(is_active=False)
    deleted = ProductFactory(deleted_at=timezone.now())
    query = detail_query()
    assert query.first(inactive.pk) is None
    assert query.first(deleted.pk) is None
    assert query.first(inactive.pk + deleted.pk + 1000) is None


def test_sql_is_compiled_once_per_connection():
    product = ProductFactory()
    query = detail_query()
    query.first(product.pk)
    (compiled,) = query._compiled.values()
    query.first(product.pk)
    assert list(query._compiled.values()) == [compiled]


@pytest.mark.django_db(transaction=True)
def test_each_thread_compiles_for_its_own_connection():
    product = ProductFactory()
    query = detail_query()
    found, errors = [], []

    def read() -> None:
        try:
            found.append(query.first(product.pk).sku)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert found == [product.sku] * 3


def test_a_placeholder_wrapped_by_the_driver_adapter_is_found():
    """On PostgreSQL Django passes an integer-field value as psycopg's Int4 (an int subclass)."""
    product = ProductFactory(stock=3)
    by_stock = PrecompiledQuery(lambda stock: Product.objects.filter(stock=stock, pk=product.pk), 987_654)
    assert by_stock.first(3) == product
    assert by_stock.first(4) is None


def test_a_placeholder_that_is_not_exactly_one_parameter_is_refused():
    ProductFactory()
    twice = PrecompiledQuery(lambda v: Product.objects.filter(pk=v, stock=v), 7)
    with pytest.raises(ValueError, match="exactly one SQL parameter; found 2"):
        twice.first(1)
    absent = PrecompiledQuery(lambda v: Product.objects.filter(pk=1), 7)
    with pytest.raises(ValueError, match="found 0"):
        absent.first(1)


def test_annotations_are_refused():
    from django.db.models import Value

    annotated = PrecompiledQuery(lambda pk: Product.objects.filter(pk=pk).annotate(x=Value(1)), -1)
    with pytest.raises(ValueError, match="model instances only"):
        annotated.first(1)
