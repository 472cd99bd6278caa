"""Permission classes shared by the controllers: Django model permissions, granted through staff roles.

Staff roles are Django groups (`catalog_managers`, `order_managers`, `marketing`, created by the
migration `accounts_staff_roles`) holding model permissions such as `core.change_product`; a
superuser has every permission. A view declares what each verb needs with `model_permissions`
or `SuperuserOnly`, and `PermissionAwareAutoSchema` writes it into the OpenAPI operation as
`x-required-permissions`. Anonymous callers get a 401, signed-in callers without it a 403.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.core.services.accounts import has_staff_permission

# OpenAPI security of a read anyone may make (`extend_schema(auth=...)`): a JWT is optional.
# drf-spectacular adds the empty requirement `{}` only for DRF's own AllowAny and
# IsAuthenticatedOrReadOnly, so reads behind a model permission were documented as needing a token.
PUBLIC_READ_AUTH = [{"jwtAuth": []}, {}]

ACTION_BY_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}
SUPERUSER = "superuser"


class DeclaredPermission(BasePermission):
    """A permission that can say what a method needs (`required_permission`), for the checks and the schema."""

    def required_permission(self, method: str) -> str | None:
        """The permission `method` needs (e.g. "core.add_product", or "superuser"); None when open."""
        raise NotImplementedError

    def has_permission(self, request, view) -> bool:
        """Open methods pass; others need an active signed-in staff user holding the declared permission."""
        needed = self.required_permission(request.method)
        if needed is None:
            return True
        user = request.user
        if needed == SUPERUSER:
            return bool(user and user.is_authenticated and user.is_active and user.is_superuser)
        return has_staff_permission(user, needed)


def model_permissions(model: str, *, public_reads: bool, actions: dict[str, str] | None = None) -> type:
    """A DjangoModelPermissions-style class for the model named `model` (lower case, app `core`).

    Args:
        model: the model's name, e.g. "product"; POST needs `core.add_<model>`, PUT/PATCH
            `core.change_<model>`, DELETE `core.delete_<model>`.
        public_reads: True when GET/HEAD/OPTIONS are open to anyone; else they need `core.view_<model>`.
        actions: overrides per method, e.g. {"POST": "change"} for a restore.
    Returns:
        A permission class (DRF instantiates it per request).
    """
    by_method = {**ACTION_BY_METHOD, **(actions or {})}

    class ModelPermissions(DeclaredPermission):
        __doc__ = f"Django model permissions on core.{model}" + ("; reads are public." if public_reads else ".")

        def required_permission(self, method: str) -> str | None:
            if method == "OPTIONS" or (public_reads and method in SAFE_METHODS):
                return None
            return f"core.{by_method.get(method, 'change')}_{model}"

    ModelPermissions.__name__ = ModelPermissions.__qualname__ = f"{model.title().replace('_', '')}Permissions"
    return ModelPermissions


class SuperuserOnly(DeclaredPermission):
    """Every method needs a superuser (user administration)."""

    def required_permission(self, method: str) -> str | None:
        return SUPERUSER


class PermissionAwareAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, adding `x-required-permissions` to operations that declare one."""

    def get_operation(self, *args, **kwargs):
        """The operation as drf-spectacular builds it, plus the declared permissions of its method."""
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        needed = [
            perm.required_permission(self.method)
            for perm in self.view.get_permissions()
            if isinstance(perm, DeclaredPermission)
        ]
        if any(needed):
            operation["x-required-permissions"] = [p for p in needed if p]
        return operation
