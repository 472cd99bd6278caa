"""Demo orders: baskets from DummyJSON carts.json (matched by title) or from the catalog."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from apps.core.management.demo_orders import DEMO_OUTCOMES, baskets_from_carts, create_demo_orders
from apps.core.models.payments import Payment, PaymentStatus
from apps.core.models.shopping import Order, OrderStatus
from tests.factories import ProductFactory, ProductVariantFactory, UserFactory

pytestmark = pytest.mark.django_db


def shared_carts_file() -> Path:
    return Path(settings.DUMMYJSON_DIR) / "carts.json"


def test_orders_from_a_carts_file(tmp_path):
    phone = ProductFactory(name="iPhone 6", stock=10)
    frock = ProductFactory(name="Blue Frock", stock=2)
    carts = [
        {"id": 1, "products": [{"id": 122, "title": "iphone 6", "quantity": 3}, {"title": "Nowhere", "quantity": 1}]},
        {"id": 2, "products": [{"id": 162, "title": "Blue Frock", "quantity": 4}]},
    ]
    path = tmp_path / "carts.json"
    path.write_text(json.dumps(carts))
    customer = UserFactory()

    orders = create_demo_orders(customer, path)

    assert [o.status for o in orders] == [OrderStatus.DELIVERED, OrderStatus.SHIPPED]
    assert [(line.product_id, line.quantity) for line in orders[0].lines.all()] == [(phone.pk, 3)]
    assert [(line.product_id, line.quantity) for line in orders[1].lines.all()] == [(frock.pk, 2)]  # clamped
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 2
    phone.refresh_from_db()
    assert phone.stock == 7
    assert create_demo_orders(customer, path) == []  # idempotent


def test_baskets_sharing_scarce_stock_still_make_orders(tmp_path):
    shirt = ProductFactory(name="Shirt", stock=2)
    ball = ProductFactory(name="Ball", stock=10)
    carts = [
        {"products": [{"title": "Shirt", "quantity": 2}]},
        {"products": [{"title": "Shirt", "quantity": 2}, {"title": "Ball", "quantity": 1}]},
    ]
    path = tmp_path / "carts.json"
    path.write_text(json.dumps(carts))
    orders = create_demo_orders(UserFactory(), path)
    assert len(orders) == 2
    assert [(line.product_id, line.quantity) for line in orders[1].lines.all()] == [(ball.pk, 1)]
    shirt.refresh_from_db()
    assert shirt.stock == 0


def test_orders_from_catalog_without_carts_file(tmp_path):
    for _ in range(8):
        ProductFactory(stock=5)
    orders = create_demo_orders(UserFactory(), tmp_path / "missing.json")
    assert [o.status for o in orders] == list(DEMO_OUTCOMES)
    assert Order.objects.count() == len(DEMO_OUTCOMES)


def test_real_dummyjson_carts_parse():
    path = shared_carts_file()
    if not path.exists():
        pytest.skip(f"{path} not present")
    titles = {p["title"] for cart in json.loads(path.read_text())[:5] for p in cart["products"]}
    for title in titles:
        ProductFactory(name=title, stock=50)
    baskets = baskets_from_carts(path, limit=3)
    assert len(baskets) == 3
    assert all(quantity >= 1 for basket in baskets for _, quantity in basket)


def test_a_product_with_sizes_is_ordered_in_its_default_variant(tmp_path):
    # given a demo product that has several sizes (its default one in stock)
    frock = ProductFactory(name="Blue Frock", stock=4, default_variant=None)
    small = ProductVariantFactory(product=frock, sku="FROCK-S", stock=2, option_signature="1")
    medium = ProductVariantFactory(product=frock, sku="FROCK-M", stock=2, is_default=True, option_signature="2")
    path = tmp_path / "carts.json"
    path.write_text(json.dumps([{"id": 1, "products": [{"title": "Blue Frock", "quantity": 1}]}]))
    # when the demo orders are made, the basket is not skipped: it takes the default variant
    (order,) = create_demo_orders(UserFactory(), path)
    assert [(line.variant_id, line.sku, line.quantity) for line in order.lines.all()] == [(medium.pk, "FROCK-M", 1)]
    small.refresh_from_db()
    assert small.stock == 2
