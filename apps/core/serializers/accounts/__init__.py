"""The accounts domain's serializers: what other domains may use."""

from apps.core.serializers.accounts.auth import (
    EmailTokenInputSerializer,
    LoginInputSerializer,
    PasswordChangeInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    ProfileInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    TokenPairOutputSerializer,
    UserOutputSerializer,
    VerifyInputSerializer,
)

__all__ = [
    "EmailTokenInputSerializer",
    "LoginInputSerializer",
    "PasswordChangeInputSerializer",
    "PasswordResetConfirmInputSerializer",
    "PasswordResetInputSerializer",
    "ProfileInputSerializer",
    "RefreshInputSerializer",
    "RegisterInputSerializer",
    "TokenPairOutputSerializer",
    "UserOutputSerializer",
    "VerifyInputSerializer",
]
