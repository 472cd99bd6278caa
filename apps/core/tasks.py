"""Scheduled jobs that beat runs through `events.run_hook` (settings.SCHEDULED_HOOKS names them by path).

`expire_orders` is not here yet: unpaid-order expiry comes with the checkout issue, and until then
its hook is a logged no-op.
"""

from datetime import timedelta

from dependency_injector.wiring import Provide, inject
from django.conf import settings

from apps.core.services.idempotency import IdempotencyService


@inject
def prune_idempotency_keys(service: IdempotencyService = Provide["idempotency_service"]) -> int:
    """Delete idempotency keys older than IDEMPOTENCY_KEY_TTL_H hours (default 24, as Stripe keeps them).

    Returns:
        How many keys were deleted.
    """
    return service.prune(timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_H))
