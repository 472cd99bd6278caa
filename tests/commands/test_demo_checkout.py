"""`load_demo` gives the demo shop shipping methods, tax rates, WELCOME10, address books and complete orders."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from apps.core.management.commands.load_demo import DEMO_CUSTOMER
from apps.core.models.promotions import Voucher
from apps.core.models.shipping import Address, ShippingMethod, TaxRate
from apps.core.models.shopping import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path):
    records = [
        {"title": f"Demo Item {i}", "category": "home-decoration", "price": 10 + i, "stock": 20, "sku": f"DEMO-{i}"}
        for i in range(8)
    ]
    (tmp_path / "products.json").write_text(json.dumps(records), encoding="utf-8")
    return tmp_path


def test_demo_orders_are_complete_and_a_second_run_adds_nothing(data_dir):
    for _ in range(2):
        call_command("load_demo", "--data-dir", str(data_dir), stdout=StringIO())
    names = set(ShippingMethod.objects.values_list("name", flat=True))
    assert names == {"Standard (domestic)", "EU Standard", "Worldwide Express"}
    assert TaxRate.objects.filter(country="US", region="CA").get().rate == Decimal("0.0725")
    assert Voucher.objects.get(code="WELCOME10").value == Decimal("10.00")
    assert Address.objects.filter(user__email=DEMO_CUSTOMER[0]).count() == 2
    orders = list(Order.objects.filter(user__email=DEMO_CUSTOMER[0]).order_by("id"))
    assert len(orders) == 4
    for order in orders:
        assert order.shipping_address["country"] == "US"
        assert order.shipping_method_name == "Standard (domestic)"
        assert order.tax_total > 0
        assert order.total == order.subtotal - order.discount_total + order.shipping_total + order.tax_total
    assert orders[0].voucher_code == "WELCOME10"
    assert orders[0].discount_total > 0
    assert Voucher.objects.get(code="WELCOME10").used_count == 1
