"""Django admin for every model, one module per domain.

Writes that change cached public reads go through the services or invalidate through
`CatalogCache` (see `apps.core.admin.catalog`), so an admin edit shows in the API at once.
"""

from apps.core.admin import (  # noqa: F401  registers the ModelAdmins
    accounts,
    catalog,
    events,
    idempotency,
    payments,
    shopping,
    variants,
)
