"""Password reset and e-mail verification: e-mailed single-use links, and what happens when they come back.

The request side only records an internal outbox event (`{"user_id"}`, no token); a worker sends
the e-mail (mail_consumer.py), so a slow or unreachable mail server never touches a request.
"""

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models.functions import Lower

from apps.core.exceptions import EmailNotVerifiedError, InvalidInputError
from apps.core.models.accounts import User
from apps.core.models.events import InternalEventType
from apps.core.services.accounts.auth import AuthService
from apps.core.services.accounts.passwords import validate_new_password
from apps.core.services.accounts.tokens import email_verification_tokens, password_reset_tokens, user_for_uid

if TYPE_CHECKING:  # the events domain is built by the container; no import cycle at runtime
    from apps.core.services.events import EventService


def _invalid_link(kind: str) -> InvalidInputError:
    return InvalidInputError(
        f"The {kind} link is invalid, already used or expired.", code="invalid_token", attr="token"
    )


class PasswordResetService:
    """Sends reset links and sets a new password from one.

    Args:
        events: records the `account.password_reset_requested` event a worker turns into the e-mail.
        auth: revokes every refresh token of the user once the password is reset.
    """

    def __init__(self, events: "EventService", auth: AuthService) -> None:
        self._events, self._auth = events, auth

    @transaction.atomic
    def request_reset(self, email: str) -> None:
        """Have a worker e-mail a reset link to the active account with this e-mail, if any; say nothing either way.

        The same work is done for an unknown e-mail (one indexed lookup, one outbox row, its
        publish), so the response time does not tell whether an account exists: the event then
        carries `user_id` null and the worker sends nothing. The event holds no token.
        """
        normalized = email.strip().lower()
        user = User.objects.alias(email_lower=Lower("email")).filter(email_lower=normalized, is_active=True).first()
        self._events.record(InternalEventType.PASSWORD_RESET_REQUESTED, {"user_id": user.pk if user else None})

    @transaction.atomic
    def confirm_reset(self, uid: str, token: str, new_password: str) -> User:
        """Set a new password from a reset link; the link then dies, and every refresh token is revoked.

        The user row is locked while the token is checked, so two uses of one link cannot both pass.
        A completed reset also proves the e-mail address: the account becomes verified.

        Raises:
            InvalidInputError: the uid or token is forged, used or expired (code `invalid_token`,
                attr "token"), or the new password fails the validators (attr "new_password").
        """
        user = user_for_uid(uid)
        if user is not None:
            user = User.objects.select_for_update().get(pk=user.pk)
        if user is None or not password_reset_tokens.check_token(user, token):
            raise _invalid_link("password reset")
        validate_new_password(new_password, user, attr="new_password")
        user.set_password(new_password)
        user.is_verified = True
        user.save(update_fields=["password", "is_verified", "updated_at"])
        self._auth.logout_all(user)
        return user


class EmailVerificationService:
    """Sends verification links and marks an address verified when one comes back.

    Args:
        events: records the `account.email_verification_requested` event a worker turns into the e-mail.
        required_to_order: REQUIRE_VERIFIED_EMAIL_TO_ORDER.
    """

    def __init__(self, events: "EventService", required_to_order: bool) -> None:
        self._events, self._required_to_order = events, required_to_order

    def send_link(self, user: User) -> None:
        """Have a worker e-mail a verification link to `user` once the caller's transaction commits.

        Nothing for an already verified user. Call it inside the transaction that created or
        changed the user: a rolled-back request e-mails nobody.
        """
        if not user.is_verified:
            self._events.record(InternalEventType.EMAIL_VERIFICATION_REQUESTED, {"user_id": user.pk})

    @transaction.atomic
    def verify(self, uid: str, token: str) -> User:
        """Mark the address verified from a link; the link then dies (its hash covers `is_verified`).

        Raises:
            InvalidInputError: the uid or token is forged, used or expired (code `invalid_token`, attr "token").
        """
        user = user_for_uid(uid)
        if user is not None:
            user = User.objects.select_for_update().get(pk=user.pk)
        if user is None or not email_verification_tokens.check_token(user, token):
            raise _invalid_link("verification")
        user.is_verified = True
        user.save(update_fields=["is_verified", "updated_at"])
        return user

    def check_may_order(self, user: User) -> None:
        """Refuse an order from an unverified user when REQUIRE_VERIFIED_EMAIL_TO_ORDER is on.

        Raises:
            EmailNotVerifiedError: the setting is on and `user.is_verified` is false.
        """
        if self._required_to_order and not user.is_verified:
            raise EmailNotVerifiedError("Confirm your e-mail address before placing an order.")
