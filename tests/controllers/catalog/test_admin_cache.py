"""Edits in /admin/ show in the next API read (issue 9.5): the admin invalidates like the services do."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from apps.core.models.catalog import Product
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def admin_form(instance, **changes) -> dict:
    """The change form's POST data for `instance`, with `changes` applied."""
    data = {k: v for k, v in model_to_dict(instance).items() if v is not None and k != "image"}
    if isinstance(instance, Product):  # the image and variant inlines' (empty) management forms
        data.update({"images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0"})
        data.update({"variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_admin_price_change_shows_in_the_next_product_reads(
    admin_site_client, api_client, django_capture_on_commit_callbacks
):
    product = ProductFactory(price=Decimal("10.00"))
    assert api_client.get(f"/api/products/{product.pk}/").json()["price"] == "10.00"  # both cached now
    assert api_client.get("/api/products/").json()["results"][0]["price"] == "10.00"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_site_client.post(
            f"/admin/core/product/{product.pk}/change/", admin_form(product, price="12.50")
        )
    assert response.status_code == 302, response.content[:2000]
    assert api_client.get(f"/api/products/{product.pk}/").json()["price"] == "12.50"
    assert api_client.get("/api/products/").json()["results"][0]["price"] == "12.50"


def test_admin_category_rename_shows_in_product_and_category_reads(
    admin_site_client, api_client, django_capture_on_commit_callbacks
):
    category = CategoryFactory(name="Old name")
    product = ProductFactory(category=category)
    assert api_client.get(f"/api/products/{product.pk}/").json()["category"]["name"] == "Old name"
    assert api_client.get("/api/categories/").json()["results"][0]["name"] == "Old name"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_site_client.post(
            f"/admin/core/category/{category.pk}/change/", admin_form(category, name="New name")
        )
    assert response.status_code == 302, response.content[:2000]
    assert api_client.get(f"/api/products/{product.pk}/").json()["category"]["name"] == "New name"
    assert api_client.get("/api/categories/").json()["results"][0]["name"] == "New name"


def test_admin_delete_hides_the_product_from_cached_reads(
    admin_site_client, api_client, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    assert api_client.get(f"/api/products/{product.pk}/").status_code == 200
    assert api_client.get("/api/products/").json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_site_client.post(f"/admin/core/product/{product.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert api_client.get(f"/api/products/{product.pk}/").status_code == 404
    assert api_client.get("/api/products/").json()["count"] == 0
