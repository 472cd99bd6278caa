"""The product admin's variant inline and the option type admin write through the variant service."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from apps.core.models.catalog import Product, ProductVariant
from apps.core.services.catalog import VariantInput
from tests.factories import CategoryFactory, ProductFactory, sizes

pytestmark = pytest.mark.django_db


def change_form(product: Product, variants: list[dict], **changes) -> dict:
    """The product change form's POST data with one variant inline row per dict."""
    data = {k: v for k, v in model_to_dict(product).items() if v is not None}
    data.update(changes)
    data.update({"images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0"})
    initial = sum(1 for row in variants if "id" in row)
    data.update({"variants-TOTAL_FORMS": str(len(variants)), "variants-INITIAL_FORMS": str(initial)})
    for n, row in enumerate(variants):
        data.update({f"variants-{n}-{key}": value for key, value in row.items()})
    return data


def row(variant: ProductVariant, **changes) -> dict:
    fields = {
        "id": variant.pk,
        "product": variant.product_id,
        "sku": variant.sku,
        "price": variant.price,
        "stock": variant.stock,
        "position": variant.position,
        "low_stock_threshold": "" if variant.low_stock_threshold is None else variant.low_stock_threshold,
    }
    if variant.is_default:
        fields["is_default"] = "on"
    return {**fields, **changes}


@pytest.fixture
def tee(container):
    sizes("S", "M")
    product = ProductFactory(price=Decimal("9.00"), stock=3)
    container.variant_service().create(
        product.pk, VariantInput(sku="ADM-M", price=Decimal("11.00"), stock=2, options={"size": "M"})
    )
    product.refresh_from_db()
    return product


def test_inline_edits_move_the_product_figures_and_show_in_reads(
    admin_site_client, api_client, tee, django_capture_on_commit_callbacks
):
    default, medium = tee.variants.order_by("id")
    assert api_client.get(f"/api/products/{tee.pk}/").json()["stock"] == 5  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_site_client.post(
            f"/admin/core/product/{tee.pk}/change/",
            change_form(tee, [row(default), row(medium, stock=10, price="4.00")]),
        )
    assert response.status_code == 302, response.content[:3000]
    detail = api_client.get(f"/api/products/{tee.pk}/").json()
    assert (detail["price"], detail["stock"]) == ("4.00", 13)


def test_inline_cannot_retire_the_last_variant(admin_site_client, tee):
    default, medium = tee.variants.order_by("id")
    response = admin_site_client.post(
        f"/admin/core/product/{tee.pk}/change/",
        change_form(tee, [row(default, DELETE="on"), row(medium, DELETE="on")]),
        follow=True,
    )
    assert b"The variants were not changed" in response.content
    assert ProductVariant.objects.alive().filter(product=tee).count() == 2


def test_product_price_with_several_variants_is_a_form_error(admin_site_client, tee):
    default, medium = tee.variants.order_by("id")
    response = admin_site_client.post(
        f"/admin/core/product/{tee.pk}/change/", change_form(tee, [row(default), row(medium)], price="1.00")
    )
    assert response.status_code == 200  # the form again, with the error
    assert b"several variants" in response.content
    tee.refresh_from_db()
    assert tee.price == Decimal("9.00")


def test_admin_add_gives_the_product_its_default_variant(admin_site_client):
    category = CategoryFactory()
    data = {
        "name": "Lamp",
        "slug": "lamp",
        "sku": "ADM-LAMP",
        "price": "19.99",
        "stock": "4",
        "category": category.pk,
        "status": "active",
        "review_count": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }
    response = admin_site_client.post("/admin/core/product/add/", data)
    assert response.status_code == 302, response.content[:3000]
    variant = ProductVariant.objects.get(product__sku="ADM-LAMP")
    assert (variant.sku, variant.price, variant.stock, variant.is_default) == ("ADM-LAMP", Decimal("19.99"), 4, True)


def test_option_type_and_variant_pages_render(admin_site_client, tee):
    size = tee.variants.get(sku="ADM-M")
    assert admin_site_client.get("/admin/core/optiontype/").status_code == 200
    assert admin_site_client.get(f"/admin/core/productvariant/{size.pk}/change/").status_code == 200
    page = admin_site_client.get(f"/admin/core/product/{tee.pk}/change/")
    assert b"size=M" in page.content
