"""Celery tasks of the events domain (names `events.*`): thin entry points into the services.

Each task builds its service from the app's container. Every task is safe to run twice: the
sweep's row locks, unique delivery rows, the deliveries' `SKIP LOCKED` and the e-mail receipts
make duplicates no-ops (`acks_late` redelivers the task of a worker that died).
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def _container():
    return apps.get_app_config("core").container


@shared_task(name="events.dispatch")
def dispatch_event(event_id: str) -> int:
    """Fan an event out: webhook deliveries and its e-mail. Returns the deliveries enqueued."""
    return _container().event_dispatcher().dispatch(event_id)


@shared_task(name="events.dispatch_many")
def dispatch_events(event_ids: list[str]) -> int:
    """Fan several events out, each as `events.dispatch` would (the lingering publisher's message); one that
    fails is logged and the others go on, as separate `events.dispatch` messages would. Returns the deliveries
    enqueued."""
    dispatcher = _container().event_dispatcher()
    enqueued = 0
    for event_id in event_ids:
        try:
            enqueued += dispatcher.dispatch(event_id)
        except Exception:
            logger.exception("event dispatch failed", extra={"event": event_id})
    return enqueued


@shared_task(name="events.deliver_webhook")
def deliver_webhook(delivery_id: str) -> str | None:
    """One try of a webhook delivery; returns its status after it (None: nothing to do)."""
    return _container().webhook_sender().deliver(delivery_id)


@shared_task(
    name="events.send_email",
    autoretry_for=(OSError,),  # smtplib.SMTPException and connection errors
    retry_backoff=True,
    retry_backoff_max=settings.EMAIL_RETRY_BACKOFF_MAX_S,
    retry_jitter=True,
    max_retries=settings.EMAIL_RETRY_MAX,
)
def send_event_email(event_id: str) -> bool:
    """Send an event's e-mail once; retried with exponential backoff while the mail server fails."""
    return _container().email_consumer().handle(event_id)


EMAIL_RETRIES = {
    "autoretry_for": (OSError,),  # smtplib.SMTPException and connection errors
    "retry_backoff": True,
    "retry_backoff_max": settings.EMAIL_RETRY_BACKOFF_MAX_S,
    "retry_jitter": True,
    "max_retries": settings.EMAIL_RETRY_MAX,
}


@shared_task(name="events.send_account_email", **EMAIL_RETRIES)
def send_account_email(event_id: str) -> bool:
    """Send the password reset / verification e-mail of an internal account event once (token made now)."""
    return _container().account_email_consumer().handle(event_id)


@shared_task(name="events.fan_out_wishlist_emails", **{**EMAIL_RETRIES, "autoretry_for": (OSError, OperationalError)})
def fan_out_wishlist_emails(event_id: str) -> int:
    """Enqueue one `events.send_wishlist_emails` task per batch of recipients. Returns the batches.

    Safe to run twice: a batch enqueued again only finds receipts.
    """
    container = _container()
    tasks = container.event_tasks()
    count = 0
    for user_ids in container.wishlist_email_consumer().batches(event_id):
        tasks.send_wishlist_emails(event_id, user_ids)
        count += 1
    return count


@shared_task(name="events.send_wishlist_emails", **EMAIL_RETRIES)
def send_wishlist_emails(event_id: str, user_ids: list[int]) -> int:
    """E-mail one batch of a wishlist event's recipients, each once. Returns how many were sent now."""
    return _container().wishlist_email_consumer().send_batch(event_id, user_ids)


@shared_task(name="events.sweep_outbox")
def sweep_outbox(min_age_s: float | None = None) -> int:
    """Publish what the on-commit relay left in the outbox (crash, broker outage). Returns the count."""
    return _container().outbox_relay().sweep(min_age_s=min_age_s)


@shared_task(name="events.deliver_due_webhooks")
def deliver_due_webhooks() -> int:
    """Enqueue a try of every pending delivery that is due. Returns how many were enqueued."""
    container = _container()
    due = container.webhook_sender().due_ids()
    tasks = container.event_tasks()
    for delivery_id in due:
        tasks.deliver(delivery_id)
    return len(due)


@shared_task(name="events.prune_events")
def prune_events() -> int:
    """Delete published events older than EVENTS_RETENTION_DAYS with no pending delivery."""
    return _container().outbox_relay().prune(older_than=timedelta(days=settings.EVENTS_RETENTION_DAYS))


@shared_task(name="events.run_hook")
def run_hook(name: str) -> bool:
    """Run the scheduled job SCHEDULED_HOOKS[name] (a dotted path); a no-op until that code exists.

    Returns:
        True when the job ran.
    """
    path = settings.SCHEDULED_HOOKS[name]["path"]
    try:
        job = import_string(path)
    except ImportError:
        logger.debug("scheduled hook not installed yet", extra={"hook": name, "path": path})
        return False
    job()
    return True
