"""The e-mail consumer: renders an event's message from templates and sends it once per event.

Exactly-once effect on an at-least-once queue: the receipt row (`ProcessedEvent`, unique per
consumer and event) is inserted in the transaction that sends. A send that fails rolls the receipt
back and raises (the task retries); a duplicate task waits on the unique index and then skips.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from apps.core.models.events import Event, EventType, ProcessedEvent

logger = logging.getLogger(__name__)

CONSUMER = "email"
# event type -> (template name under emails/, subject, the sentence the message opens with)
ORDER_EMAILS = {
    EventType.ORDER_PLACED: ("order", "Order {number} received", "we have received your order."),
    EventType.ORDER_PAID: ("order", "Order {number} is paid", "your payment was received."),
    EventType.ORDER_SHIPPED: ("order", "Order {number} has shipped", "your order is on its way."),
    EventType.ORDER_CANCELLED: ("order", "Order {number} was cancelled", "your order was cancelled."),
    EventType.ORDER_EXPIRED: ("order", "Order {number} expired", "your order expired unpaid and was released."),
    EventType.ORDER_REFUNDED: ("order", "Order {number} was refunded", "your payment was refunded."),
}


class EmailConsumer:
    """Sends the customer e-mail of an order event.

    Args:
        from_email: the sender address (DEFAULT_FROM_EMAIL).
    """

    def __init__(self, from_email: str) -> None:
        self._from_email = from_email

    def render(self, event: Event) -> EmailMultiAlternatives | None:
        """The message for an event (text and HTML parts), or None when the event sends no e-mail.

        The payload needs `email` and `number`; `customer_name`, `status`, `lines`, `total` and
        `currency` fill the body when present.
        """
        spec = ORDER_EMAILS.get(event.type)
        if spec is None or not event.payload.get("email"):
            return None
        template, subject, intro = spec
        context = {**event.payload, "intro": intro, "event_type": event.type}
        message = EmailMultiAlternatives(
            subject=subject.format(number=event.payload.get("number", "")),
            body=render_to_string(f"emails/{template}.txt", context),
            from_email=self._from_email,
            to=[event.payload["email"]],
            headers={"X-Nexus-Event-Id": str(event.pk)},
        )
        message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
        return message

    def handle(self, event_id: str) -> bool:
        """Send the event's e-mail unless it was sent before.

        Returns:
            True when this call sent it; False when there was nothing to send or it was already sent.

        Raises:
            OSError (smtplib.SMTPException included): the mail server failed; nothing is recorded.
        """
        with transaction.atomic():
            event = Event.objects.filter(pk=event_id).first()
            message = self.render(event) if event is not None else None
            if message is None:
                return False
            try:
                with transaction.atomic():
                    ProcessedEvent.objects.create(consumer=CONSUMER, event=event)
            except IntegrityError:
                return False
            message.send()
        logger.info("event e-mail sent", extra={"event": str(event_id), "type": event.type})
        return True
