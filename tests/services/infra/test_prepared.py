"""apps.core.infra.db.prepared: server-side binding and prepared statements inside a scope, client binding outside."""

import psycopg
import pytest
from django.db import connection

from apps.core.infra.db.prepared import binds_on_server, prepared_statements
from apps.core.models.catalog import ProductVariant
from apps.core.models.shopping import Order
from apps.core.services.catalog.variant_sync import default_variant
from tests.factories import ProductFactory
from tests.wire import traced

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

_READ = f"SELECT stock FROM {ProductVariant._meta.db_table} WHERE id = %s"


def read_stock(variant_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_READ, [variant_id])
        return cursor.fetchone()[0]


def test_inside_the_scope_a_statement_is_prepared_on_its_second_run_and_then_reused():
    variant = default_variant(ProductFactory(stock=4).pk)
    with traced() as wire, prepared_statements():
        assert [read_stock(variant.pk) for _ in range(4)] == [4, 4, 4, 4]
    sql = _READ.replace("%s", "$1")
    assert wire.unnamed() == [f'"" "{sql}" 1 21']  # the first run: bound on the server (one int2 parameter)
    assert len(wire.prepared()) == 1  # the second run prepares it, the third and fourth reuse it
    assert wire.prepared()[0].endswith(f'"{sql}" 1 21')


def test_outside_the_scope_statements_are_sent_as_text_with_their_values():
    variant = default_variant(ProductFactory(stock=4).pk)
    with traced() as wire:
        read_stock(variant.pk)
        read_stock(variant.pk)
    assert wire.count("Parse") == 0  # the simple query protocol: one Query message each
    assert wire.count("Query") == 2


def fail_inside_a_scope() -> None:
    with prepared_statements():
        assert binds_on_server()
        raise RuntimeError("boom")


def test_the_scope_restores_client_binding_when_it_raises_and_when_nested():
    with prepared_statements():
        with pytest.raises(RuntimeError):
            fail_inside_a_scope()
        assert binds_on_server()  # the outer scope is still in force
    assert not binds_on_server()
    assert issubclass(connection.connection.cursor_factory, psycopg.ClientCursor)
    assert connection.connection.prepare_threshold is None  # Django's default: nothing prepared outside


def test_the_setting_off_keeps_client_binding(settings):
    settings.DB_PREPARED_STATEMENTS = False
    variant = default_variant(ProductFactory(stock=2).pk)
    with traced() as wire, prepared_statements():
        assert not binds_on_server()
        read_stock(variant.pk)
    assert wire.count("Parse") == 0  # the simple query protocol, values quoted into the text


def test_a_checkout_prepares_its_statements_and_the_next_one_reuses_them(order_service, customer):
    from tests.factories_shop import CartItemFactory

    product = ProductFactory(stock=10)
    for quantity in (1, 2):
        CartItemFactory(cart__user=customer, product=product, quantity=quantity)
        order_service.place_order(customer)
    CartItemFactory(cart__user=customer, product=product, quantity=3)
    with traced() as wire:
        order, created = order_service.place_order(customer)
    assert created
    assert order.lines.get().quantity == 3
    assert wire.prepared() == []  # every statement of the third checkout was prepared by the second
    # Unprepared: only the test transaction's savepoint commands (their names are new each time).
    assert [text for text in wire.unnamed() if "SAVEPOINT" not in text] == []
    assert wire.count("Bind") >= 10  # the checkout's statements did run, bound to their prepared forms
    assert Order.objects.filter(user=customer).count() == 3
    product.refresh_from_db()
    assert product.stock == 4


def test_the_token_users_lookup_is_prepared_once_per_connection(customer):
    from apps.core.services.accounts.auth import user_by_id

    assert [user_by_id(customer.pk) for _ in range(2)] == [customer, customer]
    with traced() as wire:
        assert user_by_id(customer.pk) == customer
    assert wire.count("Parse") == 0
    assert wire.count("Bind") == 1


def test_cart_writes_are_prepared_too(cart_service, customer):
    from tests.factories_shop import CartItemFactory

    carts = cart_service
    product = ProductFactory(stock=10)
    for _ in range(2):  # the second round prepares what the first ran
        item = CartItemFactory(cart__user=customer, product=product, quantity=1)
        carts.update_item(customer, item.pk, 2)
        carts.remove_item(customer, item.pk)
    item = CartItemFactory(cart__user=customer, product=product, quantity=1)
    with traced() as wire:
        assert carts.update_item(customer, item.pk, 3).quantity == 3
        carts.remove_item(customer, item.pk)
    assert wire.prepared() == []
    assert [text for text in wire.unnamed() if "SAVEPOINT" not in text] == []
    assert carts.get(customer).items == []
