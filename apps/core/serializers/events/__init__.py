"""The events domain's serializers: what other domains may use."""

from apps.core.serializers.events.webhooks import (
    WebhookDeliveryOutputSerializer,
    WebhookInputSerializer,
    WebhookListQuerySerializer,
    WebhookOutputSerializer,
)

__all__ = [
    "WebhookDeliveryOutputSerializer",
    "WebhookInputSerializer",
    "WebhookListQuerySerializer",
    "WebhookOutputSerializer",
]
