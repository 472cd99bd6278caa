"""Customer e-mails about their orders, sent through Django's e-mail framework after commit.

The backend comes from settings (console by default, SMTP from the environment). Messages are
composed inside the caller's transaction (so they describe what is being committed) and handed
to `transaction.on_commit`: a rolled-back order never e-mails anyone, and a failing mail server
never undoes an order (`robust=True` logs the error instead of raising).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from apps.core.models.shopping import Order, OrderStatus

logger = logging.getLogger(__name__)

SUBJECTS = {
    "placed": "Order {number} received",
    OrderStatus.PAID: "Order {number} is paid",
    OrderStatus.SHIPPED: "Order {number} has shipped",
    OrderStatus.CANCELLED: "Order {number} was cancelled",
}


@dataclass(frozen=True)
class Email:
    """A composed message: recipient address, subject line and plain-text body."""

    to: str
    subject: str
    body: str


class NotificationService:
    """Tells customers when an order is placed, paid, shipped or cancelled.

    Args:
        from_email: the sender address (DEFAULT_FROM_EMAIL).
    """

    def __init__(self, from_email: str | None = None) -> None:
        self._from_email = from_email or settings.DEFAULT_FROM_EMAIL

    def order_placed(self, order: Order) -> None:
        """Queue the "order received" e-mail; sent only if the current transaction commits."""
        self._queue(self._compose(order, "placed"))

    def order_status_changed(self, order: Order, status: str) -> None:
        """Queue the e-mail for a new status (paid, shipped, cancelled); other statuses send nothing."""
        if status in SUBJECTS and status != "placed":
            self._queue(self._compose(order, status))

    def _compose(self, order: Order, event: str) -> Email:
        lines = "\n".join(
            f"  {line.quantity} x {line.product_name} ({line.sku}) @ {line.unit_price} = {line.line_total}"
            for line in order.lines.all()
        )
        body = (
            f"Hello {order.user.get_short_name() or order.user.email},\n\n"
            f"Your order {order.number} is now {order.status}.\n\n{lines}\n\n"
            f"Total: {order.total} {order.currency}\n"
        )
        return Email(to=order.user.email, subject=SUBJECTS[event].format(number=order.number), body=body)

    def _queue(self, email: Email) -> None:
        def send() -> None:
            send_mail(email.subject, email.body, self._from_email, [email.to])
            logger.info("order e-mail sent", extra={"subject": email.subject})

        transaction.on_commit(send, robust=True)
