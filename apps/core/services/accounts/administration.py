"""User administration (superusers): list accounts, switch them on or off, give them staff roles."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.infra.pagination import Page, paginate
from apps.core.models.accounts import User
from apps.core.services.accounts.auth import AuthService


@dataclass(frozen=True)
class AccessChange:
    """What a superuser may change about an account; None leaves a field as it is.

    Attributes:
        is_active: False locks the account out (its refresh tokens are revoked).
        groups: the complete list of role names (Django groups) the user should have; an account
            with a role is staff (`is_staff`, which /admin/ and the role permissions need), one
            without any role is not (unless superuser).
    """

    is_active: bool | None = None
    groups: list[str] | None = None


class UserAdministrationService:
    """Lists accounts and changes their access.

    Args:
        auth: revokes every refresh token of a deactivated account.
    """

    def __init__(self, auth: AuthService) -> None:
        self._auth = auth

    def list_page(self, *, page: int, page_size: int) -> Page[User]:
        """Every account by id, groups prefetched.

        Raises:
            NotFoundError: the page is past the last one.
        """
        return paginate(self._base_queryset().order_by("id"), page=page, page_size=page_size)

    def get(self, user_id: int) -> User:
        """One account.

        Raises:
            NotFoundError: no account has that id.
        """
        user = self._base_queryset().filter(pk=user_id).first()
        if user is None:
            raise NotFoundError(f"User {user_id} does not exist.")
        return user

    @transaction.atomic
    def update_access(self, actor: User, user_id: int, change: AccessChange) -> User:
        """Apply `change` for `actor`; deactivating also revokes every refresh token (access tokens die at expiry).

        Raises:
            NotFoundError: no account has that id.
            InvalidInputError: the actor tries to deactivate their own account (code
                "cannot_deactivate_self", attr "is_active"): nobody locks the last door from inside.
            InvalidInputError: a group name that does not exist (code "unknown_group", attr "groups").
        """
        user = self.get(user_id)
        if user.pk == actor.pk and change.is_active is False:
            raise InvalidInputError(
                "You cannot deactivate your own account.", code="cannot_deactivate_self", attr="is_active"
            )
        if change.groups is not None:
            groups = list(Group.objects.filter(name__in=change.groups))
            unknown = sorted(set(change.groups) - {g.name for g in groups})
            if unknown:
                raise InvalidInputError(f"Unknown group(s): {', '.join(unknown)}.", code="unknown_group", attr="groups")
            user.groups.set(groups)
            user.is_staff = user.is_superuser or bool(groups)
            user.save(update_fields=["is_staff", "updated_at"])
        if change.is_active is not None and change.is_active != user.is_active:
            user.is_active = change.is_active
            user.save(update_fields=["is_active", "updated_at"])
            if not user.is_active:
                self._auth.logout_all(user)
        return self.get(user_id)

    @staticmethod
    def _base_queryset():
        return User.objects.prefetch_related("groups")
