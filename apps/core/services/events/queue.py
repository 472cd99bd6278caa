"""The Celery tasks of the events domain, seen from the services: enqueue by id, nothing else.

The task module is imported on first use, not at import time: the tasks build services from the
container, which imports these services.
"""

from datetime import datetime


class EventTasks:
    """Enqueues the events domain's tasks (runs them inline when Celery is eager, see settings)."""

    def dispatch(self, event_id: str) -> None:
        """Fan one published event out to its consumers (webhook deliveries, e-mail).

        Raises:
            kombu.exceptions.OperationalError: the broker cannot be reached.
        """
        from apps.core.services.events import tasks

        tasks.dispatch_event.apply_async(args=[str(event_id)])

    def dispatch_many(self, event_ids: list[str]) -> None:
        """Fan several published events out in one message (`events.dispatch_many`; the lingering publisher's).

        Raises:
            kombu.exceptions.OperationalError: the broker cannot be reached.
        """
        from apps.core.services.events import tasks

        tasks.dispatch_events.apply_async(args=[[str(event_id) for event_id in event_ids]])

    def deliver(self, delivery_id: str, *, eta: datetime | None = None) -> None:
        """Try one webhook delivery now (or at `eta`)."""
        from apps.core.services.events import tasks

        tasks.deliver_webhook.apply_async(args=[str(delivery_id)], eta=eta)

    def send_email(self, event_id: str) -> None:
        """Send the e-mail an event calls for (a no-op for events that send none)."""
        from apps.core.services.events import tasks

        tasks.send_event_email.apply_async(args=[str(event_id)])

    def send_account_email(self, event_id: str) -> None:
        """Send the password reset or verification e-mail an internal account event asks for."""
        from apps.core.services.events import tasks

        tasks.send_account_email.apply_async(args=[str(event_id)])

    def fan_out_wishlist_emails(self, event_id: str) -> None:
        """Split a wishlist event's recipients into batches, one `send_wishlist_emails` task each."""
        from apps.core.services.events import tasks

        tasks.fan_out_wishlist_emails.apply_async(args=[str(event_id)])

    def send_wishlist_emails(self, event_id: str, user_ids: list[int]) -> None:
        """E-mail one batch of a wishlist event's recipients (user ids)."""
        from apps.core.services.events import tasks

        tasks.send_wishlist_emails.apply_async(args=[str(event_id), list(user_ids)])

    def deliver_due(self) -> None:
        """Enqueue a try of every webhook delivery whose retry is due (what beat does every few seconds)."""
        from apps.core.services.events import tasks

        tasks.deliver_due_webhooks.apply_async()

    @staticmethod
    def eager() -> bool:
        """True when tasks run inline in the caller (no broker configured)."""
        from config.celery import app

        return bool(app.conf.task_always_eager)
