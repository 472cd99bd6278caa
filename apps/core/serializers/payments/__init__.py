"""The payments domain's serializers: what other domains may use."""

from apps.core.serializers.payments.payments import (
    PaymentInputSerializer,
    PaymentOutputSerializer,
    WebhookEventSerializer,
    WebhookResultSerializer,
)

__all__ = ["PaymentInputSerializer", "PaymentOutputSerializer", "WebhookEventSerializer", "WebhookResultSerializer"]
