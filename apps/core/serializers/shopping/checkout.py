"""Checkout serializers: the quote's input (address id or object, method, voucher) and its figures."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.models.base import MAX_ID
from apps.core.serializers.shipping import AddressInputSerializer

MONEY = {"max_digits": 12, "decimal_places": 2, "read_only": True}


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1, "description": "The id of an address in my book."},
            {"$ref": "#/components/schemas/AddressInputRequest"},
        ],
        "nullable": True,
    }
)
class AddressRefField(serializers.Field):
    """An address: the id of one in the user's book, or a whole address object."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            if not 0 < data <= MAX_ID:
                self.fail("invalid")
            return data
        if isinstance(data, dict):
            body = AddressInputSerializer(data=data)
            body.is_valid(raise_exception=True)
            return body.validated_data
        self.fail("invalid")

    default_error_messages = {"invalid": "An address id or an address object."}


class CheckoutInputSerializer(serializers.Serializer):
    """`POST /api/checkout/quote/`: every field is optional."""

    shipping_address = AddressRefField(required=False, allow_null=True, default=None)
    shipping_method = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    voucher_code = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True)


class QuoteLineSerializer(serializers.Serializer):
    """A priced cart line: its `variant` (id) of `product` (id), and the line's figures."""

    product = serializers.IntegerField(source="ref", read_only=True)
    variant = serializers.IntegerField(read_only=True, allow_null=True)
    quantity = serializers.IntegerField(read_only=True)
    unit_price = serializers.DecimalField(**MONEY)
    line_total = serializers.DecimalField(**MONEY)
    discount = serializers.DecimalField(**MONEY)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4, read_only=True)
    tax_amount = serializers.DecimalField(**MONEY)


class QuoteOutputSerializer(serializers.Serializer):
    """The figures of a checkout (Decimal strings in `currency`); the order placed from the same inputs matches."""

    lines = QuoteLineSerializer(many=True, read_only=True)
    subtotal = serializers.DecimalField(**MONEY)
    discount_total = serializers.DecimalField(**MONEY)
    shipping_total = serializers.DecimalField(**MONEY)
    tax_total = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    currency = serializers.CharField(read_only=True)
