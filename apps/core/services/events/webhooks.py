"""Webhook subscriptions (superuser CRUD), their delivery history and manual redelivery."""

import base64
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.exceptions import NotFoundError
from apps.core.infra.pagination import Page, paginate
from apps.core.models.events import DeliveryStatus, WebhookDelivery, WebhookSubscription
from apps.core.services.events.queue import EventTasks
from apps.core.services.events.url_guard import UrlGuard

SECRET_BYTES = 24


def new_secret() -> str:
    """A fresh signing secret in Standard Webhooks' form: `whsec_` + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


@dataclass(frozen=True)
class WebhookInput:
    """Validated subscription fields; None means "not given" (PATCH)."""

    url: str | None = None
    events: list[str] | None = None
    is_active: bool | None = None

    @classmethod
    def from_mapping(cls, data: Mapping) -> "WebhookInput":
        """Build from a serializer's validated_data (unknown keys are ignored)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


class WebhookService:
    """Manages subscriptions and their deliveries.

    Args:
        url_guard: vets URLs on create and update.
        tasks: enqueues a redelivery.
    """

    def __init__(self, url_guard: UrlGuard, tasks: EventTasks) -> None:
        self._guard = url_guard
        self._tasks = tasks

    def list_page(self, *, page: int, page_size: int) -> Page[WebhookSubscription]:
        """Subscriptions by id (1-based pages).

        Raises:
            NotFoundError: the page is past the last one.
        """
        return paginate(WebhookSubscription.objects.order_by("pk"), page=page, page_size=page_size)

    def get(self, subscription_id: int) -> WebhookSubscription:
        """One subscription.

        Raises:
            NotFoundError: no such subscription.
        """
        subscription = WebhookSubscription.objects.filter(pk=subscription_id).first()
        if subscription is None:
            raise NotFoundError(f"Webhook {subscription_id} does not exist.")
        return subscription

    @transaction.atomic
    def create(self, data: WebhookInput) -> WebhookSubscription:
        """Create a subscription with a new secret (returned on this object only).

        Raises:
            InvalidInputError: code "unsafe_url": the URL resolves to an internal address (or not at all).
        """
        self._guard.check(data.url)
        return WebhookSubscription.objects.create(
            url=data.url,
            events=list(data.events or []),
            is_active=True if data.is_active is None else data.is_active,
            secret=new_secret(),
        )

    @transaction.atomic
    def update(self, subscription_id: int, data: WebhookInput) -> WebhookSubscription:
        """Change the given fields.

        Raises:
            NotFoundError: no such subscription.
            InvalidInputError: code "unsafe_url", as for create.
        """
        subscription = self.get(subscription_id)
        if data.url is not None:
            self._guard.check(data.url)
        for name in ("url", "events", "is_active"):
            value = getattr(data, name)
            if value is not None:
                setattr(subscription, name, list(value) if name == "events" else value)
        subscription.save()
        return subscription

    @transaction.atomic
    def delete(self, subscription_id: int) -> None:
        """Delete a subscription and its delivery history.

        Raises:
            NotFoundError: no such subscription.
        """
        self.get(subscription_id).delete()

    def deliveries_page(self, subscription_id: int, *, page: int, page_size: int) -> Page[WebhookDelivery]:
        """A subscription's deliveries, newest first, each with its attempt rows.

        Raises:
            NotFoundError: no such subscription, or the page is past the last one.
        """
        self.get(subscription_id)
        return paginate(self._deliveries(subscription_id), page=page, page_size=page_size)

    @transaction.atomic
    def redeliver(self, subscription_id: int, delivery_id: str) -> WebhookDelivery:
        """Queue one more try of a delivery now, whatever its status (same `webhook-id`).

        Returns:
            The delivery, back to `pending` (the try happens in the background).

        Raises:
            NotFoundError: no such delivery for that subscription.
        """
        delivery = self._deliveries(subscription_id).select_for_update(of=("self",)).filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFoundError(f"Delivery {delivery_id} does not exist.", attr="delivery_id")
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
        transaction.on_commit(lambda: self._tasks.deliver(str(delivery.pk)), robust=True)
        return delivery

    @staticmethod
    def _deliveries(subscription_id: int) -> QuerySet[WebhookDelivery]:
        return (
            WebhookDelivery.objects.filter(subscription_id=subscription_id)
            .select_related("event")
            .prefetch_related("attempt_rows")
            .order_by("-created_at", "-pk")
        )
