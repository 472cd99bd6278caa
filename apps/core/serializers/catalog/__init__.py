"""The catalog domain's serializers: what other domains may use."""

from apps.core.serializers.catalog.categories import (
    CategoryInputSerializer,
    CategoryListQuerySerializer,
    CategoryOutputSerializer,
)
from apps.core.serializers.catalog.images import (
    ImageUploadSerializer,
    MainImageSerializer,
    MediaUrlField,
    ProductImageInputSerializer,
    ProductImageOutputSerializer,
    ProductImagePatchSerializer,
    media_url,
)
from apps.core.serializers.catalog.products import (
    ProductDetailOutputSerializer,
    ProductInputSerializer,
    ProductListQuerySerializer,
    ProductOutputSerializer,
    ProductPageSerializer,
)
from apps.core.serializers.catalog.reviews import ReviewInputSerializer, ReviewOutputSerializer
from apps.core.serializers.catalog.variants import (
    LowStockVariantSerializer,
    OptionTypeInputSerializer,
    OptionTypeOutputSerializer,
    OptionTypePatchSerializer,
    OptionValueInputSerializer,
    OptionValueOutputSerializer,
    VariantInputSerializer,
    VariantOutputSerializer,
)

__all__ = [
    "CategoryInputSerializer",
    "CategoryListQuerySerializer",
    "CategoryOutputSerializer",
    "ImageUploadSerializer",
    "MainImageSerializer",
    "MediaUrlField",
    "ProductDetailOutputSerializer",
    "ProductImageInputSerializer",
    "ProductImageOutputSerializer",
    "ProductImagePatchSerializer",
    "media_url",
    "ProductInputSerializer",
    "ProductListQuerySerializer",
    "ProductOutputSerializer",
    "ProductPageSerializer",
    "ReviewInputSerializer",
    "ReviewOutputSerializer",
    "LowStockVariantSerializer",
    "OptionTypeInputSerializer",
    "OptionTypeOutputSerializer",
    "OptionTypePatchSerializer",
    "OptionValueInputSerializer",
    "OptionValueOutputSerializer",
    "VariantInputSerializer",
    "VariantOutputSerializer",
]
