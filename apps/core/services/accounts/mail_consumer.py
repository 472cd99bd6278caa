"""The consumer of the account e-mail events: the worker side of password reset and verification.

Exactly once on an at-least-once queue, as the order e-mails: a receipt (`ProcessedEvent`, consumer
"account-email") is inserted in the transaction that sends; a failing mail server rolls it back and
raises (the task retries), a duplicate task waits on the unique index and then skips.
"""

import logging

from django.db import IntegrityError, transaction

from apps.core.models.accounts import User
from apps.core.models.events import Event, InternalEventType, ProcessedEvent
from apps.core.services.accounts.mailer import AccountEmail, AccountMailer

logger = logging.getLogger(__name__)

CONSUMER = "account-email"


class AccountEmailConsumer:
    """Sends the e-mail an account event asks for, with a link whose token is made now.

    Args:
        mailer: composes the messages from templates.
    """

    def __init__(self, mailer: AccountMailer) -> None:
        self._mailer = mailer

    def compose(self, event: Event) -> AccountEmail | None:
        """The message for `event`, or None when nobody should get one.

        None for: an event that is not an account event; a reset asked for an unknown e-mail
        (`user_id` null) or for an account deactivated since; a verification of an account that is
        inactive or verified since (its link would be dead on arrival).
        """
        user_id = event.payload.get("user_id")
        if event.type not in InternalEventType.values or user_id is None:
            return None
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            return None
        if event.type == InternalEventType.PASSWORD_RESET_REQUESTED:
            return self._mailer.password_reset(user)
        if user.is_verified:
            return None
        return self._mailer.email_verification(user)

    def handle(self, event_id: str) -> bool:
        """Send the event's e-mail unless it was sent before (or there is none to send).

        Returns:
            True when this call sent it; False otherwise.

        Raises:
            OSError (smtplib.SMTPException included): the mail server failed; nothing is recorded,
                so a retry sends it.
        """
        with transaction.atomic():
            event = Event.objects.filter(pk=event_id).first()
            email = self.compose(event) if event is not None else None
            if email is None:
                return False
            try:
                with transaction.atomic():
                    ProcessedEvent.objects.create(consumer=CONSUMER, event=event)
            except IntegrityError:
                return False
            self._mailer.message(email).send()
        logger.info("account e-mail sent", extra={"event": str(event_id), "type": event.type})
        return True
