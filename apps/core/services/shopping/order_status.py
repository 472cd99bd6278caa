"""The order state machine: the one place an order's status changes.

Moves people make (staff PATCH, payment, customer cancel, webhook, admin site actions), TRANSITIONS:

    pending -> paid -> processing -> shipped -> delivered      (paid -> shipped allowed)
    pending | paid | processing -> cancelled

Moves only the shop itself makes, AUTOMATIC_TRANSITIONS (a PATCH asking for them is a 409):

    pending -> expired                                          (the expiry job)
    paid | processing | shipped | delivered | partially_refunded
        -> partially_refunded | refunded                        (refunds)

Every transition locks the order row, checks the move, writes it with a conditional update
(`WHERE status = <current>`) and performs its side effects in the same transaction: cancelling
or expiring puts the stock and the voucher use back (exactly once, because only one transaction
can move the row out of `pending`), and cancelling a paid order refunds its settled payment.
"""

import logging

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import IllegalTransitionError, InvalidInputError, NotFoundError
from apps.core.infra.db.prepared import prepared_statements
from apps.core.models.accounts import User
from apps.core.models.payments import Payment, PaymentStatus
from apps.core.models.shopping import Order, OrderStatus
from apps.core.services.catalog import CatalogCache, Inventory
from apps.core.services.payments import PaymentGateway
from apps.core.services.promotions import VoucherService
from apps.core.services.shopping.notifications import NotificationService

logger = logging.getLogger(__name__)

S = OrderStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.PROCESSING, S.SHIPPED, S.CANCELLED}),
    S.PROCESSING: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
    S.PARTIALLY_REFUNDED: frozenset(),
    S.REFUNDED: frozenset(),
}
REFUNDABLE_STATUSES = frozenset({S.PAID, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.PARTIALLY_REFUNDED})
AUTOMATIC_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.EXPIRED}),
    **{status: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}) for status in REFUNDABLE_STATUSES},
}
TIMESTAMP_FIELD = {
    S.PAID: "paid_at",
    S.PROCESSING: "processing_at",
    S.SHIPPED: "shipped_at",
    S.DELIVERED: "delivered_at",
    S.CANCELLED: "cancelled_at",
    S.EXPIRED: "expired_at",
}
RELEASING = frozenset({S.CANCELLED, S.EXPIRED})  # moves that give stock and the voucher use back
SETTLED = frozenset({S.PAID, S.PROCESSING})  # cancelling from these refunds the payment


def can_transition(current: str, requested: str, *, automatic: bool = False) -> bool:
    """True when the workflow allows moving an order from `current` to `requested`.

    Args:
        automatic: ask about the moves only the shop makes (expiry, refunds) instead of people's.
    """
    table = AUTOMATIC_TRANSITIONS if automatic else TRANSITIONS
    return requested in table.get(current, frozenset())


