"""The payment-gateway interface and its built-in `sandbox` provider.

A real provider (Stripe, Adyen...) is one more `PaymentGateway` subclass registered in
GATEWAYS and chosen with the `PAYMENT_PROVIDER` setting. Gateways speak in Decimal amounts of
the given ISO 4217 currency; they never touch the database.
"""

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ImproperlyConfigured

from apps.core.exceptions import RefundDeclinedError
from apps.core.models.payments import PaymentStatus

SANDBOX_OUTCOMES = {
    "succeed": PaymentStatus.SUCCEEDED,
    "decline": PaymentStatus.FAILED,
    "pending": PaymentStatus.PENDING,
}
SANDBOX_REFUND_OUTCOMES = ("succeed", "decline")


@dataclass(frozen=True)
class ChargeRequest:
    """What to charge: `amount` (Decimal, currency units) in `currency`, by `method`.

    `idempotency_key` lets the provider drop a duplicate of the same charge.
    """

    amount: Decimal
    currency: str
    method: str
    description: str
    idempotency_key: str


@dataclass(frozen=True)
class ChargeResult:
    """The provider's answer: its `reference` for the charge and a PaymentStatus value.

    `pending` means the outcome arrives later through the webhook.
    """

    reference: str
    status: str
    failure_reason: str = ""


class PaymentGateway(ABC):
    """A payment provider. `name` is stored on each Payment (`provider`)."""

    name: ClassVar[str]

    @abstractmethod
    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Charge the customer.

        Raises:
            PaymentGatewayError: the provider could not be reached; nothing was charged.
        """

    @abstractmethod
    def refund(self, reference: str, amount: Decimal, currency: str) -> str:
        """Give back `amount` (Decimal, currency units) of the charge `reference`, settled at once.

        Returns:
            The provider's reference of the refund.

        Raises:
            PaymentGatewayError: the provider could not be reached; nothing was refunded.
            RefundDeclinedError: the provider refused the refund; nothing was refunded.
        """


class SandboxGateway(PaymentGateway):
    """Settles every charge and refund at once with a fixed outcome; for development and tests.

    Args:
        outcome: what charges get: "succeed" (default), "decline" or "pending" (left for a webhook to settle).
        refund_outcome: what refunds get: "succeed" (default) or "decline" (RefundDeclinedError).
    """

    name = "sandbox"

    def __init__(self, outcome: str = "succeed", refund_outcome: str = "succeed") -> None:
        if outcome not in SANDBOX_OUTCOMES:
            raise ImproperlyConfigured(f"PAYMENT_SANDBOX_OUTCOME must be one of {sorted(SANDBOX_OUTCOMES)}.")
        if refund_outcome not in SANDBOX_REFUND_OUTCOMES:
            raise ImproperlyConfigured(f"PAYMENT_SANDBOX_REFUND_OUTCOME must be one of {SANDBOX_REFUND_OUTCOMES}.")
        self._status = SANDBOX_OUTCOMES[outcome]
        self._refund_declined = refund_outcome == "decline"

    def charge(self, request: ChargeRequest) -> ChargeResult:
        reason = "Declined by the sandbox." if self._status == PaymentStatus.FAILED else ""
        return ChargeResult(reference=f"sbx_{uuid.uuid4().hex}", status=self._status, failure_reason=reason)

    def refund(self, reference: str, amount: Decimal, currency: str) -> str:
        if self._refund_declined:
            raise RefundDeclinedError(f"The sandbox declined the refund of {amount} {currency} on {reference}.")
        return f"sbx_re_{uuid.uuid4().hex}"


GATEWAYS: dict[str, type[PaymentGateway]] = {"sandbox": SandboxGateway}


def gateway_named(name: str, *, sandbox_outcome: str, sandbox_refund_outcome: str = "succeed") -> PaymentGateway:
    """The gateway called `name` (the container passes PAYMENT_PROVIDER and PAYMENT_SANDBOX_[REFUND_]OUTCOME).

    Args:
        name: a key of GATEWAYS, e.g. "sandbox".
        sandbox_outcome: what the sandbox gateway answers charges ("succeed", "decline", "pending").
        sandbox_refund_outcome: what it answers refunds ("succeed", "decline").

    Raises:
        ImproperlyConfigured: an unknown provider name or sandbox outcome.
    """
    if name == SandboxGateway.name:
        return SandboxGateway(outcome=sandbox_outcome, refund_outcome=sandbox_refund_outcome)
    if name in GATEWAYS:
        return GATEWAYS[name]()
    raise ImproperlyConfigured(f"Unknown PAYMENT_PROVIDER {name!r}; known: {sorted(GATEWAYS)}.")
