"""Scheduled jobs that beat runs through `events.run_hook` (settings.SCHEDULED_HOOKS names them by path).

`expire_orders` runs every minute (hook `expire-unpaid-orders`), `prune_idempotency_keys` every hour.
"""

from datetime import timedelta

from dependency_injector.wiring import Provide, inject
from django.conf import settings

from apps.core.services.idempotency import IdempotencyService
from apps.core.services.shopping import OrderExpiryService


@inject
def expire_orders(service: OrderExpiryService = Provide["order_expiry_service"]) -> int:
    """Expire the pending orders whose payment deadline (`expires_at`) has passed (OrderExpiryService).

    Returns:
        How many orders were expired.
    """
    return len(service.expire_due())


@inject
def prune_idempotency_keys(service: IdempotencyService = Provide["idempotency_service"]) -> int:
    """Delete idempotency keys older than IDEMPOTENCY_KEY_TTL_H hours (default 24, as Stripe keeps them).

    Returns:
        How many keys were deleted.
    """
    return service.prune(timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_H))
