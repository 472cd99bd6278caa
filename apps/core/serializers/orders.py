"""Order and payment serializers. No input serializer carries a price, amount, total, user or (for
customers) status: those come from the server."""

from django.conf import settings
from rest_framework import serializers

from apps.core.models import Order, OrderLine, OrderStatus, Payment
from apps.core.serializers.common import PageQuerySerializer, WholePatchSerializer
from apps.core.services.payments import PAYMENT_METHODS, WEBHOOK_EVENT_TYPES


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


class PaymentInputSerializer(serializers.Serializer):
    """How to pay. The amount and currency are always the order's; clients cannot send them."""

    method = serializers.ChoiceField(choices=PAYMENT_METHODS)


class PaymentOutputSerializer(serializers.ModelSerializer):
    """A payment attempt: `status` is `succeeded`, `failed`, `pending` (awaiting the webhook) or `refunded`."""

    order = serializers.IntegerField(source="order_id", read_only=True)

    class Meta:
        model = Payment
        fields = (
            "id",
            "order",
            "amount",
            "currency",
            "method",
            "status",
            "reference",
            "provider",
            "failure_reason",
            "created_at",
        )
        read_only_fields = fields


class WebhookEventDataSerializer(serializers.Serializer):
    """The payment an event is about, and for failures the provider's reason."""

    reference = serializers.CharField(help_text="The payment's `reference`.")
    reason = serializers.CharField(required=False, help_text="Why a payment failed.")


class WebhookEventSerializer(serializers.Serializer):
    """A provider event (documentation only: the view verifies and parses the raw body itself)."""

    id = serializers.CharField(max_length=128, help_text="Unique event id; a redelivery is applied once.")
    type = serializers.ChoiceField(choices=WEBHOOK_EVENT_TYPES)
    data = WebhookEventDataSerializer()


class WebhookResultSerializer(serializers.Serializer):
    """The outcome of a delivery: `applied` is false when the event id was seen before."""

    event_id = serializers.CharField()
    applied = serializers.BooleanField()
