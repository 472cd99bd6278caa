"""Admin of the catalog: categories, products (variants and images inline) and reviews.

Every save or delete here invalidates the cached public reads it changes, through the same
`CatalogCache` the services use (after commit), so `/api/products/` shows an admin edit at once.
"""

from dependency_injector.wiring import Provide, inject
from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from apps.core.admin.variants import ProductVariantInline, save_variant_formset, variant_service
from apps.core.exceptions import ConflictError, NotFoundError
from apps.core.models.catalog import Category, Product, ProductImage, ProductStatus, ProductVariant, Review
from apps.core.serializers.catalog import media_url
from apps.core.services.catalog import (
    CatalogCache,
    ProductImageInput,
    ProductImageService,
    ProductService,
    ReviewService,
)


@inject
def _catalog_cache(catalog_cache: CatalogCache = Provide["catalog_cache"]) -> CatalogCache:
    return catalog_cache


@inject
def _image_service(service: ProductImageService = Provide["product_image_service"]) -> ProductImageService:
    return service


@inject
def _product_service(service: ProductService = Provide["product_service"]) -> ProductService:
    return service


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

    readonly_fields = ("image",)  # set through PUT /api/categories/{id}/image/ (validated, re-encoded)
    list_display = ("name", "slug", "parent", "deleted_at", "updated_at")
    list_filter = (("deleted_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)


class ProductImageInline(admin.TabularInline):
    """A product's images: alt text, position and main flag are edited here, through the image service.

    Uploads go through the API only (`POST /api/products/{id}/images/`), where every file is
    validated and re-encoded; deleting a row here deletes its files too.
    """

    model = ProductImage
    extra = 0
    fields = ("preview", "alt_text", "position", "is_main", "width", "height")
    readonly_fields = ("preview", "width", "height")
    ordering = ("position", "id")

    def has_add_permission(self, request, obj=None) -> bool:
        """Never: uploads are validated and re-encoded by the API."""
        return False

    @admin.display(description="thumbnail")
    def preview(self, image: ProductImage) -> str:
        """The thumbnail as an <img> tag (URL escaped by format_html)."""
        return format_html('<img src="{}" alt="" height="64">', media_url(image.thumbnail.name) or "")


class ProductAdminForm(forms.ModelForm):
    """The product form: `price` and `stock` are its variants' once it has several (then they are refused)."""

    class Meta:
        model = Product
        fields = "__all__"  # noqa: DJ007 - the admin form edits every field the admin shows

    def clean(self):
        data = super().clean()
        product = self.instance
        if product.pk and ProductVariant.objects.alive().filter(product=product).count() > 1:
            for name in ("price", "stock"):
                if name in self.changed_data:
                    self.add_error(name, "This product has several variants: change their price and stock below.")
        return data


@admin.register(Product)
class ProductAdmin(CatalogCacheAdmin):
    """Products, soft-deleted ones included (filter on deleted_at); their variants and images inline.

    A new product gets its default variant (its SKU, price and stock). Changing the price or stock
    of a product with one variant writes that variant (as the API does).
    """

    form = ProductAdminForm
    inlines = (ProductVariantInline, ProductImageInline)

    list_display = ("name", "sku", "price", "stock", "category", "status", "deleted_at")
    list_filter = ("status", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("sku", "name")
    list_select_related = ("category",)
    raw_id_fields = ("category",)
    readonly_fields = ("is_active", "rating", "review_count", "created_at", "updated_at")  # is_active follows status
    show_full_result_count = False
    actions = ("publish",)

    @admin.action(description="Publish selected draft or inactive products", permissions=["change"])
    def publish(self, request, queryset) -> None:
        """Make each selected draft or inactive product active, through ProductService.publish."""
        service, published, skipped = _product_service(), 0, 0
        for product_id in queryset.values_list("pk", flat=True):
            try:
                service.publish(product_id)
                published += 1
            except (ConflictError, NotFoundError):  # already active, discontinued, or soft-deleted
                skipped += 1
        self.message_user(request, f"{published} published, {skipped} skipped (active, discontinued or deleted).")
        if skipped:
            self.message_user(request, "Only draft and inactive products can be published.", messages.WARNING)

    def get_inlines(self, request, obj):
        """Variants are edited once the product exists (the add form makes the default variant)."""
        return self.inlines if obj is not None else (ProductImageInline,)

    def save_model(self, request, obj, form, change) -> None:
        """Save the product; its price and stock go through its variant (a new product: its default variant).

        `is_active` is kept true exactly when the status is active (as the product service does).
        """
        obj.is_active = obj.status == ProductStatus.ACTIVE
        service = variant_service()
        figures = {name: form.cleaned_data[name] for name in ("price", "stock") if change and name in form.changed_data}
        if figures:
            service.lock_for_product_write(obj.pk)  # the lock order: variants, then the product
            obj.price, obj.stock = form.initial["price"], form.initial["stock"]
        super().save_model(request, obj, form, change)
        if not change:
            service.create_default(obj)
        elif figures:
            service.write_product_figures(obj, **figures)

    def save_formset(self, request, form, formset, change) -> None:
        """Image rows change through ProductImageService: one main image, files deleted with their row.
        Variant rows change through VariantService (price and stock of the product follow)."""
        if formset.model is ProductVariant:
            save_variant_formset(request, formset)
            return
        if formset.model is not ProductImage:
            super().save_formset(request, form, formset, change)
            return
        service = _image_service()
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the change log
        for image_form in formset.initial_forms:
            image = image_form.instance
            if image_form in formset.deleted_forms:
                service.delete(image.product_id, image.pk)
                formset.deleted_objects.append(image)
            elif image_form.has_changed():
                fields = {name: image_form.cleaned_data[name] for name in image_form.changed_data}
                service.update(image.product_id, image.pk, ProductImageInput.from_mapping(fields))
                formset.changed_objects.append((image, image_form.changed_data))


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
