"""Admin of the catalog: categories, products and reviews.

Every save or delete here invalidates the cached public reads it changes, through the same
`CatalogCache` the services use (after commit), so `/api/products/` shows an admin edit at once.
"""

from dependency_injector.wiring import Provide, inject
from django.contrib import admin

from apps.core.models.catalog import Category, Product, Review
from apps.core.services.catalog import CatalogCache, ReviewService


@inject
def _catalog_cache(catalog_cache: CatalogCache = Provide["catalog_cache"]) -> CatalogCache:
    return catalog_cache


@inject
def _review_service(service: ReviewService = Provide["review_service"]) -> ReviewService:
    return service


class CatalogCacheAdmin(admin.ModelAdmin):
    """Invalidates the catalog's cached reads after every save and delete (`changed` names what changed)."""

    changed = "products_changed"

    def _invalidate(self) -> None:
        getattr(_catalog_cache(), self.changed)()

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._invalidate()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._invalidate()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        self._invalidate()


@admin.register(Category)
class CategoryAdmin(CatalogCacheAdmin):
    """The category tree, deleted rows included."""

    changed = "categories_changed"

    list_display = ("name", "slug", "parent", "deleted_at", "updated_at")
    list_filter = (("deleted_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)


@admin.register(Product)
class ProductAdmin(CatalogCacheAdmin):
    """Products, soft-deleted ones included (filter on deleted_at)."""

    list_display = ("name", "sku", "price", "stock", "category", "is_active", "deleted_at")
    list_filter = ("is_active", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("sku", "name")
    list_select_related = ("category",)
    raw_id_fields = ("category",)
    readonly_fields = ("rating", "review_count", "created_at", "updated_at")
    show_full_result_count = False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews; deleting goes through ReviewService, so the product's rating and count follow at once."""

    list_display = ("product", "user", "rating", "created_at")
    list_filter = ("rating",)
    search_fields = ("product__name", "product__sku", "user__email", "comment")
    list_select_related = ("product", "user")
    raw_id_fields = ("product", "user")
    readonly_fields = ("created_at", "updated_at")

    def delete_model(self, request, obj) -> None:
        _review_service().delete(obj.pk)

    def delete_queryset(self, request, queryset) -> None:
        service = _review_service()
        for review_id in queryset.values_list("pk", flat=True):
            service.delete(review_id)
