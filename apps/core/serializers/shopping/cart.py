"""Cart serializers: what the owner reads and the two write bodies."""

from rest_framework import serializers

from apps.core.models.catalog import Product
from apps.core.models.shopping import CartItem
from apps.core.serializers.common import WholePatchSerializer

MAX_ID = 2**63 - 1
MAX_QUANTITY = 2**31 - 1


class CartProductSerializer(serializers.ModelSerializer):
    """The product of a cart line, at today's price."""

    class Meta:
        model = Product
        fields = ("id", "name", "slug", "price")
        read_only_fields = fields


class CartItemOutputSerializer(serializers.ModelSerializer):
    """A cart line; `line_total` = price x quantity (decimal string)."""

    product = CartProductSerializer(read_only=True)
    line_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = CartItem
        fields = ("id", "product", "quantity", "line_total")
        read_only_fields = fields


class CartOutputSerializer(serializers.Serializer):
    """The whole cart: lines, `item_count` (units, the sum of quantities) and `total`."""

    items = CartItemOutputSerializer(many=True, read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class CartItemInputSerializer(serializers.Serializer):
    """Add a product: its id and how many units (default 1). Prices are never sent by clients."""

    product = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False, default=1)


class CartItemUpdateInputSerializer(WholePatchSerializer):
    """Change a line's quantity (1 up to the product's stock)."""

    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
