"""Shipping methods (public by destination country, staff writes) and tax rates (staff)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.exceptions import ConflictError, InvalidInputError, NotFoundError
from apps.core.infra.precompiled import PrecompiledQuery, PrecompiledRows
from apps.core.models.base import MAX_ID
from apps.core.models.shipping import ShippingMethod, TaxRate

_COUNTRY, _REGION = "~country~", "~region~"  # placeholders no real destination has

# What every checkout reads, compiled once per connection (apps.core.infra.precompiled).
_LIVE_METHOD: PrecompiledQuery[ShippingMethod] = PrecompiledQuery(
    lambda pk: ShippingMethod.objects.alive().filter(pk=pk).order_by()
)
_DESTINATION_RATES = PrecompiledRows(
    lambda country, region: (
        TaxRate.objects.filter(country=country, region__in=[region, ""]).order_by().values_list("region", "rate")
    ),
    _COUNTRY,
    _REGION,
)


@dataclass(frozen=True)
class ShippingQuote:
    """What shipping costs for a destination and a subtotal (Decimal, shop currency)."""

    method: ShippingMethod
    price: Decimal


class ShippingMethodService:
    """Lists live shipping methods and changes them (staff); says what shipping costs."""

    def list(self, *, country: str | None = None) -> list[ShippingMethod]:
        """Live methods, cheapest first; with `country` (ISO alpha-2), only those serving it."""
        methods = list(ShippingMethod.objects.alive().order_by("price", "id"))
        if country:
            methods = [m for m in methods if country.upper() in m.countries]
        return methods

    def get(self, method_id: int) -> ShippingMethod:
        """A live method.

        Raises:
            NotFoundError: no live method has that id.
        """
        method = ShippingMethod.objects.alive().filter(pk=method_id).first()
        if method is None:
            raise NotFoundError(f"Shipping method {method_id} does not exist.")
        return method

    def quote(self, method_id: int, *, country: str, subtotal: Decimal) -> ShippingQuote:
        """The price of shipping with a method to `country` for a subtotal after discounts.

        Free at or above the method's `free_over`.

        Raises:
            InvalidInputError: no such live method (code "does_not_exist") or it does not serve the
                country (code "country_not_served"); attr "shipping_method".
        """
        method = _LIVE_METHOD.first(method_id) if 0 < method_id <= MAX_ID else None
        if method is None:
            raise InvalidInputError(
                f"Shipping method {method_id} does not exist.", code="does_not_exist", attr="shipping_method"
            )
        if country.upper() not in method.countries:
            raise InvalidInputError(
                f"{method.name} does not ship to {country}.", code="country_not_served", attr="shipping_method"
            )
        free = method.free_over is not None and subtotal >= method.free_over
        return ShippingQuote(method=method, price=Decimal("0.00") if free else method.price)

    @transaction.atomic
    def save(self, method: ShippingMethod | None, data: dict) -> ShippingMethod:
        """Create (method None) or change a method with validated fields.

        Raises:
            InvalidInputError: min_days above max_days (attr "min_days").
        """
        method = method or ShippingMethod()
        for name, value in data.items():
            setattr(method, name, sorted({str(c).upper() for c in value}) if name == "countries" else value)
        if method.min_days > method.max_days:
            raise InvalidInputError(
                "min_days must not exceed max_days.", code="min_days_above_max_days", attr="min_days"
            )
        method.save()
        return method

    @transaction.atomic
    def soft_delete(self, method_id: int) -> None:
        """Retire a method; placed orders keep their snapshot of it.

        Raises:
            NotFoundError: no live method has that id.
        """
        if not ShippingMethod.objects.alive().filter(pk=method_id).update(deleted_at=timezone.now()):
            raise NotFoundError(f"Shipping method {method_id} does not exist.")


class TaxRateService:
    """Tax rates by country and region (staff); finds the rate for an address."""

    def list(self) -> list[TaxRate]:
        """Every rate, by country then region."""
        return list(TaxRate.objects.order_by("country", "region", "id"))

    def get(self, rate_id: int) -> TaxRate:
        """One rate.

        Raises:
            NotFoundError: no rate has that id.
        """
        rate = TaxRate.objects.filter(pk=rate_id).first()
        if rate is None:
            raise NotFoundError(f"Tax rate {rate_id} does not exist.")
        return rate

    def rate_for(self, country: str, region: str = "") -> Decimal:
        """The rate of a destination: its region's when set, else its country's, else 0 (contract)."""
        rates = dict(_DESTINATION_RATES.all(country.upper(), region))
        if region and region in rates:
            return rates[region]
        return rates.get("", Decimal("0"))

    @transaction.atomic
    def save(self, rate: TaxRate | None, data: dict) -> TaxRate:
        """Create (rate None) or change a rate.

        Raises:
            ConflictError: the country and region already have a rate (code "unique").
        """
        rate = rate or TaxRate()
        for name, value in data.items():
            setattr(rate, name, value.upper() if name == "country" else value)
        try:
            with transaction.atomic():
                rate.save()
        except IntegrityError:
            raise ConflictError("This country and region already have a rate.", code="unique", attr="region") from None
        return rate

    @transaction.atomic
    def delete(self, rate_id: int) -> None:
        """Delete a rate (placed orders keep the rate they were taxed at).

        Raises:
            NotFoundError: no rate has that id.
        """
        if not TaxRate.objects.filter(pk=rate_id).delete()[0]:
            raise NotFoundError(f"Tax rate {rate_id} does not exist.")
