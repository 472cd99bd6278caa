"""The accounts domain's services: what other domains may use."""

from apps.core.services.accounts.auth import AuthService, TokenPair
from apps.core.services.accounts.mailer import AccountEmail, AccountMailer
from apps.core.services.accounts.recovery import EmailVerificationService, PasswordResetService
from apps.core.services.accounts.users import Registration, UserService

__all__ = [
    "AccountEmail",
    "AccountMailer",
    "AuthService",
    "EmailVerificationService",
    "PasswordResetService",
    "Registration",
    "TokenPair",
    "UserService",
]
