"""Password rules shared by registration, change and reset: Django's AUTH_PASSWORD_VALIDATORS."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from apps.core.exceptions import InvalidInputError
from apps.core.models.accounts import User


def validate_new_password(password: str, user: User, *, attr: str) -> None:
    """Check `password` for `user` against the validators.

    Raises:
        InvalidInputError: code `password_invalid`, attr `attr`, every validator message joined.
    """
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInputError(" ".join(exc.messages), code="password_invalid", attr=attr) from None
