"""The payments domain's models: what other domains may use."""

from apps.core.models.payments.payments import Payment, PaymentStatus, WebhookEvent

__all__ = ["Payment", "PaymentStatus", "WebhookEvent"]
