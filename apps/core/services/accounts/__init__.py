"""The accounts domain's services: what other domains may use."""

from apps.core.services.accounts.administration import AccessChange, UserAdministrationService
from apps.core.services.accounts.auth import AuthService, TokenPair
from apps.core.services.accounts.mail_consumer import AccountEmailConsumer
from apps.core.services.accounts.mailer import AccountEmail, AccountMailer
from apps.core.services.accounts.providers import (
    FacebookIdentityVerifier,
    GoogleIdentityVerifier,
    cached_http_session,
)
from apps.core.services.accounts.recovery import EmailVerificationService, PasswordResetService
from apps.core.services.accounts.roles import ROLE_NAMES, has_staff_permission
from apps.core.services.accounts.social import SocialSignInService
from apps.core.services.accounts.users import Registration, UserService

__all__ = [
    "AccessChange",
    "AccountEmail",
    "AccountEmailConsumer",
    "AccountMailer",
    "AuthService",
    "EmailVerificationService",
    "FacebookIdentityVerifier",
    "GoogleIdentityVerifier",
    "PasswordResetService",
    "ROLE_NAMES",
    "Registration",
    "SocialSignInService",
    "TokenPair",
    "UserAdministrationService",
    "UserService",
    "cached_http_session",
    "has_staff_permission",
]
