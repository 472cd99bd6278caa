"""Shipping method and tax rate serializers."""

from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.models.shipping import ShippingMethod, TaxRate
from apps.core.serializers.common import StrictQuerySerializer

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class ShippingMethodListQuerySerializer(StrictQuerySerializer):
    """Query of `GET /api/shipping-methods/`: only the methods serving a country."""

    country = CountryField(required=False, help_text="ISO 3166-1 alpha-2 code of the destination.")


class ShippingMethodInputSerializer(serializers.Serializer):
    """A shipping method write (staff)."""

    name = serializers.CharField(max_length=120)
    price = serializers.DecimalField(**MONEY)
    free_over = serializers.DecimalField(**MONEY, required=False, allow_null=True, default=None)
    countries = serializers.ListField(
        child=CountryField(), min_length=1, max_length=250, help_text="ISO 3166-1 alpha-2 codes served."
    )
    min_days = serializers.IntegerField(min_value=0, max_value=365, required=False, default=1)
    max_days = serializers.IntegerField(min_value=0, max_value=365, required=False, default=5)


class ShippingMethodOutputSerializer(serializers.ModelSerializer):
    """A shipping method: `free_over` is the subtotal at or above which shipping is free (null: never)."""

    class Meta:
        model = ShippingMethod
        fields = ("id", "name", "price", "free_over", "countries", "min_days", "max_days")
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^(?:0*(?:0?\.[0-9]{1,4}|0\.?)|0*1(?:\.0{0,4})?)$",
        "description": "A decimal fraction from 0 to 1 with up to four places (`0.2000` = 20 %).",
    }
)
class TaxFractionField(serializers.DecimalField):
    """A tax rate: a decimal fraction from 0 to 1 with up to four places."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_digits=5, decimal_places=4, min_value=0, max_value=1, **kwargs)


class TaxRateInputSerializer(serializers.Serializer):
    """A tax rate write (staff): a decimal fraction, "0.2000" = 20 %."""

    country = CountryField()
    region = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    rate = TaxFractionField()


class TaxRateOutputSerializer(serializers.ModelSerializer):
    """A tax rate of a country, or of one of its regions."""

    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = TaxRate
        fields = ("id", "country", "region", "rate")
        read_only_fields = fields
