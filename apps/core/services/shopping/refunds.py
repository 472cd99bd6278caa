"""Refunds: partial or full, per order line and quantity, optionally restocking and refunding shipping.

How the sum of refunds never exceeds what was paid: a refund runs in one transaction that first
locks the order row (`SELECT ... FOR UPDATE`), so refunds of one order run one after the other;
under the lock it reads what each line already gave back and refuses more (400). A line's
amounts are cut so that its refunds add up to exactly what was paid for it (`line_refund_amount`),
and shipping is refunded at most once (also a partial unique index). The gateway is called last:
when it declines (or cannot be reached) the transaction rolls back and nothing changed.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum

from apps.core.exceptions import InvalidInputError, NotFoundError, OrderNotRefundableError
from apps.core.infra.db.prepared import prepared_statements
from apps.core.infra.pagination import Page, paginate
from apps.core.models.accounts import User
from apps.core.models.payments import Payment, PaymentStatus, Refund, RefundLine
from apps.core.models.shopping import Order, OrderLine, OrderStatus
from apps.core.services.accounts import has_staff_permission
from apps.core.services.idempotency import IdempotencyService, IdempotentRequest
from apps.core.services.payments import PaymentGateway
from apps.core.services.shopping.notifications import NotificationService
from apps.core.services.shopping.order_status import REFUNDABLE_STATUSES, OrderStateMachine

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def tax_added(order: Order) -> bool:
    """True when the order's tax was added on top of its prices (PRICES_INCLUDE_TAX was false when placed).

    Read off the stored figures (`total = subtotal - discount + shipping + tax` only then), so a
    later change of the setting never changes what an old order's refunds give back.
    """
    figures = order.subtotal - order.discount_total + order.shipping_total
    return order.tax_total > ZERO and order.total == figures + order.tax_total


def line_paid_total(line: OrderLine, *, with_tax: bool = False) -> Decimal:
    """What the customer paid for a whole order line (Decimal, order currency), from its stored figures.

    `line_total - discount_amount` (the line's share of a voucher), plus `tax_amount` when the tax
    was added on top of the prices (`with_tax`, see `tax_added`); never today's prices.
    """
    paid = line.line_total - line.discount_amount
    return paid + line.tax_amount if with_tax else paid


def shipping_paid(order: Order) -> Decimal:
    """What the customer paid for shipping (Decimal, order currency): the stored shipping total, plus the
    tax on it when tax was added on top (the order's tax total less its lines' tax)."""
    shipping = order.shipping_total or ZERO
    if shipping and tax_added(order):
        lines_tax = order.lines.aggregate(total=Sum("tax_amount"))["total"] or ZERO
        shipping += order.tax_total - lines_tax
    return shipping


def line_refund_amount(line: OrderLine, quantity: int, already_refunded: int, *, with_tax: bool = False) -> Decimal:
    """What refunding `quantity` more units of a line gives back, when `already_refunded` units were.

    The line's paid total per unit times the quantity, half-up to the cent, cut so that every
    refund of the line together gives back exactly its paid total: the amount is
    `round(paid × (r + q) / Q) − round(paid × r / Q)` (Q the line's quantity, r already refunded).
    """
    paid = line_paid_total(line, with_tax=with_tax)

    def upto(units: int) -> Decimal:
        return (paid * units / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)

    return upto(already_refunded + quantity) - upto(already_refunded)


@dataclass(frozen=True)
class RefundLineRequest:
    """`quantity` (>= 1) units of the order line with id `line` to refund."""

    line: int
    quantity: int


@dataclass(frozen=True)
class RefundRequest:
    """What staff ask to refund: lines, whether to put their units back in stock, whether to refund shipping."""

    lines: tuple[RefundLineRequest, ...]
    restock: bool = False
    shipping: bool = False
    reason: str = ""


class RefundService:
    """Refunds paid orders through the payment gateway and lists an order's refunds.

    Args:
        gateway: the provider chosen by PAYMENT_PROVIDER (refunds the order's settled payment).
        state_machine: moves the order to partially_refunded / refunded and puts units back in stock.
        notifier: records `order.refunded` with the refund's amount.
        idempotency: replays a refund retried with the same `Idempotency-Key`.
    """

    def __init__(
        self,
        gateway: PaymentGateway,
        state_machine: OrderStateMachine,
        notifier: NotificationService,
        idempotency: IdempotencyService,
    ) -> None:
        self._gateway = gateway
        self._state_machine = state_machine
        self._notifier = notifier
        self._idempotency = idempotency

    def list_page(self, viewer: User, order_id: int, *, page: int, page_size: int) -> Page[Refund]:
        """Refunds of one order, newest first: the viewer's own order, or any order for order managers.

        Raises:
            NotFoundError: no such order, another user's, or the page is past the last one.
        """
        orders = Order.objects.all() if has_staff_permission(viewer, "core.view_order") else viewer.orders.all()
        if not orders.filter(pk=order_id).exists():
            raise NotFoundError(f"Order {order_id} does not exist.")
        qs = Refund.objects.filter(order_id=order_id).prefetch_related("lines").order_by("-created_at", "-id")
        return paginate(qs, page=page, page_size=page_size)

    @prepared_statements()  # key lookups: prepared on the server (infra/db/prepared.py)
    @transaction.atomic
    def refund(
        self, staff: User, order_id: int, request: RefundRequest, *, idempotency: IdempotentRequest | None = None
    ) -> tuple[Refund, bool]:
        """Give back money of a paid order through the gateway, per line and quantity (plus shipping).

        Locks the order row, so concurrent refunds of one order run one after the other and their
        sum never exceeds what was paid. Restocking puts the refunded quantities back (catalog
        caches invalidated after commit). The order becomes `refunded` when everything paid has
        been given back, `partially_refunded` otherwise; a full refund marks the payment `refunded`.
        `order.refunded` is recorded with the refund's amount.

        Args:
            staff: who refunds (recorded; the key owner for idempotency).
            idempotency: the request's `Idempotency-Key` and fingerprint; a retry of the same request
                returns the refund the first one made and refunds nothing more.

        Returns:
            (refund, created): created is False when the key replayed an earlier refund.

        Raises:
            NotFoundError: no such order.
            OrderNotRefundableError: the order is not paid/processing/shipped/delivered/partially
                refunded, or has no settled payment.
            InvalidInputError: attr "lines": nothing to refund, a line not of this order, a line
                twice, or more units than are left to refund on a line (`exceeds_refundable`);
                attr "shipping": shipping was refunded before.
            RefundDeclinedError: the gateway declined; nothing changed.
            PaymentGatewayError: the gateway could not be reached; nothing changed.
            IdempotencyKeyMismatchError, ConflictError (`idempotency_key_in_use`): see IdempotencyService.
        """
        return self._idempotency.run(
            staff,
            idempotency,
            resource_type="refund",
            perform=lambda: self._refund(staff, order_id, request),
            load=lambda refund_id: Refund.objects.prefetch_related("lines").get(pk=refund_id),
        )

    def _refund(self, staff: User, order_id: int, request: RefundRequest) -> Refund:
        order = Order.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
        if order is None:
            raise NotFoundError(f"Order {order_id} does not exist.")
        if order.status not in REFUNDABLE_STATUSES:
            raise OrderNotRefundableError(f"Order {order.number} is {order.status}; only paid orders are refunded.")
        payment = Payment.objects.select_for_update().filter(order=order, status=PaymentStatus.SUCCEEDED).first()
        if payment is None:
            raise OrderNotRefundableError(f"Order {order.number} has no settled payment to refund.")

        amounts = self._line_amounts(order, request.lines)
        shipping = self._shipping_amount(order, request.shipping)
        if not amounts and not request.shipping:
            raise InvalidInputError("Name a line, or shipping, to refund.", code="empty_refund", attr="lines")
        amount = sum((line_amount for _, _, line_amount in amounts), ZERO) + shipping
        refunded_before = self._refunded_total(order)
        if refunded_before + amount > payment.amount:  # a guard: the per-line rules already keep below it
            raise InvalidInputError(
                f"Refunds would exceed the {payment.amount} paid ({refunded_before} refunded before).",
                code="exceeds_paid",
                attr="lines",
            )

        refund = Refund.objects.create(
            order=order,
            payment=payment,
            amount=amount,
            currency=payment.currency,
            restocked=request.restock,
            shipping_refunded=request.shipping,
            reason=request.reason,
            created_by=staff,
        )
        RefundLine.objects.bulk_create(
            RefundLine(refund=refund, order_line=line, quantity=quantity, amount=line_amount)
            for line, quantity, line_amount in amounts
        )
        if request.restock and amounts:
            self._state_machine.restock_lines(order, {line.pk: quantity for line, quantity, _ in amounts})
        fully = refunded_before + amount >= payment.amount
        status = OrderStatus.REFUNDED if fully else OrderStatus.PARTIALLY_REFUNDED
        order = self._state_machine.transition(order.pk, status, automatic=True)
        if fully:
            payment.status = PaymentStatus.REFUNDED
            payment.save(update_fields=["status", "updated_at"])

        # Last: a declined or failed gateway call rolls every write above back.
        refund.reference = self._gateway.refund(payment.reference, amount, payment.currency)
        refund.save(update_fields=["reference"])
        self._notifier.order_refunded(order, amount=amount, refund_id=refund.pk)
        return Refund.objects.prefetch_related("lines").get(pk=refund.pk)

    @staticmethod
    def _line_amounts(order: Order, wanted: tuple[RefundLineRequest, ...]) -> list[tuple[OrderLine, int, Decimal]]:
        """(order line, quantity, amount) per requested line, in line id order, checked against what is left."""
        ids = [item.line for item in wanted]
        if len(set(ids)) != len(ids):
            raise InvalidInputError("Name each line once.", code="duplicate_line", attr="lines")
        lines = OrderLine.objects.filter(order=order).in_bulk(ids)
        refunded = dict(
            RefundLine.objects.filter(order_line__order=order)
            .values("order_line")
            .annotate(units=Sum("quantity"))
            .values_list("order_line", "units")
        )
        result, with_tax = [], tax_added(order)
        for item in sorted(wanted, key=lambda item: item.line):
            line = lines.get(item.line)
            if line is None:
                raise InvalidInputError(
                    f"Order {order.number} has no line {item.line}.", code="unknown_order_line", attr="lines"
                )
            already = refunded.get(line.pk, 0)
            if item.quantity > line.quantity - already:
                raise InvalidInputError(
                    f"Line {line.pk} ({line.sku}) has {line.quantity - already} unit(s) left to refund; "
                    f"{item.quantity} asked.",
                    code="exceeds_refundable",
                    attr="lines",
                )
            result.append((line, item.quantity, line_refund_amount(line, item.quantity, already, with_tax=with_tax)))
        return result

    @staticmethod
    def _shipping_amount(order: Order, wanted: bool) -> Decimal:
        if not wanted:
            return ZERO
        if Refund.objects.filter(order=order, shipping_refunded=True).exists():
            raise InvalidInputError(
                "Shipping of this order was refunded before.", code="shipping_already_refunded", attr="shipping"
            )
        return shipping_paid(order)

    @staticmethod
    def _refunded_total(order: Order) -> Decimal:
        return Refund.objects.filter(order=order).aggregate(total=Sum("amount"))["total"] or ZERO
