"""`manage.py seed_catalog`: deterministic, realistic, unique; COPY on PostgreSQL, bulk_create elsewhere."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.management.commands.seed_catalog import line_word
from apps.core.models.catalog import Category, Product

pytestmark = pytest.mark.django_db


def seed(**options) -> None:
    call_command("seed_catalog", no_progress=True, until="2026-01-01", stdout=open("/dev/null", "w"), **options)


def snapshot() -> list[tuple]:
    return list(
        Product.objects.order_by("sku").values_list(
            "sku", "slug", "name", "description", "brand", "price", "stock", "is_active", "created_at",
            "deleted_at", "category__slug", "category__parent__slug",
        )
    )  # fmt: skip


def test_seed_catalog_is_deterministic_for_a_seed():
    seed(products=300, seed=7)
    first = snapshot()
    seed(products=300, seed=7, clear=True)
    assert snapshot() == first
    seed(products=300, seed=8, clear=True)
    assert snapshot() != first


def test_seed_catalog_copy_and_orm_write_the_same_rows(on_postgres):
    if not on_postgres:
        pytest.skip("COPY needs PostgreSQL")
    seed(products=250, seed=3, method="copy")
    copied = snapshot()
    seed(products=250, seed=3, method="orm", clear=True)
    assert snapshot() == copied


def test_seed_catalog_builds_a_realistic_catalog():
    seed(products=1000, seed=1)
    roots = Category.objects.filter(parent__isnull=True)
    assert roots.count() == 25
    assert Category.objects.filter(parent__isnull=False).count() == 250
    products = Product.objects.all()
    assert products.count() == 1000
    assert products.values("sku").distinct().count() == 1000
    assert products.values("slug").distinct().count() == 1000
    assert not products.filter(category__parent__isnull=True).exists()  # products sit in sub-categories
    out_of_stock = products.filter(stock=0).count()
    assert 60 <= out_of_stock <= 140  # ~10%
    prices = sorted(products.values_list("price", flat=True))
    assert prices[0] > 0
    assert prices[500] < prices[-1] / 10  # log-normal: a long tail of expensive items
    created = products.values_list("created_at", flat=True)
    assert (max(created) - min(created)).days > 2 * 365
    # each made-up product line is shared by exactly 100 products: a rare search word
    assert products.filter(name__contains=line_word(3).title()).count() == 100


def test_seed_catalog_refuses_to_seed_twice_without_clear():
    seed(products=10, seed=5)
    with pytest.raises(CommandError, match="--clear"):
        seed(products=10, seed=5)
