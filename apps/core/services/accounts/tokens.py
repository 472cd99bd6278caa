"""Single-use, expiring tokens for e-mailed links (password reset, e-mail verification).

Both are Django's `PasswordResetTokenGenerator`: an HMAC over a timestamp and user state, so no
table is needed. A token dies when the state it hashed changes (the password hash and last login
for a reset; the e-mail and `is_verified` for a verification) and after PASSWORD_RESET_TIMEOUT
seconds. The user id travels beside it as `uid`, URL-safe base64.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from apps.core.models.accounts import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens proving that the owner of `user.email` got our message; dead once verified or the e-mail changes."""

    key_salt = "apps.core.services.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.is_verified}{timestamp}"


password_reset_tokens = PasswordResetTokenGenerator()
email_verification_tokens = EmailVerificationTokenGenerator()


def encode_uid(user: User) -> str:
    """The user's primary key as URL-safe base64 (the `uid` of the links)."""
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_for_uid(uid: str) -> User | None:
    """The active user a `uid` names, or None when it is malformed or names no active user."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()
