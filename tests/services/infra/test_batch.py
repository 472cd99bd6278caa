"""apps.core.infra.db.batch: several statements in one round trip on PostgreSQL, one by one elsewhere."""

from contextlib import nullcontext

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.infra.db import batch
from apps.core.infra.db.prepared import prepared_statements
from apps.core.models.catalog import ProductVariant
from apps.core.services.catalog.variant_sync import default_variant
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

_STOCK = f"UPDATE {ProductVariant._meta.db_table} SET stock = stock - %s WHERE id = %s RETURNING stock"
_READ = f"SELECT stock FROM {ProductVariant._meta.db_table} WHERE id = %s"
_NOTHING = f"SELECT id FROM {ProductVariant._meta.db_table} WHERE id = %s"


@pytest.fixture(params=["one_trip", "pipeline", "one_by_one"])
def mode(request, monkeypatch):
    """Every path on the test database: one query string, one pipeline of prepared statements (server-side
    binding), one by one (what SQLite takes)."""
    if request.param != "one_by_one" and not batch.batched():
        pytest.skip("one round trip needs PostgreSQL")
    if request.param == "one_by_one":
        monkeypatch.setattr(batch, "batched", lambda: False)
    with prepared_statements() if request.param == "pipeline" else nullcontext():
        yield request.param


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
    assert len(queries.captured_queries) == (1 if mode == "one_trip" else 2)


@pytest.mark.postgres
def test_under_server_side_binding_the_statements_go_in_one_pipeline_and_one_sync():
    from tests.wire import traced

    variant = default_variant(ProductFactory(stock=10).pk)
    with prepared_statements(), traced() as wire:
        results = batch.run_batch([(_STOCK, [1, variant.pk]), (_READ, [variant.pk]), (_STOCK, [2, variant.pk])])
    assert results == [[(9,)], [(9,)], [(7,)]]
    assert wire.count("Execute") == 3
    assert wire.count("Sync") == 1  # one round trip: the pipeline's single sync


def test_an_error_in_one_statement_is_djangos_and_undoes_the_batch(mode):
    variant = default_variant(ProductFactory(stock=1).pk)
    with pytest.raises(IntegrityError), transaction.atomic():  # the stock CHECK (>= 0) refuses the second
        batch.run_batch([(_STOCK, [1, variant.pk]), (_STOCK, [1, variant.pk])])
    assert batch.run_batch([(_READ, [variant.pk])]) == [[(1,)]]


def test_nothing_to_run_runs_nothing():
    assert batch.run_batch([]) == []


def test_split_batch_gives_back_the_statements_run_batch_joined():
    statements = [(_STOCK, [2, 7]), (_READ, [7]), ("SELECT 1", [])]
    joined = batch.SEPARATOR.join(sql for sql, _ in statements)
    params = [p for _, ps in statements for p in ps]
    assert batch.split_batch(joined, params) == statements
    assert batch.split_batch(_READ, [3]) == [(_READ, [3])]  # one statement: itself
