"""Permission classes shared by the controllers."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

# OpenAPI security of a read anyone may make (`extend_schema(auth=...)`): a JWT is optional.
# drf-spectacular adds the empty requirement `{}` only for DRF's own AllowAny and
# IsAuthenticatedOrReadOnly, so reads behind IsAdminOrReadOnly were documented as needing a token.
PUBLIC_READ_AUTH = [{"jwtAuth": []}, {}]


class IsAdminOrReadOnly(BasePermission):
    """Anyone may read; only staff (`is_staff`) may write. Anonymous writes get 401, others 403."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


def is_admin(request) -> bool:
    """True when the request comes from an authenticated staff user."""
    return bool(request.user and request.user.is_authenticated and request.user.is_staff)
