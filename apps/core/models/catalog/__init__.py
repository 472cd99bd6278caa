"""The catalog domain's models: what other domains may use."""

from apps.core.models.catalog.images import ProductImage
from apps.core.models.catalog.products import (
    DETAIL_VISIBLE,
    SAMPLE_BUCKETS,
    Category,
    Product,
    ProductStatus,
    SampleBucket,
)
from apps.core.models.catalog.reviews import Review
from apps.core.models.catalog.variants import OptionType, OptionValue, ProductVariant, VariantOption

__all__ = [
    "DETAIL_VISIBLE",
    "SAMPLE_BUCKETS",
    "Category",
    "OptionType",
    "OptionValue",
    "Product",
    "ProductImage",
    "ProductStatus",
    "ProductVariant",
    "Review",
    "SampleBucket",
    "VariantOption",
]
