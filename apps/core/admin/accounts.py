"""Admin of the accounts domain: users (with their social identities and a "log out everywhere" action).

Groups (staff roles) use Django's own GroupAdmin, and refresh tokens simplejwt's
OutstandingToken/BlacklistedToken admins (registered by `rest_framework_simplejwt.token_blacklist`).
"""

from dependency_injector.wiring import Provide, inject
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.core.models.accounts import SocialAccount, User
from apps.core.services.accounts import AuthService


@inject
def _auth_service(service: AuthService = Provide["auth_service"]) -> AuthService:
    return service


class SocialAccountInline(admin.TabularInline):
    """The provider identities linked to a user (read-only: they come from sign-ins)."""

    model = SocialAccount
    extra = 0
    can_delete = True
    readonly_fields = ("provider", "subject", "email", "created_at", "last_login")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts keyed by e-mail."""

    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_verified", "is_active", "created_at")
    list_filter = ("is_staff", "is_superuser", "is_active", "is_verified", "groups")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = ("created_at", "updated_at", "last_login", "date_joined", "is_verified")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone_number", "is_verified")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined", "created_at", "updated_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = (SocialAccountInline,)
    actions = ("log_out_everywhere",)

    @admin.action(description="Log out everywhere (revoke every refresh token)")
    def log_out_everywhere(self, request, queryset) -> None:
        """Revoke every refresh token of the selected users; their access tokens die at expiry."""
        service = _auth_service()
        revoked = sum(service.logout_all(user) for user in queryset)
        self.message_user(request, f"{revoked} refresh token(s) revoked.", messages.SUCCESS)
