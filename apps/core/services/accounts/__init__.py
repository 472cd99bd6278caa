"""The accounts domain's services: what other domains may use."""

from apps.core.services.accounts.auth import AuthService, TokenPair
from apps.core.services.accounts.users import Registration, UserService

__all__ = ["AuthService", "Registration", "TokenPair", "UserService"]
