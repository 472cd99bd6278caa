"""Customer notifications about orders, recorded as outbox events (issue 14).

Nothing is sent here: each call writes an event row in the caller's transaction
(`EventService.record`), so a rolled-back order notifies nobody and a slow or failing mail server
never slows or undoes an order. Workers send the e-mails (apps.core.services.events.emails) and
the webhooks after commit.
"""

from decimal import Decimal

from apps.core.models.events import EventType
from apps.core.models.shopping import Order, OrderStatus
from apps.core.services.events import EventService

STATUS_EVENTS = {
    OrderStatus.PAID: EventType.ORDER_PAID,
    OrderStatus.SHIPPED: EventType.ORDER_SHIPPED,
    OrderStatus.CANCELLED: EventType.ORDER_CANCELLED,
    OrderStatus.EXPIRED: EventType.ORDER_EXPIRED,
}


def order_payload(order: Order) -> dict:
    """The event payload of an order: ids, number, status, customer, figures, address, voucher, tracking and lines.

    Money as decimal strings in `currency`; `shipping_address` is the order's snapshot (`{}` when none);
    `voucher_code` is "" when none.
    """
    return {
        "order_id": order.pk,
        "number": order.number,
        "status": order.status,
        "user_id": order.user_id,
        "email": order.user.email,
        "customer_name": order.user.get_short_name(),
        "subtotal": str(order.subtotal),
        "discount_total": str(order.discount_total),
        "shipping_total": str(order.shipping_total),
        "tax_total": str(order.tax_total),
        "total": str(order.total),
        "currency": order.currency,
        "tracking_number": order.tracking_number,
        "carrier": order.carrier,
        "shipping_address": order.shipping_address,
        "voucher_code": order.voucher_code,
        "lines": [
            {
                "product_id": line.product_id,
                "product_name": line.product_name,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "line_total": str(line.line_total),
            }
            for line in order.lines.all()
        ],
    }


class NotificationService:
    """Tells customers (and webhook subscribers) when an order is placed, paid, shipped, cancelled, expired, refunded.

    Args:
        events: records the events in the caller's transaction.
    """

    def __init__(self, events: EventService) -> None:
        self._events = events

    def order_placed(self, order: Order) -> None:
        """Record `order.placed`; its e-mail and webhooks go out only if the transaction commits."""
        self._events.record(EventType.ORDER_PLACED, order_payload(order))

    def order_status_changed(self, order: Order, status: str) -> None:
        """Record the event of a new status (paid, shipped, cancelled, expired); other statuses record nothing."""
        event_type = STATUS_EVENTS.get(status)
        if event_type is not None:
            self._events.record(event_type, order_payload(order))

    def order_refunded(self, order: Order, *, amount: Decimal | None = None, refund_id: int | None = None) -> None:
        """Record `order.refunded`: money of the order went back to the customer.

        Args:
            amount: what this refund gave back (Decimal, order currency); None: the whole payment
                (a paid order was cancelled), which is the order's total.
            refund_id: the Refund row, when a staff refund made it (null for a cancellation).
        """
        payload = order_payload(order)
        payload["refund_amount"] = str(order.total if amount is None else amount)
        payload["refund_id"] = refund_id
        self._events.record(EventType.ORDER_REFUNDED, payload)
