"""Product status through the service layer: is_active follows status, publish, who reads what, staff filter."""

from decimal import Decimal

import pytest
from django.db import connection

from apps.core.exceptions import ConflictError, InvalidInputError, NotFoundError
from apps.core.models.catalog import Product, ProductStatus
from apps.core.services.catalog import ProductFilters, ProductInput
from tests.controllers.catalog.products_http import make
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

ALL = tuple(ProductStatus.values)


def new_input(category, **overrides) -> ProductInput:
    fields = {"name": "Desk Lamp", "sku": "LAMP", "price": Decimal("19.99"), "stock": 2}
    return ProductInput(**{**fields, "category": category.pk, **overrides})


def stored(product_id: int) -> tuple[str, bool]:
    """(status, is_active) as the database holds them."""
    return Product.objects.values_list("status", "is_active").get(pk=product_id)


# --- writes ---------------------------------------------------------------------------------
def test_create_defaults_to_active(product_service):
    product = product_service.create(new_input(CategoryFactory()))
    assert stored(product.pk) == ("active", True)
    assert (product.meta_title, product.meta_description) == ("", "")


@pytest.mark.parametrize("status", ALL)
def test_is_active_is_true_exactly_when_the_status_is_active(product_service, status):
    product = product_service.create(new_input(CategoryFactory(), status=status))
    assert stored(product.pk) == (status, status == "active")


@pytest.mark.parametrize(("is_active", "status"), [(True, "active"), (False, "inactive")])
def test_a_write_of_is_active_maps_to_active_or_inactive(product_service, is_active, status):
    product = make("P", status="draft")
    product_service.update(product.pk, ProductInput(is_active=is_active))
    assert stored(product.pk) == (status, is_active)


@pytest.mark.parametrize(
    ("status", "is_active"), [("draft", True), ("active", False), ("discontinued", True), ("inactive", True)]
)
def test_status_and_is_active_that_disagree_are_refused(product_service, status, is_active):
    product = make("P", status="draft")
    with pytest.raises(InvalidInputError) as error:
        product_service.update(product.pk, ProductInput(status=status, is_active=is_active))
    assert (error.value.code, error.value.attr) == ("status_conflict", "is_active")
    assert stored(product.pk) == ("draft", False)


def test_agreeing_status_and_is_active_are_accepted(product_service):
    product = make("P")
    product_service.update(product.pk, ProductInput(status="discontinued", is_active=False))
    assert stored(product.pk) == ("discontinued", False)


def test_an_update_without_status_keeps_it(product_service):
    product = make("P", status="discontinued")
    product_service.update(product.pk, ProductInput(price=Decimal("5.00"), meta_title="Lamp | Shop"))
    assert stored(product.pk) == ("discontinued", False)
    assert Product.objects.get(pk=product.pk).meta_title == "Lamp | Shop"


def test_an_update_without_status_leaves_a_bulk_loaded_visibility_alone(product_service):
    product = make("P")
    Product.objects.filter(pk=product.pk).update(is_active=False)  # a bulk load that wrote is_active only
    product_service.update(product.pk, ProductInput(price=Decimal("5.00")))
    assert stored(product.pk) == ("active", False)  # not silently published


@pytest.mark.parametrize("status", ["draft", "inactive"])
def test_publish_makes_a_draft_or_inactive_product_active(product_service, status):
    product = make("P", status=status)
    assert product_service.publish(product.pk).status == "active"
    assert stored(product.pk) == ("active", True)


@pytest.mark.parametrize("status", ["active", "discontinued"])
def test_publish_refuses_active_and_discontinued_products(product_service, status):
    product = make("P", status=status)
    with pytest.raises(ConflictError) as error:
        product_service.publish(product.pk)
    assert error.value.code == "not_publishable"
    assert stored(product.pk)[0] == status


def test_publish_of_a_missing_product_is_not_found(product_service):
    with pytest.raises(NotFoundError):
        product_service.publish(10**9)


# --- reads ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "public"), [("active", True), ("discontinued", True), ("draft", False), ("inactive", False)]
)
def test_the_public_detail_shows_active_and_discontinued_products(product_service, status, public):
    product = make("P", status=status)
    assert product_service.get(product.pk, include_inactive=True) == product
    if public:
        assert product_service.get(product.pk) == product
    else:
        with pytest.raises(NotFoundError):
            product_service.get(product.pk)


def test_the_public_list_shows_active_products_only(product_service):
    for status in ALL:
        make(status.upper(), status=status)
    page = product_service.list_page(ProductFilters(), page=1, page_size=10)
    assert [p.sku for p in page.items] == ["ACTIVE"]


def test_the_status_filter_lists_any_of_the_given_statuses(product_service):
    for n, status in enumerate(ALL):
        make(status.upper(), status=status, age_days=n)
    make("OLD-DRAFT", status="draft", age_days=10)
    make("GONE", status="draft", deleted_at="2026-01-01T00:00:00Z")

    def listed(*statuses: str) -> list[str]:
        page = product_service.list_page(ProductFilters(status=statuses), page=1, page_size=10)
        return [p.sku for p in page.items]

    assert listed("draft") == ["DRAFT", "OLD-DRAFT"]
    assert listed("discontinued", "inactive") == ["INACTIVE", "DISCONTINUED"]
    assert listed("active") == ["ACTIVE"]
    assert listed(*ALL) == ["DRAFT", "ACTIVE", "INACTIVE", "DISCONTINUED", "OLD-DRAFT"]


def test_the_status_filter_combines_with_the_other_filters(product_service):
    make("CHEAP", status="draft", price=Decimal("5.00"))
    make("DEAR", status="draft", price=Decimal("50.00"))
    page = product_service.list_page(
        ProductFilters(status=("draft",), max_price=Decimal("10.00")), page=1, page_size=10
    )
    assert ([p.sku for p in page.items], page.count) == (["CHEAP"], 1)


def test_a_staff_list_of_unlisted_statuses_reads_the_status_index(product_service):
    if connection.vendor != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    make("D", status="draft")
    qs = product_service._lister._public_queryset(ProductFilters(status=("draft", "inactive")))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.order_by("-created_at", "-id").explain()
    assert "product_unlisted_status_idx" in plan
