"""Shared pieces of the product HTTP tests: URLs, the contract's fields, a small dated catalog."""

from datetime import timedelta

from django.utils import timezone

from apps.core.models.catalog import Product
from tests.factories import ProductFactory

LIST = "/api/products/"
FIELDS = {
    "id",
    "name",
    "slug",
    "sku",
    "description",
    "price",
    "stock",
    "in_stock",
    "category",
    "is_active",
    "created_at",
    "updated_at",
}


def detail(product_id: int) -> str:
    return f"/api/products/{product_id}/"


def restore(product_id: int) -> str:
    return f"/api/products/{product_id}/restore/"


def skus(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["sku"] for row in response.json()["results"]]


def make(sku: str, *, age_days: int = 0, **fields) -> Product:
    """A product whose created_at is `age_days` in the past (so orderings are deterministic)."""
    product = ProductFactory(sku=sku, **fields)
    Product.objects.filter(pk=product.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return product
