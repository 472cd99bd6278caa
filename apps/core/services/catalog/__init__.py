"""The catalog domain's services: what other domains may use."""

from apps.core.services.catalog.cache import CatalogCache, CatalogNamespace
from apps.core.services.catalog.catalog_import import CatalogImportService
from apps.core.services.catalog.categories import CategoryInput, CategoryService
from apps.core.services.catalog.facets import FacetService
from apps.core.services.catalog.images import (
    CategoryImageService,
    ImageView,
    ProductImageInput,
    ProductImageService,
    attach_main_images,
    product_images,
)
from apps.core.services.catalog.inventory import Inventory
from apps.core.services.catalog.low_stock import LowStockService
from apps.core.services.catalog.options import OptionTypeInput, OptionTypeService
from apps.core.services.catalog.product_listing import ProductFilters, ProductLister
from apps.core.services.catalog.products import ORDERINGS, ProductInput, ProductService
from apps.core.services.catalog.reviews import ReviewService
from apps.core.services.catalog.variant_reads import (
    ProductVariants,
    VariantView,
    attach_option_maps,
    option_links,
    option_map,
    with_options,
)
from apps.core.services.catalog.variants import VariantInput, VariantService

__all__ = [
    "CatalogCache",
    "CatalogNamespace",
    "ProductLister",
    "CatalogImportService",
    "CategoryImageService",
    "CategoryInput",
    "CategoryService",
    "FacetService",
    "ImageView",
    "ORDERINGS",
    "ProductFilters",
    "ProductImageInput",
    "ProductImageService",
    "ProductInput",
    "ProductService",
    "ReviewService",
    "attach_main_images",
    "product_images",
    "Inventory",
    "LowStockService",
    "OptionTypeInput",
    "OptionTypeService",
    "ProductVariants",
    "VariantInput",
    "VariantService",
    "VariantView",
    "attach_option_maps",
    "option_links",
    "option_map",
    "with_options",
]
