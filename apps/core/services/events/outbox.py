"""The transactional outbox: `EventService.record` inside a service's transaction, `OutboxRelay` after it.

Delivery is at-least-once. The on-commit relay only hands the event to the broker: it is on every
request path that records an event (checkout included), so it writes nothing. The row is marked
published by the first `EventDispatcher.dispatch` a worker runs for it (the broker delivered it),
or by the sweep, which publishes rows still unmarked after `min_age_s` (a lost publish, a broker
outage, or a worker backlog longer than that: such an event is published twice) and marks them in
the transaction that locked them. Consumers are idempotent by event id, so a second publish sends
nothing twice.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core.models.events import Event, EventType, InternalEventType
from apps.core.services.events.publisher import LingeringPublisher
from apps.core.services.events.queue import EventTasks

KNOWN_TYPES = frozenset(EventType.values) | frozenset(InternalEventType.values)
"""Every event type `record` accepts (`EventType.values` builds a new list on each access)."""

logger = logging.getLogger(__name__)


class OutboxRelay:
    """Publishes unpublished events to the broker.

    Args:
        tasks: enqueues `events.dispatch` per event.
        batch_size: rows locked and published per transaction by the sweep.
        min_age_s: the sweep leaves rows younger than this (seconds) to the on-commit publish and the
            dispatch that marks them (OUTBOX_SWEEP_MIN_AGE_S).
        publisher: hands the on-commit ids to the broker from a background thread, several per message
            (OUTBOX_PUBLISH_LINGER_MS > 0 and a broker); None publishes each on the committing thread.
    """

    def __init__(
        self,
        tasks: EventTasks,
        batch_size: int = 500,
        min_age_s: float = 30.0,
        publisher: LingeringPublisher | None = None,
    ) -> None:
        self._tasks = tasks
        self._batch_size = batch_size
        self._min_age_s = min_age_s
        self._publisher = publisher

    def publish(self, event_ids: Iterable) -> int:
        """Publish events the caller's transaction just committed (the on-commit relay).

        No SQL: each id goes to the broker, and the worker's `EventDispatcher.dispatch` marks the row
        published when it runs. The sweep leaves rows younger than `min_age_s` alone; were both to
        publish one (a publish, or a worker backlog, slower than `min_age_s`), consumers absorb the
        duplicate, as for any redelivery. A refused publish counts an attempt on the row and leaves
        the rest to the sweep.

        Embedded mode (Celery eager, no beat) also runs the webhook retries that have fallen due,
        so a newcomer's `make run` retries failed webhooks at its next event.

        With a `publisher` (and a broker), the ids go to its thread instead, which publishes them a
        moment later, several per message (apps/core/services/events/publisher.py).

        Returns:
            How many were handed to the broker (or to the publisher's thread).
        """
        if self._publisher is not None and not self._tasks.eager():
            return self._publisher.submit(event_ids)
        published = self._publish(list(event_ids), mark=False)
        if self._tasks.eager():
            self._tasks.deliver_due()
        return published

    def sweep(self, *, min_age_s: float | None = None) -> int:
        """Publish every unpublished event older than `min_age_s`, a batch per transaction.

        `SELECT ... FOR UPDATE SKIP LOCKED`: several sweeps (and on-commit publishes) never take
        the same row. Stops at the first batch the broker refuses.

        Returns:
            How many events were published.
        """
        age = self._min_age_s if min_age_s is None else min_age_s
        cutoff = timezone.now() - timedelta(seconds=age)
        total = 0
        while True:
            with transaction.atomic():
                rows = list(
                    Event.objects.select_for_update(skip_locked=True)
                    .filter(published_at__isnull=True, created_at__lte=cutoff)
                    .order_by("created_at")[: self._batch_size]
                )
                published = self._publish([row.pk for row in rows], mark=True)
            total += published
            if not rows or published < len(rows):
                return total

    def prune(self, *, older_than: timedelta) -> int:
        """Delete published events older than `older_than` that have no delivery still pending.

        Returns:
            How many events were deleted (their deliveries and receipts go with them).
        """
        cutoff = timezone.now() - older_than
        stale = Event.objects.filter(published_at__lt=cutoff).exclude(deliveries__status="pending")
        deleted, _ = Event.objects.filter(pk__in=stale.values("pk")).delete()
        return deleted

    def _publish(self, event_ids: list, *, mark: bool) -> int:
        published: list = []
        for event_id in event_ids:
            try:
                self._tasks.dispatch(str(event_id))
            except Exception:  # the broker is down or refuses: keep the rest for the sweep
                logger.warning("event not published; left in the outbox", extra={"event": str(event_id)}, exc_info=True)
                Event.objects.filter(pk=event_id).update(attempts=F("attempts") + 1)
                break
            published.append(event_id)
        if published and mark:
            Event.objects.filter(pk__in=published).update(published_at=timezone.now(), attempts=F("attempts") + 1)
        return len(published)


class EventService:
    """Records domain events in the outbox; the public API other domains call.

    Args:
        relay: publishes the recorded events once the caller's transaction commits.
    """

    def __init__(self, relay: OutboxRelay) -> None:
        self._relay = relay

    def record(self, type: str, payload: dict) -> Event:  # noqa: A002 - the contract's field name
        """Write an event row in the caller's transaction; it is published after commit.

        Call it inside the transaction that makes the change (a rolled-back change records nothing).

        Args:
            type: an `EventType` value, e.g. "order.placed", or an `InternalEventType` value (read by
                this shop's consumers only, never offered to webhooks).
            payload: JSON-able dict (Decimals and datetimes become strings), the `data` receivers get.

        Raises:
            ValueError: `type` is neither an EventType nor an InternalEventType.
        """
        if type not in KNOWN_TYPES:
            raise ValueError(f"Unknown event type {type!r}.")
        event = Event.objects.create(type=type, payload=payload)
        transaction.on_commit(lambda: self._relay.publish([event.pk]), robust=True)
        return event