class OrderStateMachine:
    """Moves orders between statuses with their side effects (stock, voucher uses, refunds, cache, events).

    Args:
        catalog_cache: invalidated when stock is put back.
        notifier: records the event of the new status (sent after commit).
        gateway: refunds the settled payment of a paid order that is cancelled.
        inventory: puts a cancelled order's units back on its variants (and their products).
        vouchers: gives back the voucher use of a cancelled or expired order.
    """

    def __init__(
        self,
        catalog_cache: CatalogCache,
        notifier: NotificationService,
        gateway: PaymentGateway,
        *,
        inventory: Inventory,
        vouchers: VoucherService,
    ) -> None:
        self._inventory = inventory
        self._catalog_cache = catalog_cache
        self._notifier = notifier
        self._gateway = gateway
        self._vouchers = vouchers

    @prepared_statements()  # key lookups: prepared on the server (infra/db/prepared.py)
    @transaction.atomic
    def transition(
        self,
        order_id: int,
        requested: str,
        *,
        owner: User | None = None,
        automatic: bool = False,
        tracking_number: str | None = None,
        carrier: str | None = None,
    ) -> Order:
        """Move an order to `requested`; locks the order row until the caller's transaction ends.

        Args:
            owner: when given, only this user's order may be moved (anyone else's id is a 404).
            automatic: a move only the shop makes (expiry job, refunds: AUTOMATIC_TRANSITIONS);
                otherwise a person's move (TRANSITIONS).
            tracking_number, carrier: the parcel's, recorded with a move to `shipped` (None: keep).

        Returns:
            The order after the move, lines and user loaded.

        Raises:
            NotFoundError: no such order (or not the owner's).
            IllegalTransitionError: the workflow does not allow the move from the current status.
            InvalidInputError: tracking details with a move other than to `shipped` (attr tracking_number/carrier).
            RefundDeclinedError, PaymentGatewayError: cancelling a paid order, its refund failed;
                nothing changed.
        """
        self._check_tracking(requested, tracking_number=tracking_number, carrier=carrier)
        qs = Order.objects.select_for_update(of=("self",))
        if owner is not None:
            qs = qs.filter(user=owner)
        order = qs.filter(pk=order_id).first()
        if order is None:
            raise NotFoundError(f"Order {order_id} does not exist.")
        current = order.status
        if not can_transition(current, requested, automatic=automatic):
            raise IllegalTransitionError(
                f"An order cannot move from {current} to {requested}.",
                current=current,
                requested=requested,
                attr="status",
            )
        now = timezone.now()
        changes = {"status": requested, "updated_at": now}
        if requested in TIMESTAMP_FIELD:
            changes[TIMESTAMP_FIELD[requested]] = now
        if tracking_number is not None:
            changes["tracking_number"] = tracking_number
        if carrier is not None:
            changes["carrier"] = carrier
        # Conditional update: on databases without row locks (SQLite) it still lets only one
        # concurrent transition out of `current` win.
        if not Order.objects.filter(pk=order.pk, status=current).update(**changes):
            raise IllegalTransitionError(
                f"The order left {current} while this request ran.", current=current, requested=requested, attr="status"
            )
        if requested in RELEASING:
            # The stock rows before the voucher row: the lock order of checkout (stock, then the voucher use).
            self._restock(order)
            self._vouchers.release(order)
        refunded = requested == S.CANCELLED and current in SETTLED and self._refund(order)
        order = Order.objects.select_related("user").prefetch_related("lines").get(pk=order.pk)
        self._notifier.order_status_changed(order, requested)
        if refunded:  # events: issue 14
            self._notifier.order_refunded(order)
        logger.info("order status changed", extra={"order": order.number, "from": current, "to": requested})
        return order

    @staticmethod
    def _check_tracking(requested: str, **details: str | None) -> None:
        if requested == S.SHIPPED:
            return
        for name, value in details.items():
            if value:
                raise InvalidInputError(
                    f"`{name}` is recorded only when the order moves to shipped.",
                    code="tracking_needs_shipped",
                    attr=name,
                )

    def restock_lines(self, order: Order, quantities: dict[int, int]) -> None:
        """Put units of some lines back in stock (a refund that restocks); same lock order as checkout.

        Args:
            quantities: order line id -> units to put back (lines not named put nothing back).
        """
        self._restock(order, quantities)

    def _restock(self, order: Order, quantities: dict[int, int] | None = None) -> None:
        """Put back every line's quantity (cancel, expiry), or `quantities` (order line id -> units).

        The inventory takes variant rows by ascending id, then products: the lock order of checkout,
        so the two never deadlock.
        """
        lines = order.lines.exclude(variant=None).values_list("pk", "variant_id", "quantity")
        units = [
            (variant_id, quantity if quantities is None else quantities.get(line_id, 0))
            for line_id, variant_id, quantity in lines
        ]
        self._inventory.give_back([(variant_id, n) for variant_id, n in units if n])

    def _refund(self, order: Order) -> bool:
        """Refund the order's settled payment in full; True when there was one.

        Raises:
            RefundDeclinedError, PaymentGatewayError: the gateway did not refund; the caller rolls back.
        """
        refunded = False
        for payment in Payment.objects.select_for_update().filter(order=order, status=PaymentStatus.SUCCEEDED):
            self._gateway.refund(payment.reference, payment.amount, payment.currency)
            payment.status = PaymentStatus.REFUNDED
            payment.save(update_fields=["status", "updated_at"])
            refunded = True
        return refunded
