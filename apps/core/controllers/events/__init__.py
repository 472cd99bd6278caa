"""The events domain's controllers: the webhook API (`apps/core/urls.py` routes them)."""

from apps.core.controllers.events.webhooks import (
    WebhookCollectionController,
    WebhookDeliveryCollectionController,
    WebhookItemController,
    WebhookRedeliverController,
)

__all__ = [
    "WebhookCollectionController",
    "WebhookDeliveryCollectionController",
    "WebhookItemController",
    "WebhookRedeliverController",
]
