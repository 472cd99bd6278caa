"""Fixtures of the catalog HTTP tests."""

from decimal import Decimal

import pytest

from tests.controllers.catalog.products_http import make
from tests.factories import CategoryFactory


@pytest.fixture
def catalog():
    """Six products over a small tree: computers > laptops > ultrabooks, and shoes."""
    computers = CategoryFactory(name="Computers", slug="computers")
    laptops = CategoryFactory(name="Laptops", slug="laptops", parent=computers)
    ultrabooks = CategoryFactory(name="Ultrabooks", slug="ultrabooks", parent=laptops)
    shoes = CategoryFactory(name="Shoes", slug="shoes")
    make("TOWER", name="Beta Tower", price=Decimal("800.00"), stock=3, category=computers, age_days=6)
    make("LAP-A", name="Apple Laptop", price=Decimal("450.00"), stock=0, category=laptops, age_days=5)
    make("LAP-C", name="Cheap Laptop", price=Decimal("100.00"), stock=9, category=laptops, age_days=4)
    make("ULTRA", name="Zen Ultrabook", price=Decimal("500.00"), stock=1, category=ultrabooks, age_days=3)
    make("BOOT", name="Delta Boot", price=Decimal("99.99"), stock=0, category=shoes, age_days=2)
    make("SNEAK", name="Echo Sneaker", price=Decimal("500.01"), stock=4, category=shoes, age_days=1)
    return {"computers": computers, "laptops": laptops, "ultrabooks": ultrabooks, "shoes": shoes}
