"""Order serializers. No input serializer carries a price, amount, total, user or (for
customers) status: those come from the server."""

from django.conf import settings
from rest_framework import serializers

from apps.core.models.shopping import Order, OrderLine, OrderStatus
from apps.core.serializers.common import PageQuerySerializer, WholePatchSerializer


class OrderLineOutputSerializer(serializers.ModelSerializer):
    """A line as snapshotted at checkout: `id` is what refunds name; `product` is the product's id; name, SKU and
    price are copies."""

    product = serializers.IntegerField(source="product_id", read_only=True)

    class Meta:
        model = OrderLine
        fields = (
            "id",
            "product",
            "product_name",
            "sku",
            "unit_price",
            "quantity",
            "line_total",
        )
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
            "processing_at",
            "expired_at",
            "expires_at",
            "tracking_number",
            "carrier",
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
    """A staff status move; the state machine decides whether it is legal (409 if not).

    `tracking_number` and `carrier` go with a move to `shipped` only (400 with any other status).
    """

    status = serializers.ChoiceField(choices=OrderStatus.choices)
    tracking_number = serializers.CharField(
        max_length=64, required=False, help_text="The parcel's tracking number (with `status: shipped`)."
    )
    carrier = serializers.CharField(
        max_length=64, required=False, help_text="Who carries the parcel, e.g. `DHL` (with `status: shipped`)."
    )
