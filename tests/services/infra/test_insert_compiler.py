"""apps.core.infra.db.postgresql.compiler: a few rows are inserted as a VALUES list, many through UNNEST."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.infra.db.postgresql.compiler import UNNEST_MIN_ROWS
from apps.core.infra.db.prepared import prepared_statements
from apps.core.models.shopping import OrderLine
from tests.factories import ProductFactory
from tests.factories_shop import OrderFactory, OrderLineFactory
from tests.wire import traced

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PRICE = Decimal("2.50")


def insert_lines(rows: int) -> tuple[str, list[OrderLine]]:
    """bulk_create `rows` order lines of one order; returns the INSERT's SQL and the lines as stored."""
    order = OrderFactory()
    built = [
        OrderLineFactory.build(order=order, product=p, quantity=n + 1, unit_price=PRICE, line_total=PRICE * (n + 1))
        for n, p in enumerate(ProductFactory.create_batch(rows))
    ]
    with CaptureQueriesContext(connection) as queries:
        created = OrderLine.objects.bulk_create(built)
    [insert] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert all(line.pk for line in created)  # the ids come back (RETURNING) on both paths
    return insert, list(order.lines.order_by("quantity"))


@pytest.mark.parametrize("rows", [2, UNNEST_MIN_ROWS - 1])
def test_fewer_rows_than_the_threshold_are_a_values_list(rows):
    sql, stored = insert_lines(rows)
    assert "UNNEST" not in sql
    assert sql.count("), (") == rows - 1  # one parenthesised row of values per line
    assert [(line.quantity, line.line_total) for line in stored] == [(n + 1, PRICE * (n + 1)) for n in range(rows)]


def test_from_the_threshold_on_rows_go_through_unnest():
    sql, stored = insert_lines(UNNEST_MIN_ROWS)
    assert "UNNEST(" in sql
    assert [line.quantity for line in stored] == list(range(1, UNNEST_MIN_ROWS + 1))


def test_a_values_insert_is_prepared_once_and_reused_for_the_same_row_count():
    def three_lines() -> list[OrderLine]:
        order = OrderFactory()
        lines = [OrderLineFactory.build(order=order, product=product) for product in ProductFactory.create_batch(3)]
        with prepared_statements():
            return OrderLine.objects.bulk_create(lines)

    with traced() as wire:
        created = three_lines() + three_lines() + three_lines()
    # The first run binds on the server (an unnamed Parse), the second prepares, the third only binds.
    assert len([text for text in wire.unnamed() if "core_orderline" in text]) == 1
    assert len([text for text in wire.prepared() if "core_orderline" in text]) == 1
    assert OrderLine.objects.filter(pk__in=[line.pk for line in created]).count() == 9
