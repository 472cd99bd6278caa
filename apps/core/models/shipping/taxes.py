"""Tax rates by country and region."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField


class TaxRate(models.Model):
    """The tax rate of a country, or of one region of it (a region's rate wins over its country's).

    `rate` is a decimal fraction with four places ("0.2000" = 20 %). `region` is "" for the whole country.
    """

    country = CountryField()
    region = models.CharField(max_length=128, blank=True, default="")
    rate = models.DecimalField(max_digits=5, decimal_places=4)

    class Meta:
        ordering = ("country", "region", "id")
        constraints = [
            models.UniqueConstraint(fields=["country", "region"], name="taxrate_country_region_unique"),
            models.CheckConstraint(
                condition=Q(rate__gte=Decimal("0")) & Q(rate__lte=Decimal("1")), name="taxrate_rate_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country}{'/' + self.region if self.region else ''}: {self.rate}"
