"""PrecompiledQuery and PrecompiledRows: the public product detail reads compiled once, answering like the ORM.

Runs on both databases (SQLite exercises the field converters PostgreSQL does not need).
"""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Value
from django.utils import timezone

from apps.core.infra.precompiled import (
    PLACEHOLDER_ID,
    TESTED_DJANGO,
    PrecompiledQuery,
    PrecompiledRows,
    check_django_version,
)
from apps.core.models.catalog import Category, Product, ProductImage, ProductVariant, VariantOption
from tests.factories import (
    CategoryFactory,
    OptionTypeFactory,
    OptionValueFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in Product._meta.concrete_fields]
CATEGORY_FIELDS = [f.attname for f in Category._meta.concrete_fields]


def public_detail(pk):
    """The public detail query of ProductService (alive, active, category joined)."""
    return Product.objects.alive().filter(is_active=True, pk=pk).select_related("category").order_by()


def detail_query() -> PrecompiledQuery[Product]:
    return PrecompiledQuery(public_detail)  # the default placeholder, PLACEHOLDER_ID


def test_rows_match_the_orm_field_for_field_with_the_category_attached(django_assert_num_queries):
    products = ProductFactory.create_batch(3, category=CategoryFactory(name="Phones"))
    query = detail_query()
    for product in products:
        expected = Product.objects.select_related("category").get(pk=product.pk)
        with django_assert_num_queries(1):
            found = query.first(product.pk)
            assert found.category.name == "Phones"  # loaded by the same query
        assert [getattr(found, f) for f in FIELDS] == [getattr(expected, f) for f in FIELDS]
        assert found._state.adding is False
        assert found._state.db == "default"


def test_all_gives_every_row_in_order_like_the_orm(django_assert_num_queries):
    category = CategoryFactory(name="Audio")
    products = ProductFactory.create_batch(4, category=category)
    query = PrecompiledQuery(
        lambda category_id: Product.objects.filter(category_id=category_id).select_related("category").order_by("-id")
    )
    expected = list(Product.objects.filter(category=category).select_related("category").order_by("-id"))
    with django_assert_num_queries(1):
        found = query.all(category.pk)
        assert [p.category.name for p in found] == ["Audio"] * 4  # joined by the same query
    assert [[getattr(p, f) for f in FIELDS] for p in found] == [[getattr(p, f) for f in FIELDS] for p in expected]
    assert [p.pk for p in found] == sorted((p.pk for p in products), reverse=True)
    assert query.all(PLACEHOLDER_ID + 1) == []


def test_missing_inactive_and_soft_deleted_products_are_none():
    inactive = ProductFactory(is_active=False)
    deleted = ProductFactory(deleted_at=timezone.now())
    query = detail_query()
    assert query.first(inactive.pk) is None
    assert query.first(deleted.pk) is None
    assert query.first(inactive.pk + deleted.pk + 1000) is None


def test_sql_is_compiled_once_per_connection():
    product = ProductFactory()
    query = detail_query()
    query.first(product.pk)
    (compiled,) = query._compiled.values()
    query.first(product.pk)
    assert list(query._compiled.values()) == [compiled]


@pytest.mark.django_db(transaction=True)
def test_each_thread_compiles_for_its_own_connection():
    product = ProductFactory()
    query = detail_query()
    found, errors = [], []

    def read() -> None:
        try:
            found.append(query.first(product.pk).sku)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert found == [product.sku] * 3


def test_a_placeholder_wrapped_by_the_driver_adapter_is_found():
    """On PostgreSQL Django passes an integer-field value as psycopg's Int4 (an int subclass)."""
    product = ProductFactory(stock=3)
    by_stock = PrecompiledQuery(lambda stock: Product.objects.filter(stock=stock, pk=product.pk), 987_654)
    assert by_stock.first(3) == product
    assert by_stock.first(4) is None


def test_a_placeholder_that_is_not_exactly_one_parameter_is_refused():
    ProductFactory()
    twice = PrecompiledQuery(lambda v: Product.objects.filter(pk=v, stock=v), 7)
    with pytest.raises(ValueError, match="exactly one SQL parameter; found 2"):
        twice.first(1)
    absent = PrecompiledQuery(lambda v: Product.objects.filter(pk=1), 7)
    with pytest.raises(ValueError, match="found 0"):
        absent.first(1)


