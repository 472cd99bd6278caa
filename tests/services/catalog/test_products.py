"""ProductService: filters, ordering, pages, writes, soft delete and restore, cache, query count."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.models.catalog import Product
from apps.core.serializers.catalog.products import ProductOutputSerializer
from apps.core.services.catalog import ImageView, product_images
from apps.core.services.catalog.products import ProductFilters, ProductInput
from tests.cached_reads import cached_detail, cached_list
from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


def skus(service, **filters) -> list[str]:
    page = service.list_page(ProductFilters(**filters), page=1, page_size=100)
    return [p.sku for p in page.items]


def make(sku: str, *, age_days: int = 0, **fields) -> Product:
    product = ProductFactory(sku=sku, **fields)
    Product.objects.filter(pk=product.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return product


def render_skus(page) -> bytes:
    return ",".join(p.sku for p in page.items).encode()


# --- listing --------------------------------------------------------------------------------
def test_list_page_includes_sub_categories(product_service):
    laptops = CategoryFactory(slug="laptops")
    inside = make("IN", category=CategoryFactory(parent=CategoryFactory(parent=laptops)))
    make("OUT")
    assert skus(product_service, category="laptops") == [inside.sku]
    assert skus(product_service, category=str(laptops.pk)) == [inside.sku]


def test_list_page_public_rows_only(product_service):
    make("LIVE")
    make("OFF", is_active=False)
    make("GONE", deleted_at=timezone.now())
    assert skus(product_service) == ["LIVE"]


def test_list_page_price_bounds_stock_and_search(product_service):
    make("A", name="Red Kettle", price=Decimal("10.00"), stock=0)
    make("B", name="Blue Kettle", price=Decimal("20.00"), stock=2)
    make("C", name="Green Mug", price=Decimal("30.00"), stock=5)
    assert set(skus(product_service, min_price=Decimal("20"))) == {"B", "C"}
    assert set(skus(product_service, max_price=Decimal("20"))) == {"A", "B"}
    assert skus(product_service, in_stock=False) == ["A"]
    assert set(skus(product_service, in_stock=True)) == {"B", "C"}
    assert set(skus(product_service, search="kettle")) == {"A", "B"}
    assert skus(product_service, search="kettle", in_stock=True, max_price=Decimal("25")) == ["B"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["C", "A", "B"]),
        ("-price", ["B", "A", "C"]),
        ("name", ["A", "B", "C"]),
        ("-name", ["C", "B", "A"]),
        ("created_at", ["B", "C", "A"]),
        ("-created_at", ["A", "C", "B"]),
        (None, ["A", "C", "B"]),
    ],
)
def test_list_page_orderings(product_service, ordering, expected):
    make("A", name="Alpha", price=Decimal("5.00"), age_days=1)
    make("B", name="Bravo", price=Decimal("9.00"), age_days=3)
    make("C", name="Charlie", price=Decimal("1.00"), age_days=2)
    assert skus(product_service, ordering=ordering) == expected


def test_list_page_equal_sort_keys_page_stably(product_service):
    for n in range(7):
        make(f"S-{n}", price=Decimal("5.00"))
    seen = []
    for number in (1, 2, 3):
        page = product_service.list_page(ProductFilters(ordering="price"), page=number, page_size=3)
        seen += [p.sku for p in page.items]
    assert sorted(seen) == sorted(f"S-{n}" for n in range(7))
    assert len(seen) == len(set(seen))


def test_list_page_counts_and_past_the_last_page(product_service):
    for n in range(5):
        make(f"P-{n}")
    page = product_service.list_page(ProductFilters(), page=2, page_size=2)
    assert (page.count, len(page.items), page.has_next, page.has_previous) == (5, 2, True, True)
    with pytest.raises(NotFoundError):
        product_service.list_page(ProductFilters(), page=4, page_size=2)


def test_list_and_render_run_a_constant_number_of_queries(product_service, django_assert_max_num_queries):
    """Building and serializing 40 rows costs no more queries than 1 row (no query per row)."""
    root = CategoryFactory(slug="root")
    for n in range(40):
        make(f"Q-{n}", category=CategoryFactory(parent=root), price=Decimal(n + 1))
    filters = ProductFilters(category="root", min_price=Decimal("1"), ordering="price")

    def build(page_size: int) -> list[dict]:
        page = product_service.list_page(filters, page=1, page_size=page_size)
        return ProductOutputSerializer(page.items, many=True).data

    with CaptureQueriesContext(connection) as one:
        assert len(build(1)) == 1
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(build(40)) == 40


# --- reads ----------------------------------------------------------------------------------
def test_get_hides_inactive_unless_asked_and_deleted_always(product_service):
    inactive = make("OFF", is_active=False)
    gone = make("GONE", deleted_at=timezone.now())
    with pytest.raises(NotFoundError):
        product_service.get(inactive.pk)
    assert product_service.get(inactive.pk, include_inactive=True) == inactive
    for include_inactive in (False, True):
        with pytest.raises(NotFoundError):
            product_service.get(gone.pk, include_inactive=include_inactive)


def test_get_attaches_the_images_by_position_then_id(product_service):
    product = ProductFactory()
    later = ProductImageFactory(product=product, position=5, is_main=True, alt_text="Front", width=800, height=600)
    first = ProductImageFactory(product=product, position=0, is_main=False)
    tie = ProductImageFactory(product=product, position=5, is_main=False)
    ProductImageFactory()  # another product's

    found = product_service.get(product.pk, include_inactive=False).image_data

    assert found == product_service.get(product.pk, include_inactive=True).image_data
    assert [image.id for image in found] == [first.pk, later.pk, tie.pk]
    assert found[1] == ImageView(
        id=later.pk,
        image_name=later.image.name,
        thumbnail_name=later.thumbnail.name,
        alt_text="Front",
        is_main=True,
        position=5,
        width=800,
        height=600,
    )
    assert product_service.get(ProductFactory().pk).image_data == []


def test_product_images_is_one_query_whatever_the_count(django_assert_num_queries):
    product = ProductFactory()
    ProductImageFactory.create_batch(4, product=product, is_main=False)
    with django_assert_num_queries(1):
        assert len(product_images(product.pk)) == 4


# --- writes ---------------------------------------------------------------------------------
def new_input(category, **overrides) -> ProductInput:
    fields = {"name": "Desk Lamp", "sku": "LAMP", "price": Decimal("19.99"), "stock": 2}
    return ProductInput(**{**fields, "category": category.pk, **overrides})


def test_create_generates_a_unique_slug(product_service):
    category = CategoryFactory()
    first = product_service.create(new_input(category, sku="A"))
    second = product_service.create(new_input(category, sku="B"))
    assert (first.slug, second.slug) == ("desk-lamp", "desk-lamp-2")
    assert (first.price, first.stock, first.is_active, first.category) == (Decimal("19.99"), 2, True, category)


@pytest.mark.parametrize(
    ("overrides", "attr"),
    [({"category": 987654}, "category"), ({"sku": "TAKEN"}, "sku"), ({"slug": "taken-slug"}, "slug")],
)
def test_create_invalid_references_and_duplicates(product_service, overrides, attr):
    existing = make("TAKEN", slug="taken-slug")
    fields = {"sku": "NEW", "category": existing.category_id, **overrides}
    with pytest.raises(InvalidInputError) as caught:
        product_service.create(ProductInput(name="Desk Lamp", price=Decimal("1.00"), **fields))
    assert caught.value.attr == attr
    assert Product.objects.count() == 1


def test_create_in_a_deleted_category_is_invalid(product_service):
    category = CategoryFactory(deleted_at=timezone.now())
    with pytest.raises(InvalidInputError) as caught:
        product_service.create(new_input(category))
    assert caught.value.attr == "category"


def test_update_changes_only_given_fields(product_service):
    product = make("P", name="Lamp", price=Decimal("1.00"), stock=3)
    updated = product_service.update(product.pk, ProductInput(price=Decimal("2.50")))
    assert (updated.name, updated.price, updated.stock, updated.slug) == ("Lamp", Decimal("2.50"), 3, product.slug)


def test_update_inactive_products_but_not_deleted_ones(product_service):
    inactive = make("OFF", is_active=False)
    assert product_service.update(inactive.pk, ProductInput(is_active=True)).is_active is True
    gone = make("GONE", deleted_at=timezone.now())
    with pytest.raises(NotFoundError):
        product_service.update(gone.pk, ProductInput(stock=1))


def test_soft_delete_then_restore(product_service):
    product = make("P")
    product_service.soft_delete(product.pk)
    assert Product.objects.get(pk=product.pk).deleted_at is not None
    assert skus(product_service) == []
    with pytest.raises(NotFoundError):
        product_service.soft_delete(product.pk)
    restored = product_service.restore(product.pk)
    assert restored.deleted_at is None
    assert skus(product_service) == ["P"]
    assert product_service.restore(product.pk).deleted_at is None  # idempotent


def test_restore_unknown_or_with_a_deleted_category(product_service):
    with pytest.raises(NotFoundError):
        product_service.restore(987654)
    product = make("P", deleted_at=timezone.now(), category=CategoryFactory(deleted_at=timezone.now()))
    with pytest.raises(InvalidInputError) as caught:
        product_service.restore(product.pk)
    assert caught.value.attr == "category"


# --- cache ----------------------------------------------------------------------------------
def cached(service, **filters) -> bytes:
    return cached_list(service, ProductFilters(**filters), page=1, page_size=20, render=render_skus).body


def test_soft_delete_hides_from_cached_list(product_service, django_capture_on_commit_callbacks):
    product = make("P")
    assert cached(product_service) == b"P"
    with django_capture_on_commit_callbacks(execute=True):
        product_service.soft_delete(product.pk)
    assert cached(product_service) == b""


def test_every_write_refreshes_the_cached_list_and_detail(product_service, django_capture_on_commit_callbacks):
    category = CategoryFactory()
    assert cached(product_service) == b""
    with django_capture_on_commit_callbacks(execute=True):
        product = product_service.create(new_input(category, sku="NEW"))
    assert cached(product_service) == b"NEW"
    assert cached_detail(product_service, product.pk, render=lambda p: str(p.price).encode()).body == b"19.99"
    with django_capture_on_commit_callbacks(execute=True):
        product_service.update(product.pk, ProductInput(price=Decimal("5.00")))
    assert cached(product_service, max_price=Decimal("10")) == b"NEW"
    assert cached_detail(product_service, product.pk, render=lambda p: str(p.price).encode()).body == b"5.00"
    with django_capture_on_commit_callbacks(execute=True):
        product_service.soft_delete(product.pk)
    assert cached(product_service) == b""
    with django_capture_on_commit_callbacks(execute=True):
        product_service.restore(product.pk)
    assert cached(product_service) == b"NEW"


def test_a_write_that_fails_leaves_the_cache_alone(product_service, django_capture_on_commit_callbacks):
    make("P")
    assert cached(product_service) == b"P"
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(NotFoundError):
        product_service.soft_delete(987654)
    assert callbacks == []
