"""`manage.py seed_catalog`: deterministic, realistic, unique; COPY on PostgreSQL, bulk_create elsewhere."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Min, Sum

from apps.core.management.commands.seed_catalog import line_word
from apps.core.models.catalog import (
    Category,
    OptionType,
    OptionValue,
    Product,
    ProductImage,
    ProductVariant,
    VariantOption,
)

pytestmark = pytest.mark.django_db


def seed(**options) -> None:
    call_command("seed_catalog", no_progress=True, until="2026-01-01", stdout=open("/dev/null", "w"), **options)


def snapshot() -> list[tuple]:
    return list(
        Product.objects.order_by("sku").values_list(
            "sku", "slug", "name", "description", "brand", "price", "stock", "is_active", "created_at",
            "deleted_at", "category__slug", "category__parent__slug", "rating", "review_count",
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


def variant_snapshot() -> list[tuple]:
    return list(
        ProductVariant.objects.order_by("sku").values_list(
            "sku", "product__sku", "price", "stock", "is_default", "position", "option_signature"
        )
    )


def test_seed_catalog_grows_variants_options_ratings_and_images():
    seed(products=1000, seed=2)
    products = Product.objects.all()
    variants = ProductVariant.objects.all()
    assert 2.5 <= variants.count() / 1000 <= 3.5  # about three variants per product
    assert set(OptionType.objects.values_list("slug", flat=True)) >= {"size", "color"}
    assert list(OptionValue.objects.filter(option_type__slug="size").values_list("value", flat=True)) == [
        "XS", "S", "M", "L", "XL", "XXL",
    ]  # fmt: skip
    # the product's price is its lowest variant price, its stock their sum; one default variant each
    rollup = products.annotate(low=Min("variants__price"), total=Sum("variants__stock"), n=Count("variants"))
    assert all(p.low == p.price and p.total == p.stock for p in rollup)
    assert products.filter(variants__is_default=True).distinct().count() == 1000
    # links: one per option of a variant, product repeated, signature = sorted value ids
    for variant in variants.prefetch_related("option_links")[:200]:
        links = list(variant.option_links.all())
        assert all(link.product_id == variant.product_id for link in links)
        assert variant.option_signature == ".".join(str(i) for i in sorted(link.option_value_id for link in links))
    assert VariantOption.objects.values("option_value__option_type").distinct().count() == 2
    rated = products.filter(rating__isnull=False)
    assert 300 <= rated.count() <= 500  # ~40%
    assert all(1 <= p.rating <= 5 and p.review_count > 0 for p in rated)
    assert products.filter(rating__gte=4).exists()
    images = ProductImage.objects.all()
    with_images = images.values("product").distinct().count()
    assert 780 <= with_images <= 920  # ~85%
    assert images.filter(is_main=True).count() == with_images


def test_seed_catalog_copy_and_orm_write_the_same_variants(on_postgres):
    if not on_postgres:
        pytest.skip("COPY needs PostgreSQL")
    seed(products=250, seed=3, method="copy")
    copied = variant_snapshot()
    seed(products=250, seed=3, method="orm", clear=True)
    assert variant_snapshot() == copied


def test_seed_catalog_copy_keeps_each_products_option_values(on_postgres):
    """The option links arrive by COPY: the insert trigger (migration 0024) fills each product's array."""
    if not on_postgres:
        pytest.skip("the arrays are PostgreSQL's")
    from tests.services.catalog.test_option_value_arrays import stored_and_true

    seed(products=250, seed=3, method="copy")
    rows = stored_and_true()
    assert len(rows) == 250
    assert sum(1 for _, stored, _ in rows if stored) > 150  # about three quarters have options
    assert all(stored == true for _, stored, true in rows)
