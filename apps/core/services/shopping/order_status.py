"""The order state machine: the one place an order's status changes.

    pending -> paid -> shipped -> delivered
    pending | paid -> cancelled

Every transition (admin PATCH, payment, customer cancel, webhook, admin site actions) goes
through `OrderStateMachine.transition`, which locks the order row, checks the move against
TRANSITIONS, writes it with a conditional update (`WHERE status = <current>`) and performs its
side effects in the same transaction: cancelling gives the voucher use back and puts the stock
back (each exactly once, because only one transaction can move the row out of `pending`/`paid`)
and refunds a settled payment.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.exceptions import IllegalTransitionError, NotFoundError
from apps.core.models.accounts import User
from apps.core.models.catalog import Product
from apps.core.models.payments import Payment, PaymentStatus
from apps.core.models.shopping import Order, OrderStatus
from apps.core.services.catalog import CatalogCache
from apps.core.services.payments import PaymentGateway
from apps.core.services.promotions import VoucherService
from apps.core.services.shopping.notifications import NotificationService

logger = logging.getLogger(__name__)

TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
TIMESTAMP_FIELD = {
    OrderStatus.PAID: "paid_at",
    OrderStatus.SHIPPED: "shipped_at",
    OrderStatus.DELIVERED: "delivered_at",
    OrderStatus.CANCELLED: "cancelled_at",
}
# Namespaces of the catalog cache whose bodies show stock (`stock`, `in_stock`).


def can_transition(current: str, requested: str) -> bool:
    """True when the workflow allows moving an order from `current` to `requested`."""
    return requested in TRANSITIONS.get(current, frozenset())


class OrderStateMachine:
    """Moves orders between statuses with their side effects (stock, refunds, cache, e-mail).

    Args:
        catalog_cache: invalidated when stock is put back.
        notifier: queues the customer's e-mail for the new status (sent after commit).
        gateway: refunds the settled payment of a paid order that is cancelled.
        vouchers: gives a cancelled order's voucher use back.
    """

    def __init__(
        self,
        catalog_cache: CatalogCache,
        notifier: NotificationService,
        gateway: PaymentGateway,
        vouchers: VoucherService,
    ) -> None:
        self._catalog_cache = catalog_cache
        self._notifier = notifier
        self._gateway = gateway
        self._vouchers = vouchers

    @transaction.atomic
    def transition(self, order_id: int, requested: str, *, owner: User | None = None) -> Order:
        """Move an order to `requested`; locks the order row until the caller's transaction ends.

        Args:
            owner: when given, only this user's order may be moved (anyone else's id is a 404).

        Returns:
            The order after the move, lines and user loaded.

        Raises:
            NotFoundError: no such order (or not the owner's).
            IllegalTransitionError: the workflow does not allow the move from the current status.
        """
        qs = Order.objects.select_for_update(of=("self",))
        if owner is not None:
            qs = qs.filter(user=owner)
        order = qs.filter(pk=order_id).first()
        if order is None:
            raise NotFoundError(f"Order {order_id} does not exist.")
        current = order.status
        if not can_transition(current, requested):
            raise IllegalTransitionError(
                f"An order cannot move from {current} to {requested}.",
                current=current,
                requested=requested,
                attr="status",
            )
        now = timezone.now()
        changes = {"status": requested, "updated_at": now, TIMESTAMP_FIELD[requested]: now}
        # Conditional update: on databases without row locks (SQLite) it still lets only one
        # concurrent transition out of `current` win.
        if not Order.objects.filter(pk=order.pk, status=current).update(**changes):
            raise IllegalTransitionError(
                f"The order left {current} while this request ran.", current=current, requested=requested, attr="status"
            )
        if requested == OrderStatus.CANCELLED:
            self._vouchers.release(order)  # before the stock: the voucher row before product rows, as at checkout
            self._restock(order)
            if current == OrderStatus.PAID:
                self._refund(order)
        order = Order.objects.select_related("user").prefetch_related("lines").get(pk=order.pk)
        self._notifier.order_status_changed(order, requested)
        if requested == OrderStatus.CANCELLED and current == OrderStatus.PAID:  # events: issue 14
            self._notifier.order_refunded(order)
        logger.info("order status changed", extra={"order": order.number, "from": current, "to": requested})
        return order

    def _restock(self, order: Order) -> None:
        # Product ids ascending: the same lock order as checkout, so the two never deadlock.
        for product_id, quantity in order.lines.order_by("product_id").values_list("product_id", "quantity"):
            Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity, updated_at=timezone.now())
        self._catalog_cache.products_changed()  # stock

    def _refund(self, order: Order) -> None:
        for payment in Payment.objects.select_for_update().filter(order=order, status=PaymentStatus.SUCCEEDED):
            self._gateway.refund(payment.reference, payment.amount, payment.currency)
            payment.status = PaymentStatus.REFUNDED
            payment.save(update_fields=["status", "updated_at"])
