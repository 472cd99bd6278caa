"""Admin of variants and options: the product's variant inline, option types with their values, variants' options.

Variant writes go through `VariantService`/`Inventory`, like the API's: the product's price (lowest
live variant price) and stock (sum) stay right, the stock and price events are recorded and the
catalog cache is invalidated. A rule the service refuses (a taken SKU, twin options, the last
variant) rolls every variant row of that save back and is shown as an error message.
"""

from dependency_injector.wiring import Provide, inject
from django import forms
from django.contrib import admin, messages
from django.db import transaction

from apps.core.exceptions import ServiceError
from apps.core.models.catalog import OptionType, OptionValue, ProductVariant, VariantOption
from apps.core.services.catalog import CatalogCache, Inventory, VariantInput, VariantService, option_map
from apps.core.services.catalog.variants import signature_of

VARIANT_FIELDS = ("sku", "price", "stock", "is_default", "low_stock_threshold", "position")


@inject
def variant_service(service: VariantService = Provide["variant_service"]) -> VariantService:
    """The container's variant service (the admin is wired like the controllers)."""
    return service


@inject
def _inventory(inventory: Inventory = Provide["inventory"]) -> Inventory:
    return inventory


@inject
def _catalog_cache(catalog_cache: CatalogCache = Provide["catalog_cache"]) -> CatalogCache:
    return catalog_cache


class ProductVariantInline(admin.TabularInline):
    """A product's live variants: SKU, price, stock and threshold edited here; options on the variant's page."""

    model = ProductVariant
    extra = 0
    fields = ("sku", "options_shown", "price", "stock", "is_default", "low_stock_threshold", "position")
    readonly_fields = ("options_shown",)
    show_change_link = True
    ordering = ("position", "id")

    def get_queryset(self, request):
        """Live variants only (retired ones stay in the database for order history)."""
        live = super().get_queryset(request).filter(deleted_at__isnull=True)
        return live.prefetch_related("option_links__option_type", "option_links__option_value")

    @admin.display(description="options")
    def options_shown(self, variant: ProductVariant) -> str:
        """`size=XL, color=black`."""
        if variant.pk is None:
            return ""
        return ", ".join(f"{k}={v}" for k, v in option_map(variant).items()) or "-"


def save_variant_formset(request, formset) -> None:
    """Apply the variant inline's rows through the variant service (create, update, soft delete)."""
    service = variant_service()
    product = formset.instance
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the change log
    try:
        with transaction.atomic():
            for form in formset.forms:
                if not form.has_changed() and form not in formset.deleted_forms:
                    continue
                variant = form.instance
                if variant.pk and form in formset.deleted_forms:
                    service.soft_delete(product.pk, variant.pk)
                    formset.deleted_objects.append(variant)
                elif variant.pk:
                    fields = {name: form.cleaned_data[name] for name in form.changed_data if name in VARIANT_FIELDS}
                    service.update(product.pk, variant.pk, VariantInput(**fields))
                    formset.changed_objects.append((variant, form.changed_data))
                else:
                    fields = {name: form.cleaned_data.get(name) for name in VARIANT_FIELDS}
                    fields["is_default"] = fields["is_default"] or False
                    fields["position"] = fields["position"] or 0
                    service.create(product.pk, VariantInput(**fields, options={}))
                    formset.new_objects.append(variant)
    except ServiceError as error:  # the savepoint rolled every variant row of this save back
        messages.error(request, f"The variants were not changed: {error.detail}")


class VariantOptionInline(admin.TabularInline):
    """The variant's value per option type."""

    model = VariantOption
    extra = 0
    fields = ("option_type", "option_value")
    raw_id_fields = ("option_value",)


class VariantOptionFormSet(forms.BaseInlineFormSet):
    """New option rows repeat the variant's product (for filters and facets)."""

    def save_new(self, form, commit=True):
        form.instance.product_id = self.instance.product_id
        return super().save_new(form, commit=commit)


VariantOptionInline.formset = VariantOptionFormSet


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    """Variants, retired ones included; their options inline. Saves keep the product's price and stock right."""

    inlines = (VariantOptionInline,)
    list_display = ("sku", "product", "price", "stock", "low_stock_threshold", "is_default", "deleted_at")
    list_filter = (("deleted_at", admin.EmptyFieldListFilter), "is_default")
    search_fields = ("sku", "product__name", "product__sku")
    list_select_related = ("product",)
    raw_id_fields = ("product",)
    readonly_fields = ("product", "option_signature", "stock", "price", "created_at", "updated_at", "deleted_at")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        """Variants are added on their product's page (or POST /api/products/{id}/variants/)."""
        return False

    def delete_model(self, request, obj) -> None:
        """Retire (soft-delete) through the variant service: order lines keep pointing at the row."""
        try:
            variant_service().soft_delete(obj.product_id, obj.pk)
        except ServiceError as error:
            messages.error(request, error.detail)

    def delete_queryset(self, request, queryset) -> None:
        """Retire each selected variant (see `delete_model`)."""
        for variant in queryset.filter(deleted_at__isnull=True):
            self.delete_model(request, variant)

    def save_related(self, request, form, formsets, change) -> None:
        """After the options changed: the signature follows them, and the product's figures are recomputed."""
        super().save_related(request, form, formsets, change)
        variant = form.instance
        VariantOption.objects.filter(variant=variant).update(product_id=variant.product_id)
        ids = VariantOption.objects.filter(variant=variant).values_list("option_value_id", flat=True)
        ProductVariant.objects.filter(pk=variant.pk).update(option_signature=signature_of(ids))
        _inventory().recompute(variant.product_id)
        _catalog_cache().products_changed()


class OptionValueInline(admin.TabularInline):
    """An option type's values in display order."""

    model = OptionValue
    extra = 1
    fields = ("value", "slug", "position")
    ordering = ("position", "id")


@admin.register(OptionType)
class OptionTypeAdmin(admin.ModelAdmin):
    """Option types (size, color) with their values inline; renames show in product reads at once."""

    inlines = (OptionValueInline,)
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        _catalog_cache().products_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        _catalog_cache().products_changed()
