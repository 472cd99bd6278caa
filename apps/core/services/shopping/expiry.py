"""Unpaid-order expiry: a `pending` order not paid by its `expires_at` becomes `expired`.

`expires_at` is set when the order is placed (`payment_deadline`: placed + ORDER_PAYMENT_TIMEOUT_MIN).
The job (`manage.py expire_orders`, and beat's `expire-unpaid-orders` hook every minute, which runs
`apps.core.tasks.expire_orders`) expires each due order through the state machine, one transaction
per order: the order row is locked and moved with `WHERE status = 'pending'`, so a payment or a
cancel racing with the job either wins (the job skips the order) or loses (it finds the order
`expired`); the stock and the voucher use go back exactly once, with the move.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from apps.core.exceptions import IllegalTransitionError
from apps.core.models.shopping import Order, OrderStatus
from apps.core.services.shopping.order_status import OrderStateMachine

logger = logging.getLogger(__name__)


def payment_deadline(placed_at: datetime | None = None) -> datetime:
    """When an order placed at `placed_at` (default now, UTC) expires unpaid: + ORDER_PAYMENT_TIMEOUT_MIN minutes."""
    return (placed_at or timezone.now()) + timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MIN)


class OrderExpiryService:
    """Expires pending orders whose payment deadline has passed.

    Args:
        state_machine: makes each `pending -> expired` move with its side effects (stock, voucher, event).
        batch_size: most orders one call expires (oldest deadline first); the rest wait for the next run.
    """

    def __init__(self, state_machine: OrderStateMachine, *, batch_size: int) -> None:
        self._state_machine = state_machine
        self._batch_size = batch_size

    def expire_due(self, now: datetime | None = None) -> list[str]:
        """Expire every pending order with `expires_at <= now` (up to batch_size), each in its own transaction.

        Args:
            now: the instant to compare deadlines with (aware UTC; default now).

        Returns:
            The numbers of the orders this call expired, oldest deadline first. An order paid or
            cancelled meanwhile (the other move won the race) is skipped, not an error.
        """
        now = now or timezone.now()
        due = list(
            Order.objects.filter(status=OrderStatus.PENDING, expires_at__lte=now)
            .order_by("expires_at", "pk")
            .values_list("pk", flat=True)[: self._batch_size]
        )
        expired = []
        for order_id in due:
            try:
                order = self._state_machine.transition(order_id, OrderStatus.EXPIRED, automatic=True)
            except IllegalTransitionError:
                logger.info("order left pending before it expired", extra={"order_id": order_id})
                continue
            expired.append(order.number)
        if expired:
            logger.info("unpaid orders expired", extra={"count": len(expired)})
        return expired
