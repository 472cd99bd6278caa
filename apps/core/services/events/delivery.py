"""Sends webhook deliveries: Standard Webhooks signatures, SSRF check per try, backoff with jitter.

Each try runs in one transaction that locks the delivery row (`SKIP LOCKED`: a duplicate task for
a delivery in flight does nothing). A worker killed mid-request loses its connection, PostgreSQL
rolls back and unlocks, and the redelivered task (`acks_late`) tries again with the same
`webhook-id` (the event id), which the receiver may use to drop the duplicate.
"""

import json
import logging
import random
import ssl
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from urllib.parse import urlsplit

import certifi
import httpx
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from apps.core.exceptions import InvalidInputError
from apps.core.models.events import DeliveryStatus, WebhookAttempt, WebhookDelivery
from apps.core.services.events.url_guard import UrlGuard

logger = logging.getLogger(__name__)

BODY_KEEP_BYTES = 1024
USER_AGENT = "NexusCommerce-Webhooks/1.0"


@dataclass(frozen=True)
class AttemptResult:
    """What one try got: the HTTP status (None without an answer), the body's first 1 KB, an error text."""

    status: int | None
    body: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process (building one costs ~100 ms: it loads the CA bundle)."""
    return ssl.create_default_context(cafile=certifi.where())


def backoff_s(attempts: int, schedule_s: list[float], jitter: float) -> float | None:
    """Seconds to wait after the `attempts`-th failed try (1-based), or None when tries are used up.

    The delay is `schedule_s[attempts - 1]` times a random factor in [1 - jitter, 1 + jitter].
    """
    if attempts > len(schedule_s):
        return None
    return schedule_s[attempts - 1] * random.uniform(1 - jitter, 1 + jitter)  # noqa: S311 - not crypto


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The JSON body of a delivery: `{"type", "timestamp", "data"}` (Standard Webhooks' shape)."""
    event = delivery.event
    message = {"type": event.type, "timestamp": event.created_at, "data": event.payload}
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


class WebhookSender:
    """Tries due webhook deliveries and schedules the next try.

    Args:
        url_guard: re-checks the URL before each try.
        schedule_s: delays between tries (seconds); after the last, the delivery is `failed`.
        jitter: relative spread of each delay (0.2 = +-20%).
        timeout_s: connect + read timeout of one try.
    """

    def __init__(self, url_guard: UrlGuard, schedule_s: list[float], jitter: float = 0.2, timeout_s: float = 10.0):
        self._guard = url_guard
        self._schedule_s = list(schedule_s)
        self._jitter = jitter
        self._timeout_s = timeout_s

    def deliver(self, delivery_id: str) -> str | None:
        """Try a pending, due delivery once and record the attempt.

        Returns:
            The delivery's status after the try, or None when there was nothing to do (unknown,
            finished, not yet due, or being tried by another worker).
        """
        now = timezone.now()
        with transaction.atomic():
            delivery = (
                WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("event", "subscription")
                .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
                .first()
            )
            if delivery is None or (delivery.next_attempt_at is not None and delivery.next_attempt_at > now):
                return None
            result = self._send(delivery)
            WebhookAttempt.objects.create(
                delivery=delivery, response_status=result.status, response_body=result.body, error=result.error[:255]
            )
            delivery.attempts += 1
            delivery.response_status = result.status
            delay = None if result.ok else backoff_s(delivery.attempts, self._schedule_s, self._jitter)
            if result.ok:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
            elif delay is None:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            else:
                delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            delivery.save(update_fields=["attempts", "response_status", "status", "next_attempt_at", "updated_at"])
        logger.info(
            "webhook attempt",
            extra={"delivery": str(delivery.pk), "status": result.status, "outcome": delivery.status},
        )
        return delivery.status

    def due_ids(self, *, limit: int = 500) -> list[str]:
        """Ids of pending deliveries whose next try is due, oldest first."""
        rows = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        return [str(pk) for pk in rows.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]]

    def _send(self, delivery: WebhookDelivery) -> AttemptResult:
        subscription = delivery.subscription
        if not subscription.is_active:
            return AttemptResult(status=None, error="subscription inactive")
        try:
            target = self._guard.check(subscription.url)
        except InvalidInputError as exc:
            return AttemptResult(status=None, error=f"refused: {exc.detail}")
        body = delivery_body(delivery)
        msg_id, sent_at = str(delivery.event_id), timezone.now()
        headers = {
            "Host": urlsplit(subscription.url).netloc,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": Webhook(subscription.secret).sign(msg_id, sent_at, body),
        }
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            with (
                httpx.Client(
                    timeout=self._timeout_s, follow_redirects=False, trust_env=False, verify=tls_context()
                ) as client,
                client.stream("POST", target.pinned_url, content=body, headers=headers, extensions=extensions) as reply,
            ):
                head = b""
                for chunk in reply.iter_bytes():
                    head += chunk
                    if len(head) >= BODY_KEEP_BYTES:
                        break
                return AttemptResult(status=reply.status_code, body=head[:BODY_KEEP_BYTES].decode(errors="replace"))
        except httpx.HTTPError as exc:
            return AttemptResult(status=None, error=f"{type(exc).__name__}: {exc}"[:255])
