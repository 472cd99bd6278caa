"""`core_product.option_value_ids` (migration 0024, PostgreSQL): each product's live variants' option values,
kept by triggers on every write path, concurrent ones included; the facets count options from it."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.core.models.catalog import OptionValue, ProductVariant, VariantOption
from apps.core.services.catalog import VariantInput
from apps.core.services.catalog.products import ProductFilters
from tests.factories import CategoryFactory, ProductFactory
from tests.factories_options import option_value, variant_with

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TRUTH = """
    SELECT p.id, p.option_value_ids, ARRAY(
        SELECT DISTINCT l.option_value_id FROM core_variantoption l
        JOIN core_productvariant v ON v.id = l.variant_id AND v.deleted_at IS NULL
        WHERE l.product_id = p.id ORDER BY 1
    ) FROM core_product p ORDER BY p.id
"""


def stored_and_true() -> list[tuple[int, list[int], list[int]]]:
    """(product id, its stored array, the array its option links say) of every product."""
    with connection.cursor() as cursor:
        cursor.execute(TRUTH)
        return cursor.fetchall()


def arrays_agree() -> bool:
    return all(stored == true for _, stored, true in stored_and_true())


def stored(product) -> list[int]:
    return next(s for pk, s, _ in stored_and_true() if pk == product.pk)


def value_id(type_slug: str, value: str) -> int:
    return OptionValue.objects.get(option_type__slug=type_slug, value=value).pk


def test_arrays_follow_the_variant_service(container):
    # given a product with two variants made through the service: M/Black and L/Black
    for slug, value in (("size", "M"), ("size", "L"), ("size", "S"), ("color", "Black")):
        option_value(slug, value)
    product = ProductFactory(price=Decimal("10.00"))
    service = container.variant_service()
    m = service.create(
        product.pk, VariantInput(sku="P-M", price=Decimal("10.00"), options={"size": "M", "color": "Black"})
    )
    service.create(product.pk, VariantInput(sku="P-L", price=Decimal("10.00"), options={"size": "L", "color": "Black"}))
    black, size_m, size_l, size_s = (value_id("color", "Black"), *(value_id("size", s) for s in "MLS"))
    assert stored(product) == sorted([size_m, size_l, black])
    # when the M variant becomes S, then is deleted
    service.update(
        product.pk, m.id, VariantInput(sku="P-M", price=Decimal("10.00"), options={"size": "S", "color": "Black"})
    )
    assert stored(product) == sorted([size_l, size_s, black])
    service.soft_delete(product.pk, m.id)
    # then the array is what the live variants have
    assert stored(product) == sorted([size_l, black])
    assert arrays_agree()


def test_arrays_follow_direct_link_writes_and_variant_restores():
    # given two products, one with two variants (M and L), written around the services (as the admin and loads do)
    shirts = CategoryFactory(slug="shirts")
    first, second = ProductFactory(category=shirts), ProductFactory(category=shirts)
    m, l_variant = variant_with(first, size="M"), variant_with(first, size="L")
    assert len(stored(first)) == 2
    # when a variant is soft-deleted, then restored
    ProductVariant.objects.filter(pk=m.pk).update(deleted_at=timezone.now())
    assert stored(first) == [value_id("size", "L")]
    ProductVariant.objects.filter(pk=m.pk).update(deleted_at=None)
    assert len(stored(first)) == 2
    # when a variant's links move to the other product, and a link is deleted
    ProductVariant.objects.filter(pk=l_variant.pk).update(product=second)
    VariantOption.objects.filter(variant=l_variant).update(product_id=second.pk)
    assert stored(first) == [value_id("size", "M")]
    assert stored(second) == [value_id("size", "L")]
    VariantOption.objects.filter(variant=m).delete()
    # then every product's array is what its links say
    assert stored(first) == []
    assert arrays_agree()


def test_facets_follow_option_writes(facet_service_factory):
    # given a shirt with an M variant, counted by the facets
    shirts = CategoryFactory(slug="shirts")
    shirt = ProductFactory(category=shirts, default_variant=None)
    variant = variant_with(shirt, size="M", color="Black")
    facets = facet_service_factory().facets(ProductFilters(category="shirts", options=(("size", ("m",)),)))
    assert facets["count"] == 1
    assert {t: [v["slug"] for v in vs] for t, vs in facets["options"].items()} == {"size": ["m"], "color": ["black"]}
    # when its only variant goes (written around the services: the cached answer is not used)
    ProductVariant.objects.filter(pk=variant.pk).update(deleted_at=timezone.now())
    facets = facet_service_factory().facets(ProductFilters(category="shirts", options=(("size", ("m",)),)))
    # then no product has M any more
    assert facets["count"] == 0
    assert facets["options"] == {"size": [], "color": []}


def test_several_option_types_must_be_on_one_variant_whatever_the_array_holds(facet_service_factory):
    # given a product whose array holds L and Black, on two different variants, and one with an L/Black variant
    shirts = CategoryFactory(slug="shirts")
    split = ProductFactory(category=shirts, default_variant=None)
    variant_with(split, size="M", color="Black")
    variant_with(split, size="L", color="White")
    together = ProductFactory(category=shirts, default_variant=None)
    variant_with(together, size="L", color="Black")
    assert {value_id("size", "L"), value_id("color", "Black")} <= set(stored(split))
    # when the facets filter on both
    facets = facet_service_factory().facets(
        ProductFilters(category="shirts", options=(("color", ("black",)), ("size", ("l",))))
    )
    # then only the product with one variant having both matches; each type's facet counts the products
    # matching the other filters by the values of any of their live variants (as the links always counted)
    assert facets["count"] == 1
    assert {v["slug"]: v["count"] for v in facets["options"]["size"]} == {"m": 1, "l": 2}  # both have black
    assert {v["slug"]: v["count"] for v in facets["options"]["color"]} == {"black": 2, "white": 1}  # both have L


@pytest.fixture
def facet_service_factory(container):
    """Facet services whose answers are never cached (each call computes)."""

    def build():
        service = container.facet_service()
        service._cache = type("NoCache", (), {"get_or_compute": staticmethod(lambda key, compute: compute())})()
        return service

    return build


@pytest.mark.django_db(transaction=True)  # two real transactions
def test_a_concurrent_link_insert_is_not_lost_by_a_recompute():
    """The recompute of a variant's soft delete waits for the product row that a concurrent link insert locked,
    and then sees that insert: without the lock taken before its UPDATE, it would write the array it saw before."""
    product = ProductFactory(default_variant=None)
    old = variant_with(product, size="M")
    new = ProductVariant.objects.create(product=product, sku=f"{product.sku}-L", price=product.price, stock=1)
    size_l = option_value("size", "L")
    inserted, errors = threading.Event(), []

    def insert_l() -> None:
        try:
            with transaction.atomic():
                VariantOption.objects.create(
                    variant=new, option_type=size_l.option_type, option_value=size_l, product=product
                )
                inserted.set()
                time.sleep(0.5)  # the soft delete starts meanwhile and waits for this commit
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            inserted.set()
            connection.close()

    writer = threading.Thread(target=insert_l)
    writer.start()
    assert inserted.wait(10)
    started = time.monotonic()
    ProductVariant.objects.filter(pk=old.pk).update(deleted_at=timezone.now())  # autocommit: its own transaction
    waited = time.monotonic() - started
    writer.join(10)
    assert not errors
    assert waited > 0.2  # it did wait for the insert's transaction
    assert stored(product) == [size_l.pk]
    assert arrays_agree()
