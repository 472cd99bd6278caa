"""factory-boy factories for the checkout side: addresses, shipping methods, tax rates, vouchers."""

from decimal import Decimal

import factory

from apps.core.models.promotions import Voucher, VoucherType
from apps.core.models.shipping import Address, ShippingMethod, TaxRate
from tests.factories import UserFactory


class AddressFactory(factory.django.DjangoModelFactory):
    """A valid UK address (London postal code)."""

    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name")
    line1 = factory.Sequence(lambda n: f"{n + 1} Baker Street")
    city = "London"
    postal_code = "NW1 6XE"
    country = "GB"


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    name = factory.Sequence(lambda n: f"Courier {n}")
    price = Decimal("5.00")
    free_over = None
    countries = factory.LazyFunction(lambda: ["GB", "DE", "FR"])
    min_days = 1
    max_days = 3


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate
        django_get_or_create = ("country", "region")

    country = "GB"
    region = ""
    rate = Decimal("0.2000")


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    code = factory.Sequence(lambda n: f"CODE{n}")
    type = VoucherType.PERCENTAGE
    value = Decimal("10.00")
