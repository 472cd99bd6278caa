"""Tokens: log in, refresh with rotation, verify, log out one session or every session.

simplejwt issues and checks the JWTs; its `token_blacklist` app records every refresh token issued
(`OutstandingToken`) and every one revoked (`BlacklistedToken`). Access tokens are never
blacklisted: they die at their expiry (JWT_ACCESS_LIFETIME_MIN).
"""

from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from apps.core.exceptions import AuthenticationFailedError
from apps.core.infra.db.prepared import prepared_statements
from apps.core.infra.precompiled import PrecompiledQuery
from apps.core.models.accounts import User
from apps.core.models.base import MAX_ID

BAD_CREDENTIALS = "No active account found with the given credentials."

_USER: PrecompiledQuery[User] = PrecompiledQuery(lambda pk: User.objects.filter(pk=pk).order_by())


def user_by_id(user_id: int | str) -> User | None:
    """The user with this id (any status), or None; compiled once per connection and prepared on the server
    (every authenticated request reads it: apps/core/infra/db/prepared.py).

    Args:
        user_id: the id as a token carries it (an int, or its decimal string).
    """
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= MAX_ID:
        return None
    with prepared_statements():
        return _USER.first(pk)


INVALID_TOKEN = "Token is invalid or expired."


@dataclass(frozen=True)
class TokenPair:
    """A JWT pair: `access` (short-lived, for `Authorization: Bearer`) and `refresh` (to rotate)."""

    access: str
    refresh: str


def _invalid_token() -> AuthenticationFailedError:
    return AuthenticationFailedError(INVALID_TOKEN, code="token_not_valid")


class AuthService:
    """Issues, rotates, checks and revokes JWTs."""

    def login(self, email: str, password: str) -> TokenPair:
        """A fresh pair for valid credentials of an active user; records the login time.

        Raises:
            AuthenticationFailedError: unknown e-mail, wrong password or inactive account, all
                with the same message and code (`no_active_account`) so none can be told apart.
        """
        user = authenticate(email=email, password=password)
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailedError(BAD_CREDENTIALS, code="no_active_account")
        if api_settings.UPDATE_LAST_LOGIN:
            update_last_login(None, user)
        return self.issue(user)

    def issue(self, user: User) -> TokenPair:
        """A fresh pair for `user`, whose refresh token is recorded as outstanding (revocable)."""
        refresh = RefreshToken.for_user(user)
        return TokenPair(access=str(refresh.access_token), refresh=str(refresh))

    @transaction.atomic
    def refresh(self, raw_refresh: str) -> TokenPair:
        """Rotate: a new pair; the presented refresh token is blacklisted and can never be used again.

        Concurrent refreshes of one token are serialised on its OutstandingToken row: exactly one succeeds.

        Raises:
            AuthenticationFailedError: the token is malformed, expired, blacklisted, not a refresh
                token, or its user was deleted or deactivated (`token_not_valid`).
        """
        refresh = self._refresh_token(raw_refresh)
        # Lock the token's row and look again: of concurrent refreshes of one token, one rotates and
        # the others, waiting here, then find it blacklisted (no two valid pairs from one token).
        jti = refresh.payload.get(api_settings.JTI_CLAIM)
        list(OutstandingToken.objects.select_for_update().filter(jti=jti).order_by().values_list("pk", flat=True))
        if BlacklistedToken.objects.filter(token__jti=jti).exists():
            raise _invalid_token()
        user = User.objects.filter(pk=refresh.payload.get(api_settings.USER_ID_CLAIM)).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise _invalid_token()
        refresh.blacklist()
        return self.issue(user)

    def verify(self, raw_token: str) -> None:
        """Check any token (access or refresh): signature, expiry, and for refresh tokens revocation.

        Raises:
            AuthenticationFailedError: the token is invalid, expired or blacklisted.
        """
        try:
            token = UntypedToken(raw_token)
        except TokenError:
            raise _invalid_token() from None
        if BlacklistedToken.objects.filter(token__jti=token.get(api_settings.JTI_CLAIM)).exists():
            raise _invalid_token()

    def logout(self, raw_refresh: str) -> None:
        """Revoke one refresh token (one session).

        Raises:
            AuthenticationFailedError: the token is malformed, expired, already revoked or not a refresh token.
        """
        self._refresh_token(raw_refresh).blacklist()

    @transaction.atomic
    def logout_all(self, user: User) -> int:
        """Revoke every unexpired refresh token of `user` (every session); returns how many were revoked."""
        live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
        revoked = BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in live.only("pk")], ignore_conflicts=True
        )
        return len(revoked)

    @staticmethod
    def _refresh_token(raw_refresh: str) -> RefreshToken:
        """Parse and check a refresh token (signature, expiry, type, blacklist)."""
        try:
            return RefreshToken(raw_refresh)
        except TokenError:
            raise _invalid_token() from None
