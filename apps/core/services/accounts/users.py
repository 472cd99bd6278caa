"""Accounts: registration, profile and password changes. Tokens: `AuthService`."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from apps.core.exceptions import InvalidInputError
from apps.core.models.accounts import User
from apps.core.services.accounts.auth import AuthService
from apps.core.services.accounts.passwords import validate_new_password
from apps.core.services.accounts.recovery import EmailVerificationService


@dataclass(frozen=True)
class Registration:
    """A sign-up: e-mail (login name), password in clear text, names."""

    email: str
    password: str
    first_name: str = ""
    last_name: str = ""


class UserService:
    """Creates accounts and changes what a user may change about themselves.

    Args:
        auth: revokes the user's refresh tokens when the password changes.
        verification: e-mails a verification link to every new account.
    """

    def __init__(self, auth: AuthService, verification: EmailVerificationService) -> None:
        self._auth, self._verification = auth, verification

    @transaction.atomic
    def register(self, data: Registration) -> User:
        """Create a customer account (never staff, not verified) and e-mail it a verification link after commit.

        Raises:
            InvalidInputError: the e-mail is taken (attr "email") or the password fails
                Django's AUTH_PASSWORD_VALIDATORS (attr "password").
        """
        email = User.objects.normalize_email(data.email).lower()
        candidate = User(email=email, first_name=data.first_name, last_name=data.last_name)
        validate_new_password(data.password, candidate, attr="password")
        if User.objects.filter(email__iexact=email).exists():
            raise InvalidInputError("A user with this e-mail already exists.", code="unique", attr="email")
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=data.password, first_name=data.first_name, last_name=data.last_name
                )
        except IntegrityError:
            raise InvalidInputError("A user with this e-mail already exists.", code="unique", attr="email") from None
        self._verification.send_link(user)
        return user

    @transaction.atomic
    def update_profile(self, user: User, changes: dict[str, str]) -> User:
        """Set `first_name`, `last_name` and/or `phone_number`; other keys are ignored."""
        allowed = {k: v for k, v in changes.items() if k in {"first_name", "last_name", "phone_number"}}
        for name, value in allowed.items():
            setattr(user, name, value)
        if allowed:
            user.save(update_fields=[*allowed, "updated_at"])
        return user

    @transaction.atomic
    def change_password(self, user: User, *, old_password: str, new_password: str) -> None:
        """Replace the password after checking the old one; every refresh token of the user is revoked.

        Raises:
            InvalidInputError: old_password is wrong (attr "old_password") or the new password
                fails the validators (attr "new_password").
        """
        if not user.check_password(old_password):
            raise InvalidInputError("The old password is incorrect.", code="wrong_password", attr="old_password")
        validate_new_password(new_password, user, attr="new_password")
        user.set_password(new_password)
        user.save(update_fields=["password", "updated_at"])
        self._auth.logout_all(user)
