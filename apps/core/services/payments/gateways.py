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

from apps.core.models.payments import PaymentStatus

SANDBOX_OUTCOMES = {
    "succeed": PaymentStatus.SUCCEEDED,
    "decline": PaymentStatus.FAILED,
    "pending": PaymentStatus.PENDING,
}


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
    def refund(self, reference: str, amount: Decimal, currency: str) -> None:
        """Give back `amount` of the charge `reference`.

        Raises:
            PaymentGatewayError: the provider could not be reached; nothing was refunded.
        """


class SandboxGateway(PaymentGateway):
    """Settles every charge at once with a fixed outcome; for development and tests.

    Args:
        outcome: "succeed" (default), "decline" or "pending" (left for a webhook to settle).
    """

    name = "sandbox"

    def __init__(self, outcome: str = "succeed") -> None:
        if outcome not in SANDBOX_OUTCOMES:
            raise ImproperlyConfigured(f"PAYMENT_SANDBOX_OUTCOME must be one of {sorted(SANDBOX_OUTCOMES)}.")
        self._status = SANDBOX_OUTCOMES[outcome]

    def charge(self, request: ChargeRequest) -> ChargeResult:
        reason = "Declined by the sandbox." if self._status == PaymentStatus.FAILED else ""
        return ChargeResult(reference=f"sbx_{uuid.uuid4().hex}", status=self._status, failure_reason=reason)

    def refund(self, reference: str, amount: Decimal, currency: str) -> None:
        return None


GATEWAYS: dict[str, type[PaymentGateway]] = {"sandbox": SandboxGateway}


def gateway_named(name: str, *, sandbox_outcome: str) -> PaymentGateway:
    """The gateway called `name` (the container passes PAYMENT_PROVIDER and PAYMENT_SANDBOX_OUTCOME).

    Args:
        name: a key of GATEWAYS, e.g. "sandbox".
        sandbox_outcome: what the sandbox gateway answers ("succeed", "decline", "pending").

    Raises:
        ImproperlyConfigured: an unknown provider name.
    """
    if name == SandboxGateway.name:
        return SandboxGateway(outcome=sandbox_outcome)
    if name in GATEWAYS:
        return GATEWAYS[name]()
    raise ImproperlyConfigured(f"Unknown PAYMENT_PROVIDER {name!r}; known: {sorted(GATEWAYS)}.")
