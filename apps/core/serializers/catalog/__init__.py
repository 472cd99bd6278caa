"""The catalog domain's serializers: what other domains may use."""

from apps.core.serializers.catalog.categories import (
    CategoryInputSerializer,
    CategoryListQuerySerializer,
    CategoryOutputSerializer,
)
from apps.core.serializers.catalog.products import (
    ProductInputSerializer,
    ProductListQuerySerializer,
    ProductOutputSerializer,
    ProductPageSerializer,
)
from apps.core.serializers.catalog.reviews import ReviewInputSerializer, ReviewOutputSerializer

__all__ = [
    "CategoryInputSerializer",
    "CategoryListQuerySerializer",
    "CategoryOutputSerializer",
    "ProductInputSerializer",
    "ProductListQuerySerializer",
    "ProductOutputSerializer",
    "ProductPageSerializer",
    "ReviewInputSerializer",
    "ReviewOutputSerializer",
]
