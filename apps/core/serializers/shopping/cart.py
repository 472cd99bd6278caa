"""Cart serializers: what the owner reads and the two write bodies."""

from rest_framework import serializers

from apps.core.models.base import MAX_ID
from apps.core.models.catalog import Product, ProductVariant
from apps.core.models.shopping import CartItem
from apps.core.serializers.common import WholePatchSerializer
from apps.core.services.catalog import option_map

MAX_QUANTITY = 2**31 - 1


class CartProductSerializer(serializers.ModelSerializer):
    """The product of a cart line, at today's price."""

    class Meta:
        model = Product
        fields = ("id", "name", "slug", "price")
        read_only_fields = fields


class CartVariantSerializer(serializers.ModelSerializer):
    """The variant of a cart line: SKU, options (`{"size": "XL"}`) and today's unit price."""

    options = serializers.SerializerMethodField()

    class Meta:
        model = ProductVariant
        fields = ("id", "sku", "options", "price")
        read_only_fields = fields

    def get_options(self, variant: ProductVariant) -> dict[str, str]:
        """Option type slug -> value."""
        return option_map(variant)


class CartItemOutputSerializer(serializers.ModelSerializer):
    """A cart line; `line_total` = the variant's price x quantity (decimal string)."""

    product = CartProductSerializer(read_only=True)
    variant = CartVariantSerializer(read_only=True)
    line_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = CartItem
        fields = ("id", "product", "variant", "quantity", "line_total")
        read_only_fields = fields


class CartOutputSerializer(serializers.Serializer):
    """The whole cart: lines, `item_count` (units, the sum of quantities) and `total`."""

    items = CartItemOutputSerializer(many=True, read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class CartItemInputSerializer(serializers.Serializer):
    """Add a variant (or the only variant of a product) and how many units (default 1).

    Send `variant`; `product` alone works for a product with exactly one live variant (else a 400
    `variant_required`); both together must agree. Prices are never sent by clients.
    """

    product = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    variant = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False, default=1)

    def validate(self, attrs: dict) -> dict:
        if "product" not in attrs and "variant" not in attrs:
            raise serializers.ValidationError(
                {"variant": "Send a variant (or a product with one variant)."}, code="variant_or_product_required"
            )
        return attrs


class CartItemUpdateInputSerializer(WholePatchSerializer):
    """Change a line's quantity (1 up to the product's stock)."""

    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
