"""The accounts domain's serializers: what other domains may use."""

from apps.core.serializers.accounts.auth import (
    LoginInputSerializer,
    PasswordChangeInputSerializer,
    ProfileInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    TokenPairOutputSerializer,
    UserOutputSerializer,
    VerifyInputSerializer,
)

__all__ = [
    "LoginInputSerializer",
    "PasswordChangeInputSerializer",
    "ProfileInputSerializer",
    "RefreshInputSerializer",
    "RegisterInputSerializer",
    "TokenPairOutputSerializer",
    "UserOutputSerializer",
    "VerifyInputSerializer",
]
