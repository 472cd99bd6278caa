"""The payments domain's models: what other domains may use."""

from apps.core.models.payments.payments import Payment, PaymentStatus, WebhookEvent
from apps.core.models.payments.refunds import Refund, RefundLine, RefundStatus

__all__ = ["Payment", "PaymentStatus", "Refund", "RefundLine", "RefundStatus", "WebhookEvent"]
