"""Payments: charging a pending order through the configured gateway, and provider webhooks.

Webhooks are authenticated by `X-Nexus-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
request body under PAYMENT_WEBHOOK_SECRET, compared in constant time. Each event id is
recorded in the same transaction that applies it (unique `WebhookEvent.event_id`), so a
redelivered event, even a concurrent one, is applied once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.exceptions import ConflictError, InvalidInputError, InvalidSignatureError, NotFoundError
from apps.core.infra.db.prepared import prepared_statements
from apps.core.infra.json_depth import loads_bounded
from apps.core.infra.pagination import Page, paginate
from apps.core.models.accounts import User
from apps.core.models.payments import Payment, PaymentStatus, WebhookEvent
from apps.core.models.shopping import Order, OrderStatus
from apps.core.services.accounts import has_staff_permission
from apps.core.services.idempotency import IdempotencyService, IdempotentRequest
from apps.core.services.payments.gateways import ChargeRequest, PaymentGateway

if TYPE_CHECKING:  # shopping depends on payments (the gateway); this is the type of an injected collaborator
    from apps.core.services.shopping import OrderStateMachine

logger = logging.getLogger(__name__)

PAYMENT_METHODS = ("card", "bank_transfer", "wallet")
WEBHOOK_EVENT_TYPES = ("payment.succeeded", "payment.failed")
SIGNATURE_PREFIX = "sha256="


@dataclass(frozen=True)
class WebhookResult:
    """What a webhook delivery did: `applied` is False for an event id seen before."""

    event_id: str
    applied: bool


def sign(secret: str, body: bytes) -> str:
    """The signature header value for a body: `sha256=<hex HMAC-SHA256(secret, body)>`."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class PaymentService:
    """Charges orders and applies provider callbacks.

    Args:
        gateway: the provider chosen by PAYMENT_PROVIDER.
        state_machine: moves a settled order to `paid`.
        webhook_secret: PAYMENT_WEBHOOK_SECRET; empty rejects every webhook.
        idempotency: replays a payment retried with the same `Idempotency-Key`.
    """

    def __init__(
        self,
        gateway: PaymentGateway,
        state_machine: OrderStateMachine,
        webhook_secret: str,
        idempotency: IdempotencyService,
    ) -> None:
        self._gateway = gateway
        self._state_machine = state_machine
        self._webhook_secret = webhook_secret
        self._idempotency = idempotency

    def list_page(self, viewer: User, order_id: int, *, page: int, page_size: int) -> Page[Payment]:
        """Payments of one order, newest first: the viewer's own order, or any order for an admin.

        Raises:
            NotFoundError: no such order, another user's, or the page is past the last one.
        """
        orders = (
            Order.objects.all()
            if has_staff_permission(viewer, "core.view_order")
            else Order.objects.filter(user=viewer)
        )
        if not orders.filter(pk=order_id).exists():
            raise NotFoundError(f"Order {order_id} does not exist.")
        qs = Payment.objects.filter(order_id=order_id).order_by("-created_at", "-id")
        return paginate(qs, page=page, page_size=page_size)

    @prepared_statements()  # key lookups: prepared on the server (infra/db/prepared.py)
    @transaction.atomic
    def pay(
        self, user: User, order_id: int, *, method: str, idempotency: IdempotentRequest | None = None
    ) -> tuple[Payment, bool]:
        """Charge the full total of the user's own pending order; a successful charge makes it `paid`.

        The amount and currency always come from the order, never from the client. A declined
        charge is recorded as a `failed` payment and the order stays `pending` (the client may
        try again); a `pending` charge is settled later by the webhook.

        Args:
            idempotency: the request's `Idempotency-Key` and fingerprint; a retry of the same request
                returns the payment the first one made and charges nothing (IdempotencyService).

        Returns:
            (payment, created): created is False when the key replayed an earlier payment.

        Raises:
            NotFoundError: no such order, or another user's.
            ConflictError: the order is not pending (`order_not_payable`; an expired order too), its
                payment deadline `expires_at` has passed (`order_expired`), a charge for it is
                still pending at the provider (`payment_in_progress`), or a concurrent request
                holds the key (`idempotency_key_in_use`).
            IdempotencyKeyMismatchError: the key was used before for a different request.
            PaymentGatewayError: the provider could not be reached; nothing was recorded.
        """
        return self._idempotency.run(
            user,
            idempotency,
            resource_type="payment",
            perform=lambda: self._charge(user, order_id, method),
            load=lambda payment_id: Payment.objects.get(pk=payment_id),
        )

    def _charge(self, user: User, order_id: int, method: str) -> Payment:
        order = Order.objects.select_for_update().filter(pk=order_id, user=user).first()
        if order is None:
            raise NotFoundError(f"Order {order_id} does not exist.")
        if order.status != OrderStatus.PENDING:
            raise ConflictError(
                f"Order {order.number} is {order.status}; only pending orders are paid.", code="order_not_payable"
            )
        if order.expires_at is not None and order.expires_at <= timezone.now():  # the expiry job is on its way
            raise ConflictError(f"Order {order.number} expired unpaid; place a new order.", code="order_expired")
        if order.payments.filter(status=PaymentStatus.PENDING).exists():
            raise ConflictError("A payment for this order is still being processed.", code="payment_in_progress")
        attempt = order.payments.count() + 1
        result = self._gateway.charge(
            ChargeRequest(
                amount=order.total,
                currency=order.currency,
                method=method,
                description=f"Order {order.number}",
                idempotency_key=f"{order.number}-{attempt}",
            )
        )
        payment = Payment.objects.create(
            order=order,
            amount=order.total,
            currency=order.currency,
            method=method,
            provider=self._gateway.name,
            status=result.status,
            reference=result.reference,
            failure_reason=result.failure_reason[:255],
        )
        if payment.status == PaymentStatus.SUCCEEDED:
            self._state_machine.transition(order.pk, OrderStatus.PAID)
        return payment

    def handle_webhook(self, body: bytes, signature: str | None) -> WebhookResult:
        """Verify and apply one provider event.

        Args:
            body: the raw request body, exactly as received (the signature covers these bytes).
            signature: the `X-Nexus-Signature` header, `sha256=<hex>`, or None when absent.

        The body is `{"id": str, "type": "payment.succeeded"|"payment.failed",
        "data": {"reference": str, "reason"?: str}}`.

        Raises:
            InvalidSignatureError: missing, malformed or wrong signature (nothing is read or changed).
            InvalidInputError: the body is not such an event, or names an unknown payment.
        """
        self._verify(body, signature)
        event_id, event_type, reference, reason = self._parse(body)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    WebhookEvent.objects.create(event_id=event_id, event_type=event_type, payload=json.loads(body))
            except IntegrityError:
                logger.info("webhook event already applied", extra={"event_id": event_id})
                return WebhookResult(event_id=event_id, applied=False)
            payment = Payment.objects.select_for_update().filter(reference=reference).first()
            if payment is None:
                raise InvalidInputError(
                    f"No payment has reference {reference!r}.", code="unknown_payment", attr="data.reference"
                )
            if event_type == "payment.succeeded":
                self._settle(payment)
            else:
                self._fail(payment, reason)
        return WebhookResult(event_id=event_id, applied=True)

    # --- helpers -------------------------------------------------------------------------
    def _verify(self, body: bytes, signature: str | None) -> None:
        if not self._webhook_secret:
            raise InvalidSignatureError("Webhooks are not configured (PAYMENT_WEBHOOK_SECRET is empty).")
        if not signature or not signature.startswith(SIGNATURE_PREFIX):
            raise InvalidSignatureError("Missing or malformed signature header.")
        if not hmac.compare_digest(sign(self._webhook_secret, body).encode(), signature.strip().encode()):
            raise InvalidSignatureError("The signature does not match the body.")

    @staticmethod
    def _parse(body: bytes) -> tuple[str, str, str, str]:
        try:
            event = loads_bounded(body)
        except ValueError:  # not JSON, not UTF-8, or nested too deep
            raise InvalidInputError("The body is not JSON.", code="parse_error") from None
        data = event.get("data") if isinstance(event, dict) else None
        event_id = event.get("id") if isinstance(event, dict) else None
        event_type = event.get("type") if isinstance(event, dict) else None
        if not isinstance(event_id, str) or not 0 < len(event_id) <= 128:
            raise InvalidInputError("`id` must be a string of 1-128 characters.", code="invalid", attr="id")
        if event_type not in WEBHOOK_EVENT_TYPES:
            raise InvalidInputError(
                f"`type` must be one of {', '.join(WEBHOOK_EVENT_TYPES)}.", code="invalid", attr="type"
            )
        reference = data.get("reference") if isinstance(data, dict) else None
        if not isinstance(reference, str) or not reference:
            raise InvalidInputError(
                "`data.reference` must be a payment reference.", code="invalid", attr="data.reference"
            )
        reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
        return event_id, event_type, reference, reason

    def _settle(self, payment: Payment) -> None:
        if payment.status != PaymentStatus.PENDING:
            return  # already settled one way or the other
        payment.status = PaymentStatus.SUCCEEDED
        payment.save(update_fields=["status", "updated_at"])
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        if order.status == OrderStatus.PENDING:
            self._state_machine.transition(order.pk, OrderStatus.PAID)
        else:  # the order was cancelled while the charge was pending: give the money back
            self._gateway.refund(payment.reference, payment.amount, payment.currency)
            payment.status = PaymentStatus.REFUNDED
            payment.save(update_fields=["status", "updated_at"])

    @staticmethod
    def _fail(payment: Payment, reason: str) -> None:
        if payment.status != PaymentStatus.PENDING:
            return
        payment.status = PaymentStatus.FAILED
        payment.failure_reason = (reason or "Declined by the provider.")[:255]
        payment.save(update_fields=["status", "failure_reason", "updated_at"])
