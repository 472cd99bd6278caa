"""Option type, variant and low-stock serializers."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.models.catalog import OptionType, OptionValue, ProductVariant

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"
MAX_STOCK = 2_147_483_647
OPTION_SLUG = r"^[-a-z0-9_]+$"


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "size": {"type": "string", "maxLength": 64},
            "color": {"type": "string", "maxLength": 64},
        },
        "maxProperties": 20,
        "description": "Option type slug -> value (or value slug), one per option type, e.g. "
        '{"size": "XL", "color": "black"}; any option type\'s slug is a key (GET /api/option-types/), '
        "each value a string of at most 64 characters.",
        "example": {"size": "XL"},
    }
)
class OptionMapField(serializers.DictField):
    """`{option type slug: value}` (a fixed example keeps generated clients deterministic)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(child=serializers.CharField(max_length=64, allow_blank=True, trim_whitespace=False), **kwargs)

    def to_internal_value(self, data) -> dict[str, str]:
        """`{slug: value}`; an entry that cannot name an option (not a string, too long, NUL) is `unknown_option`.

        Raises:
            ValidationError: not an object (code "not_a_dict"), more than 20 entries ("max_length"), or an
                entry no option can have (code "unknown_option", attr "options").
        """
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected an object of option type slug -> value.", code="not_a_dict")
        if len(data) > 20:
            raise serializers.ValidationError("At most 20 options.", code="max_length")
        for key, value in data.items():
            if not isinstance(value, str) or len(value) > 64 or "\x00" in value or "\x00" in str(key):
                raise serializers.ValidationError(
                    "Each option is an option type slug and one of its values (a string).", code="unknown_option"
                )
        return {str(key): value for key, value in data.items()}


class OptionValueOutputSerializer(serializers.ModelSerializer):
    """One value of an option type; lists show values in `position` order."""

    class Meta:
        model = OptionValue
        fields = ("id", "value", "slug", "position")
        read_only_fields = fields


class OptionTypeOutputSerializer(serializers.ModelSerializer):
    """An option type (`size`, `color`) with its values in position order. `slug` is also a product-list filter."""

    values = OptionValueOutputSerializer(many=True, read_only=True)

    class Meta:
        model = OptionType
        fields = ("id", "name", "slug", "values")
        read_only_fields = fields


class OptionTypeInputSerializer(serializers.Serializer):
    """An option type write (staff). `values` (create only) are its first values, in order."""

    name = serializers.CharField(max_length=64)
    slug = serializers.RegexField(
        OPTION_SLUG,
        max_length=64,
        required=False,
        help_text="Lower-case letters, digits, - and _; default: from the name. Also the product-list filter name.",
    )
    values = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=200,
        help_text='Create only: the values in display order, e.g. ["XS", "S", "M"].',
    )


class OptionTypePatchSerializer(serializers.Serializer):
    """Rename an option type or change its slug (staff); values are added with POST .../values/."""

    name = serializers.CharField(max_length=64, required=False)
    slug = serializers.RegexField(OPTION_SLUG, max_length=64, required=False)


class OptionValueInputSerializer(serializers.Serializer):
    """A new value of an option type (staff); without `position` it goes last."""

    value = serializers.CharField(max_length=64)
    slug = serializers.RegexField(OPTION_SLUG, max_length=64, required=False, help_text="Default: from the value.")
    position = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False)


class VariantOutputSerializer(serializers.Serializer):
    """A variant: its SKU, options (`{"size": "XL"}`), price (shop currency), stock and low-stock threshold.

    `low_stock_threshold` null means the LOW_STOCK_THRESHOLD setting applies.
    """

    id = serializers.IntegerField(read_only=True)
    sku = serializers.CharField(read_only=True)
    options = OptionMapField(read_only=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    stock = serializers.IntegerField(read_only=True)
    in_stock = serializers.BooleanField(read_only=True)
    is_default = serializers.BooleanField(read_only=True)
    low_stock_threshold = serializers.IntegerField(read_only=True, allow_null=True)


class VariantInputSerializer(serializers.Serializer):
    """A variant write (staff).

    `options` names one value per option type by the type's slug: `{"size": "XL", "color": "black"}`
    (the value as listed, case-insensitive, or its slug). The SKU is unique across all products and
    variants. `is_default: true` makes it the product's default variant (the one a v1 cart line means).
    """

    sku = serializers.RegexField(
        SKU_PATTERN, max_length=64, error_messages={"invalid": "Use letters, digits, dots, dashes and underscores."}
    )
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False, default=0)
    options = OptionMapField(required=False, default=dict)
    is_default = serializers.BooleanField(required=False)
    low_stock_threshold = serializers.IntegerField(
        min_value=0, max_value=MAX_STOCK, required=False, allow_null=True, help_text="Null: the shop's setting."
    )
    position = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False)

    def validate_options(self, value: dict) -> dict:
        if len(value) > 20:
            raise serializers.ValidationError("At most 20 options.", code="max_length")
        return value


class LowStockVariantSerializer(serializers.ModelSerializer):
    """A variant at or below its low-stock threshold, with its product."""

    product_id = serializers.IntegerField(read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    threshold = serializers.IntegerField(read_only=True, help_text="Its own threshold, else LOW_STOCK_THRESHOLD.")

    class Meta:
        model = ProductVariant
        fields = ("id", "sku", "stock", "threshold", "low_stock_threshold", "product_id", "product_name")
        read_only_fields = fields
