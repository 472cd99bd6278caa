"""The on-commit relay's hand-off to the broker from a background thread, several events per message.

Publishing one Celery message per event on the request's thread cost a checkout ~1.3 ms of CPU
(Celery's message building, kombu's producer, the broker round trip; measured with
`benchmarks/checkout_contention.py --compare`), a tenth of the order's. A `LingeringPublisher`
takes the ids a commit made (`submit`, no I/O), waits `linger_s` for more, and publishes them as
one `events.dispatch_many` message: under load many orders share one publish. The wait is the
producer "linger" of Kafka clients (`linger.ms`), for the same reason.

Nothing is lost that the outbox does not recover: the ids are in committed rows before they are
submitted. A process that dies with ids still waiting, or a publish the broker refuses (the
attempt is counted on the rows), leaves the rows unmarked, and the sweep publishes them after
`OUTBOX_SWEEP_MIN_AGE_S` (apps/core/services/events/outbox.py). A process that exits normally
publishes what waits first (`atexit`). The request no longer waits for the broker either: a slow
or unreachable broker slows the thread, not the checkout.
"""

import atexit
import logging
import os
import threading
from collections import deque
from collections.abc import Iterable

from django.db import connection
from django.db.models import F

from apps.core.models.events import Event
from apps.core.services.events.queue import EventTasks

logger = logging.getLogger(__name__)


class LingeringPublisher:
    """Publishes submitted event ids from one daemon thread per process, up to `max_batch` per message.

    Args:
        tasks: enqueues `events.dispatch_many` (the worker dispatches each id as `events.dispatch` would).
        linger_s: seconds the thread waits after the first id of a batch for more to join it
            (OUTBOX_PUBLISH_LINGER_MS / 1000); the extra delay an event's e-mails and webhooks see.
        max_batch: ids per message at most.
    """

    def __init__(self, tasks: EventTasks, *, linger_s: float, max_batch: int = 200) -> None:
        self._tasks = tasks
        self._linger_s = linger_s
        self._max_batch = max_batch
        self._pid: int | None = None
        self._start_lock = threading.Lock()

    def submit(self, event_ids: Iterable) -> int:
        """Queue committed event ids for the thread (started on first use in this process); never blocks on I/O.

        Returns:
            How many ids were queued.
        """
        ids = [str(event_id) for event_id in event_ids]
        if not ids:
            return 0
        self._ensure_thread()
        with self._changed:
            self._pending.extend(ids)
            self._changed.notify_all()
        return len(ids)

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until every id submitted so far was published or refused.

        Returns:
            True when nothing is left waiting or in flight; False after `timeout_s` seconds.
        """
        if self._pid != os.getpid():
            return True  # nothing was submitted in this process
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._in_flight, timeout=timeout_s)

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._pending: deque[str] = deque()
            self._in_flight = False
            self._changed = threading.Condition()  # ids submitted, or a batch published
            thread = threading.Thread(target=self._run, name="outbox-publisher", daemon=True)
            thread.start()
            atexit.register(self.flush)
            self._pid = os.getpid()

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._pending))
                self._in_flight = True  # flush() waits for the linger and the publish too
                # The linger: more ids join the batch, unless a full batch already waits.
                self._changed.wait_for(lambda: len(self._pending) >= self._max_batch, timeout=self._linger_s)
                batch = [self._pending.popleft() for _ in range(min(self._max_batch, len(self._pending)))]
            try:
                self._publish(batch)
            finally:
                with self._changed:
                    self._in_flight = False
                    self._changed.notify_all()

    def _publish(self, batch: list[str]) -> None:
        try:
            self._tasks.dispatch_many(batch)
        except Exception:  # the broker is down or refuses: the rows stay unmarked for the sweep
            logger.warning("events not published; left in the outbox", extra={"events": batch}, exc_info=True)
            try:
                Event.objects.filter(pk__in=batch).update(attempts=F("attempts") + 1)
            except Exception:
                logger.warning("could not count the publish attempt", exc_info=True)
            finally:
                connection.close()  # this thread's own connection: not kept between rare failures
