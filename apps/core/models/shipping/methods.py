"""Shipping methods: what a delivery costs, where it goes, how long it takes."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from apps.core.models.base import SoftDeleteModel


class ShippingMethod(SoftDeleteModel):
    """A way to ship an order to the listed countries.

    Money is Decimal(12, 2) in the shop's currency. `free_over`: at or above this subtotal (after
    discounts) shipping costs nothing; null = never free. `countries`: ISO 3166-1 alpha-2 codes.
    """

    name = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    free_over = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    countries = models.JSONField(default=list)
    min_days = models.PositiveSmallIntegerField(default=1)
    max_days = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ("price", "id")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=Decimal("0")), name="shippingmethod_price_gte_0"),
            models.CheckConstraint(
                condition=Q(free_over__isnull=True) | Q(free_over__gte=Decimal("0")),
                name="shippingmethod_free_over_gte_0",
            ),
            models.CheckConstraint(condition=Q(min_days__lte=models.F("max_days")), name="shippingmethod_days_order"),
        ]

    def __str__(self) -> str:
        return self.name
