"""The product admin: status and SEO fields, is_active following the status, the publish action."""

import pytest

from apps.core.models.catalog import Product
from tests.controllers.catalog.test_admin_cache import admin_form
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_a_status_set_in_the_admin_sets_is_active_and_the_public_reads(
    admin_site_client, api_client, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    assert api_client.get(f"/api/products/{product.pk}/").status_code == 200  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_site_client.post(
            f"/admin/core/product/{product.pk}/change/",
            admin_form(product, status="draft", is_active=True, meta_title="Lamp | Nexus"),
        )
    assert response.status_code == 302, response.content[:2000]
    assert Product.objects.values_list("status", "is_active", "meta_title").get(pk=product.pk) == (
        "draft",
        False,
        "Lamp | Nexus",
    )
    assert api_client.get(f"/api/products/{product.pk}/").status_code == 404


def test_the_publish_action_publishes_drafts_and_inactive_products_only(admin_site_client, api_client):
    rows = {status: ProductFactory(status=status) for status in ("draft", "inactive", "active", "discontinued")}
    response = admin_site_client.post(
        "/admin/core/product/",
        {"action": "publish", "_selected_action": [p.pk for p in rows.values()]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 published, 2 skipped" in response.content.decode()
    statuses = dict(Product.objects.filter(pk__in=[p.pk for p in rows.values()]).values_list("sku", "status"))
    assert statuses == {
        rows["draft"].sku: "active",
        rows["inactive"].sku: "active",
        rows["active"].sku: "active",
        rows["discontinued"].sku: "discontinued",
    }
    assert Product.objects.filter(pk=rows["draft"].pk, is_active=True).exists()


def test_the_product_list_filters_by_status(admin_site_client):
    ProductFactory(status="draft", name="Drafted thing")
    ProductFactory(name="Listed thing")
    page = admin_site_client.get("/admin/core/product/", {"status__exact": "draft"}).content.decode()
    assert "Drafted thing" in page
    assert "Listed thing" not in page
