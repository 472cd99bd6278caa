"""apps.core.infra.db.batch: several statements in one round trip on PostgreSQL, one by one elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.infra.db import batch
from apps.core.models.catalog import ProductVariant
from apps.core.services.catalog.variant_sync import default_variant
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

_STOCK = f"UPDATE {ProductVariant._meta.db_table} SET stock = stock - %s WHERE id = %s RETURNING stock"
_READ = f"SELECT stock FROM {ProductVariant._meta.db_table} WHERE id = %s"
_NOTHING = f"SELECT id FROM {ProductVariant._meta.db_table} WHERE id = %s"


@pytest.fixture(params=[True, False], ids=["one_trip", "one_by_one"])
def mode(request, monkeypatch):
    """Both paths on the test database (one by one is what SQLite and server-side binding take)."""
    if request.param and not batch.batched():
        pytest.skip("one round trip needs PostgreSQL with client-side binding")
    monkeypatch.setattr(batch, "batched", lambda: request.param)
    return request.param


def test_each_statement_gives_its_rows_and_sees_the_ones_before(mode):
    variant = default_variant(ProductFactory(stock=10).pk)
    results = batch.run_batch(
        [(_STOCK, [3, variant.pk]), (_READ, [variant.pk]), (_NOTHING, [-1]), (_STOCK, [1, variant.pk])]
    )
    assert results == [[(7,)], [(7,)], [], [(6,)]]


def test_one_trip_is_one_execute_on_postgresql(mode):
    variant = default_variant(ProductFactory(stock=10).pk)
    with CaptureQueriesContext(connection) as queries:
        batch.run_batch([(_STOCK, [1, variant.pk]), (_STOCK, [1, variant.pk])])
    assert len(queries.captured_queries) == (1 if mode else 2)


def test_nothing_to_run_runs_nothing():
    assert batch.run_batch([]) == []


def test_split_batch_gives_back_the_statements_run_batch_joined():
    statements = [(_STOCK, [2, 7]), (_READ, [7]), ("SELECT 1", [])]
    joined = batch.SEPARATOR.join(sql for sql, _ in statements)
    params = [p for _, ps in statements for p in ps]
    assert batch.split_batch(joined, params) == statements
    assert batch.split_batch(_READ, [3]) == [(_READ, [3])]  # one statement: itself
