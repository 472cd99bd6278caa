"""The events domain's services: what other domains may use.

Other domains call `EventService.record(type, payload)` inside their transaction (built by the
container as `event_service`); everything else here serves the workers and the webhook API.
"""

from apps.core.services.events.delivery import WebhookSender
from apps.core.services.events.dispatch import EventDispatcher
from apps.core.services.events.emails import EmailConsumer
from apps.core.services.events.outbox import EventService, OutboxRelay
from apps.core.services.events.publisher import LingeringPublisher
from apps.core.services.events.queue import EventTasks
from apps.core.services.events.url_guard import UrlGuard
from apps.core.services.events.webhooks import WebhookInput, WebhookService
from apps.core.services.events.wishlist_emails import WishlistEmailConsumer

__all__ = [
    "EmailConsumer",
    "EventDispatcher",
    "EventService",
    "EventTasks",
    "LingeringPublisher",
    "OutboxRelay",
    "UrlGuard",
    "WebhookInput",
    "WebhookSender",
    "WebhookService",
    "WishlistEmailConsumer",
]
