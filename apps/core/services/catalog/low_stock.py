"""The low-stock list: live variants at or below their threshold, lowest stock first (staff)."""

from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce

from apps.core.infra.pagination import Page, paginate
from apps.core.models.catalog import ProductVariant


class LowStockService:
    """Lists the variants that need restocking.

    Args:
        low_stock_threshold: the LOW_STOCK_THRESHOLD setting (units), for variants without their own.
    """

    def __init__(self, *, low_stock_threshold: int) -> None:
        self._threshold = low_stock_threshold

    def list_page(self, *, page: int, page_size: int) -> Page[ProductVariant]:
        """Live variants of live products whose stock is at or below their threshold; lowest stock, then id.

        Each row has `product` joined and `threshold` (units) annotated. The per-row condition
        (`stock <= COALESCE(low_stock_threshold, setting)`) cannot use an index alone, so the query
        also bounds `stock` by the largest threshold in use (read from the `variant_threshold_idx`
        index): the `variant_low_stock_idx` range scan (stock, id) then touches only low rows.

        Raises:
            NotFoundError: the page is past the last one.
        """
        largest = ProductVariant.objects.filter(deleted_at__isnull=True, low_stock_threshold__isnull=False).aggregate(
            top=Max("low_stock_threshold")
        )["top"]
        bound = max(self._threshold, largest or 0)
        qs = (
            ProductVariant.objects.filter(deleted_at__isnull=True, product__deleted_at__isnull=True, stock__lte=bound)
            .annotate(threshold=Coalesce(F("low_stock_threshold"), self._threshold))
            .filter(Q(stock__lte=F("threshold")))
            .select_related("product")
            .order_by("stock", "id")
        )
        return paginate(qs, page=page, page_size=page_size)