def test_annotations_are_refused():
    annotated = PrecompiledQuery(lambda pk: Product.objects.filter(pk=pk).annotate(x=Value(1)), -1)
    with pytest.raises(ValueError, match="model instances only"):
        annotated.first(1)


def test_every_field_of_product_and_category_equals_the_orm_for_varied_rows():
    """Equivalence with the ORM on rows that exercise each column type: decimals, nulls, empty and long text."""
    parent = CategoryFactory(name="Root")
    rows = [
        ProductFactory(category=CategoryFactory(parent=parent), price="0.00", stock=0, brand="", description=""),
        ProductFactory(price="99999999.99", stock=2**31 - 1, description="x" * 5000, rating="4.75"),
        ProductFactory(name="Ünïcødé – 製品", review_count=12),
    ]
    query = detail_query()
    for product in rows:
        expected = public_detail(product.pk).get()
        found = query.first(product.pk)
        assert [getattr(found, f) for f in FIELDS] == [getattr(expected, f) for f in FIELDS]
        assert [type(getattr(found, f)) for f in FIELDS] == [type(getattr(expected, f)) for f in FIELDS]
        assert [getattr(found.category, f) for f in CATEGORY_FIELDS] == [
            getattr(expected.category, f) for f in CATEGORY_FIELDS
        ]
        assert found.in_stock == expected.in_stock


def test_the_default_placeholder_is_a_primary_key_no_row_has():
    assert PLACEHOLDER_ID < 0
    assert not Product.objects.filter(pk=PLACEHOLDER_ID).exists()
    ProductFactory()
    assert detail_query().first(PLACEHOLDER_ID) is None


@pytest.mark.django_db(databases=[])
def test_an_untested_django_version_is_refused_at_start_up():
    for version in TESTED_DJANGO:
        check_django_version((*version, 0, "final", 0))
    for version in ((5, 1, 0, "final", 0), (6, 0, 0, "final", 0), (4, 2, 9, "final", 0)):
        with pytest.raises(ImproperlyConfigured, match="tested on"):
            check_django_version(version)


# --- PrecompiledRows ------------------------------------------------------------------------------
VARIANT_COLUMNS = (
    "id",
    "sku",
    "price",
    "stock",
    "is_default",
    "low_stock_threshold",
    "deleted_at",
    "option_links__option_type__slug",
    "option_links__option_value__value",
    "option_links__option_value__position",
)


def variant_rows(product_id):
    """A product's variants LEFT JOINed with their options (the shape of the detail's variants read)."""
    return (
        ProductVariant.objects.filter(product_id=product_id)
        .order_by("position", "id", "option_links__option_type__name", "option_links__option_type_id")
        .values_list(*VARIANT_COLUMNS)
    )


def image_rows(product_id):
    return (
        ProductImage.objects.filter(product_id=product_id)
        .order_by("position", "id")
        .values_list("id", "image", "thumbnail", "alt_text", "is_main", "position", "width", "height")
    )


def product_with_options():
    """A product whose variants exercise each column: decimals, booleans, nulls, options or none, a deleted one."""
    size = OptionTypeFactory(name="Size", slug="size")
    color = OptionTypeFactory(name="Color", slug="color")
    values = {v: OptionValueFactory(option_type=size, value=v, position=i) for i, v in enumerate(("S", "XL"))}
    black = OptionValueFactory(option_type=color, value="black", position=3)
    product = ProductFactory(price="0.50")  # its default variant has no options
    for sku, price, threshold, size_value, position in (
        ("V-XL", "99999999.99", None, "XL", 2),
        ("V-S", "0", 5, "S", 1),
    ):
        variant = ProductVariantFactory(
            product=product,
            sku=sku,
            price=price,
            low_stock_threshold=threshold,
            position=position,
            stock=0,
            option_signature=sku,  # unique among the product's live variants (the service writes value ids)
        )
        VariantOption.objects.create(
            variant=variant, option_type=size, option_value=values[size_value], product=product
        )
        VariantOption.objects.create(variant=variant, option_type=color, option_value=black, product=product)
    ProductVariantFactory(product=product, sku="V-GONE", deleted_at=timezone.now(), position=1)
    return product


