"""Order serializers. No input serializer carries a price, amount, total, user or (for
customers) status: those come from the server."""

from django.conf import settings
from rest_framework import serializers

from apps.core.models.shopping import Order, OrderLine, OrderStatus
from apps.core.serializers.common import PageQuerySerializer, WholePatchSerializer


class OrderLineOutputSerializer(serializers.ModelSerializer):
    """A line as snapshotted at checkout: `product` is the product's id; name, SKU and price are copies."""

    product = serializers.IntegerField(source="product_id", read_only=True)

    class Meta:
        model = OrderLine
        fields = ("product", "product_name", "sku", "unit_price", "quantity", "line_total")
        read_only_fields = fields


class OrderOutputSerializer(serializers.ModelSerializer):
    """An order with its lines (`items`); money as decimal strings in `currency`."""

    items = OrderLineOutputSerializer(source="lines", many=True, read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)

    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "status",
            "items",
            "total",
            "currency",
            "user",
            "created_at",
            "updated_at",
            "paid_at",
            "shipped_at",
            "delivered_at",
            "cancelled_at",
        )
        read_only_fields = fields


class OrderListQuerySerializer(PageQuerySerializer):
    """Query of `GET /api/orders/`: page parameters and an optional status filter."""

    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False, help_text="Only this status.")


IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]+$"  # visible ASCII


class IdempotencyHeaderSerializer(serializers.Serializer):
    """The `Idempotency-Key` header: 1-255 visible ASCII characters (a UUID is a good choice)."""

    idempotency_key = serializers.RegexField(
        IDEMPOTENCY_KEY_PATTERN,
        max_length=settings.IDEMPOTENCY_KEY_MAX_LENGTH,
        required=False,
        allow_null=True,
        error_messages={"invalid": "Use 1-255 visible ASCII characters."},
    )


class OrderStatusInputSerializer(WholePatchSerializer):
    """An admin's status move; the state machine decides whether it is legal (409 if not)."""

    status = serializers.ChoiceField(choices=OrderStatus.choices)
