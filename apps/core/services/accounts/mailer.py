"""Account e-mails (password reset, e-mail verification): composed from templates by a worker.

A request never sends them: the services in recovery.py record an internal outbox event
(`InternalEventType`, payload `{"user_id"}` only), and `AccountEmailConsumer` (mail_consumer.py),
run by the `events.send_account_email` task, composes the message here, making the link's token
at that moment, and sends it once.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from apps.core.models.accounts import User
from apps.core.services.accounts.tokens import email_verification_tokens, encode_uid, password_reset_tokens


@dataclass(frozen=True)
class AccountEmail:
    """A composed message: recipient, subject, plain-text body and HTML body."""

    to: str
    subject: str
    text: str
    html: str


class AccountMailer:
    """Composes and sends the account e-mails.

    Args:
        from_email: the sender address (DEFAULT_FROM_EMAIL).
        link_base_url: the front end's base URL (ACCOUNT_LINK_BASE_URL); links carry `uid` and `token`.
    """

    def __init__(self, from_email: str, link_base_url: str) -> None:
        self._from_email = from_email
        self._link_base_url = link_base_url.rstrip("/")

    def password_reset(self, user: User) -> AccountEmail:
        """The "reset your password" message, with a single-use link for `user` (saved or not)."""
        token = password_reset_tokens.make_token(user)
        return self._compose("password_reset", "Reset your password", user, "reset-password", token)

    def email_verification(self, user: User) -> AccountEmail:
        """The "confirm your e-mail address" message, with a link that dies once the address is verified."""
        token = email_verification_tokens.make_token(user)
        return self._compose("email_verification", "Confirm your e-mail address", user, "verify-email", token)

    def message(self, email: AccountEmail) -> EmailMultiAlternatives:
        """`email` as a Django message (plain text with an HTML alternative), ready to `send()`."""
        mail = EmailMultiAlternatives(email.subject, email.text, self._from_email, [email.to])
        mail.attach_alternative(email.html, "text/html")
        return mail

    def _compose(self, template: str, subject: str, user: User, page: str, token: str) -> AccountEmail:
        uid = encode_uid(user) if user.pk is not None else "MA"
        context = {
            "user": user,
            "uid": uid,
            "token": token,
            "link": f"{self._link_base_url}/{page}/?{urlencode({'uid': uid, 'token': token})}",
        }
        return AccountEmail(
            to=user.email,
            subject=subject,
            text=render_to_string(f"emails/{template}.txt", context),
            html=render_to_string(f"emails/{template}.html", context),
        )
