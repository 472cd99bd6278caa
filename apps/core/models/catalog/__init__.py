"""The catalog domain's models: what other domains may use."""

from apps.core.models.catalog.images import ProductImage
from apps.core.models.catalog.products import Category, Product
from apps.core.models.catalog.reviews import Review

__all__ = ["Category", "Product", "ProductImage", "Review"]
