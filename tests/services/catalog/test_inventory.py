"""Inventory.take / give_back: all or nothing per variant, products follow by delta, events per crossing."""

from decimal import Decimal

import pytest

from apps.core.exceptions import InsufficientStockError, ProductUnavailableError
from apps.core.models.catalog import Product, ProductVariant
from apps.core.models.events import Event, EventType
from apps.core.services.catalog import VariantInput
from tests.factories import ProductFactory, UserFactory, sizes
from tests.factories_shop import CartItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory(container):
    return container.inventory()


def two_sizes(container, s: int, m: int) -> tuple[Product, ProductVariant, ProductVariant]:
    sizes("S", "M")
    product = ProductFactory(price=Decimal("5.00"), stock=s)
    small = product.variants.get()
    service = container.variant_service()
    service.update(product.pk, small.pk, VariantInput(options={"size": "S"}))
    medium = service.create(
        product.pk, VariantInput(sku="INV-M", price=Decimal("6.00"), stock=m, options={"size": "M"})
    )
    return product, small, ProductVariant.objects.get(pk=medium.id)


def test_take_deducts_variants_and_their_product(container, inventory):
    product, small, medium = two_sizes(container, 10, 4)
    inventory.take([(medium.pk, 3), (small.pk, 2), (small.pk, 1)])
    small.refresh_from_db(), medium.refresh_from_db(), product.refresh_from_db()
    assert (small.stock, medium.stock, product.stock) == (7, 1, 8)


def test_take_is_all_or_nothing(container, inventory):
    product, small, medium = two_sizes(container, 10, 4)
    with pytest.raises(InsufficientStockError) as error:
        inventory.take([(small.pk, 2), (medium.pk, 5)])
    assert (error.value.variant_id, error.value.available, error.value.product_id) == (medium.pk, 4, product.pk)
    small.refresh_from_db(), product.refresh_from_db()
    assert (small.stock, product.stock) == (10, 14)


@pytest.mark.parametrize("one_trip", [True, False], ids=["one_trip", "one_by_one"])
def test_both_take_paths_give_the_same_outcome(container, inventory, monkeypatch, one_trip):
    # PostgreSQL sends the take as one round trip; SQLite (and server-side binding) a statement per row
    from apps.core.infra.db import batch
    from apps.core.services.catalog import inventory as inventory_module

    if one_trip and not batch.batched():
        pytest.skip("one round trip needs PostgreSQL with client-side binding")
    monkeypatch.setattr(inventory_module, "batched", lambda: one_trip)
    product, small, medium = two_sizes(container, 10, 6)
    inventory.take([(medium.pk, 1), (small.pk, 2)])  # 6 -> 5 crosses the threshold (5)
    with pytest.raises(InsufficientStockError) as error:
        inventory.take([(small.pk, 1), (medium.pk, 9)])
    assert (error.value.variant_id, error.value.available) == (medium.pk, 5)
    small.refresh_from_db(), medium.refresh_from_db(), product.refresh_from_db()
    assert (small.stock, medium.stock, product.stock) == (8, 5, 13)
    lows = Event.objects.filter(type=EventType.STOCK_LOW).values_list("payload__variant_id", flat=True)
    assert list(lows) == [medium.pk]
    Product.objects.filter(pk=product.pk).update(is_active=False)
    with pytest.raises(ProductUnavailableError):
        inventory.take([(small.pk, 1)])


def test_take_refuses_an_inactive_product(container, inventory):
    product, small, _ = two_sizes(container, 10, 4)
    Product.objects.filter(pk=product.pk).update(is_active=False)
    with pytest.raises(ProductUnavailableError):
        inventory.take([(small.pk, 1)])


def test_take_records_stock_low_on_the_crossing_only(container, inventory):
    product, small, _ = two_sizes(container, 8, 4)
    inventory.take([(small.pk, 2)])  # 8 -> 6: above 5
    inventory.take([(small.pk, 1)])  # 6 -> 5: crosses
    inventory.take([(small.pk, 1)])  # 5 -> 4: already low
    lows = list(Event.objects.filter(type=EventType.STOCK_LOW).values_list("payload", flat=True))
    assert lows == [{"product_id": product.pk, "variant_id": small.pk, "sku": small.sku, "stock": 5, "threshold": 5}]


def test_cancel_gives_back_and_reports_back_in_stock(container):
    product = ProductFactory(stock=1, price=Decimal("12.34"))
    buyer = UserFactory()
    CartItemFactory(cart__user=buyer, product=product, quantity=1)
    order, _ = container.order_service().place_order(buyer)
    product.refresh_from_db()
    assert product.stock == 0

    container.order_service().cancel(buyer, order.pk)

    product.refresh_from_db()
    assert (product.stock, product.variants.get().stock) == (1, 1)
    backs = list(Event.objects.filter(type=EventType.PRODUCT_BACK_IN_STOCK).values_list("payload", flat=True))
    assert backs == [
        {"product_id": product.pk, "name": product.name, "slug": product.slug, "price": "12.34", "stock": 1}
    ]


def test_give_back_to_a_retired_variant_leaves_the_product_stock(container, inventory):
    product, small, medium = two_sizes(container, 10, 4)
    container.variant_service().soft_delete(product.pk, medium.pk)
    inventory.give_back([(medium.pk, 2)])
    medium.refresh_from_db(), product.refresh_from_db()
    assert (medium.stock, product.stock) == (6, 10)


def test_recompute_repairs_a_drifted_product(container, inventory):
    product, _, _ = two_sizes(container, 10, 4)
    Product.objects.filter(pk=product.pk).update(stock=99, price=Decimal("1.00"))
    inventory.recompute(product.pk)
    product.refresh_from_db()
    assert (product.stock, product.price) == (14, Decimal("5.00"))
