"""Who may do what: Django model permissions, held by staff through their roles (groups)."""

from apps.core.models.accounts import User

ROLE_NAMES = ("catalog_managers", "order_managers", "marketing")


def has_staff_permission(user: User | None, permission: str) -> bool:
    """Whether `user` holds `permission` (e.g. "core.view_order") as staff; a superuser holds every one.

    Only active staff (`is_staff`) hold the permissions of their roles: a customer is answered
    without a query, and an account with roles but no staff flag has none of them.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_perm(permission))
