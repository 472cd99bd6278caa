"""Account e-mails (password reset, e-mail verification): composed from templates, sent after commit.

Every message leaves through `AccountMailer.send`, the one place to switch to the transactional
outbox (`EventService.record`) when e-mails move to workers. Until then it hands the message to
Django's e-mail framework in `transaction.on_commit`: a rolled-back request e-mails nobody, and a
failing mail server never undoes the request (`robust=True` logs the error instead of raising).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
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

    def send(self, message: AccountEmail) -> None:
        """Send `message` once the current transaction commits (at once outside a transaction)."""
        transaction.on_commit(lambda: self._deliver(message), robust=True)

    def _deliver(self, message: AccountEmail) -> None:
        mail = EmailMultiAlternatives(message.subject, message.text, self._from_email, [message.to])
        mail.attach_alternative(message.html, "text/html")
        mail.send()

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