def test_rows_equal_the_orm_value_for_value_and_type(django_assert_num_queries):
    products = [product_with_options(), ProductFactory()]
    query = PrecompiledRows(variant_rows)
    for product in products:
        expected = list(variant_rows(product.pk))
        with django_assert_num_queries(1):
            found = query.all(product.pk)
        assert found == expected
        assert [[type(value) for value in row] for row in found] == [[type(value) for value in row] for row in expected]
        assert all(type(row) is tuple for row in found)
    assert len(query.all(products[0].pk)) == 6  # the bare default, 2 variants x 2 options, the deleted (bare) one


def test_rows_of_images_equal_the_orm_and_no_rows_is_an_empty_list():
    product = ProductFactory()
    ProductImageFactory(product=product, position=2, alt_text="Side")
    ProductImageFactory(product=product, position=0, is_main=False, alt_text="")
    query = PrecompiledRows(image_rows)
    assert query.all(product.pk) == list(image_rows(product.pk))
    assert [row[5] for row in query.all(product.pk)] == [0, 2]
    assert query.all(ProductFactory().pk) == []
    assert query.all(PLACEHOLDER_ID) == []


def test_rows_sql_is_compiled_once_per_connection():
    product = ProductFactory()
    query = PrecompiledRows(image_rows)
    query.all(product.pk)
    (compiled,) = query._compiled.values()
    query.all(product.pk)
    assert list(query._compiled.values()) == [compiled]


def test_columns_selected_only_for_the_ordering_are_cut_off():
    """With distinct(), Django selects the ordering columns too; rows keep only the values_list ones."""
    product = product_with_options()

    def distinct_skus(pk):
        return (
            ProductVariant.objects.filter(product_id=pk)
            .order_by("position", "id")
            .distinct()
            .values_list("sku", "stock")
        )

    query = PrecompiledRows(distinct_skus)
    assert query._compile(connection).width == 2
    assert query.all(product.pk) == list(distinct_skus(product.pk))
    assert {len(row) for row in query.all(product.pk)} == {2}


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Product.objects.filter(pk=pk),
        lambda pk: Product.objects.filter(pk=pk).values("id"),
        lambda pk: Product.objects.filter(pk=pk).values_list("id", flat=True),
        lambda pk: Product.objects.filter(pk=pk).values_list("id", named=True),
        lambda pk: Product.objects.filter(pk=pk).annotate(x=Value(1)).values_list("id", "x"),
    ],
    ids=["instances", "values", "flat", "named", "annotation"],
)
def test_rows_refuse_anything_but_a_plain_values_list(build):
    ProductFactory()
    with pytest.raises(ValueError, match="values_list"):
        PrecompiledRows(build).all(1)


def test_rows_refuse_a_placeholder_that_is_not_exactly_one_parameter():
    twice = PrecompiledRows(lambda v: Product.objects.filter(pk=v, stock=v).values_list("id"), 7)
    with pytest.raises(ValueError, match="found 2"):
        twice.all(1)


def test_run_together_answers_like_each_call_alone(django_assert_num_queries):
    from apps.core.infra.db.batch import batched
    from apps.core.infra.precompiled import run_together

    product = ProductFactory()
    ProductImageFactory.create_batch(2, product=product, is_main=False)
    images = PrecompiledRows(
        lambda pk: ProductImage.objects.filter(product_id=pk).order_by("id").values_list("id", "position", "is_main")
    )
    detail = detail_query()
    with django_assert_num_queries(1 if batched() else 3):
        found, rows, missing = run_together((detail, (product.pk,)), (images, (product.pk,)), (detail, (-5,)))
    assert [getattr(found, f) for f in FIELDS] == [getattr(detail.first(product.pk), f) for f in FIELDS]
    assert found.category.pk == product.category_id
    assert rows == images.all(product.pk)
    assert len(rows) == 2
    assert missing is None
