"""Django admin for every model of the core app."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.core.models import Category, Product, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts keyed by e-mail."""

    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "created_at")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("created_at", "updated_at", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone_number")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined", "created_at", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The category tree, deleted rows included."""

    list_display = ("name", "slug", "parent", "deleted_at", "updated_at")
    list_filter = (("deleted_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """Products, soft-deleted ones included (filter on deleted_at)."""

    list_display = ("name", "sku", "price", "stock", "category", "is_active", "deleted_at")
    list_filter = ("is_active", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("sku", "name")
    list_select_related = ("category",)
    raw_id_fields = ("category",)
    readonly_fields = ("rating", "review_count", "created_at", "updated_at")
    show_full_result_count = False
