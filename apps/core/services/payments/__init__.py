"""The payments domain's services: what other domains may use."""

from apps.core.services.payments.gateways import PaymentGateway, SandboxGateway, gateway_named
from apps.core.services.payments.payments import PAYMENT_METHODS, WEBHOOK_EVENT_TYPES, PaymentService

__all__ = [
    "PAYMENT_METHODS",
    "PaymentGateway",
    "PaymentService",
    "SandboxGateway",
    "WEBHOOK_EVENT_TYPES",
    "gateway_named",
]
