"""Refund serializers: what staff ask to refund, and refunds as read back. Amounts come from the server."""

from rest_framework import serializers

from apps.core.models.payments import Refund, RefundLine
from apps.core.serializers.shopping.cart import MAX_ID

MAX_REFUND_LINES = 500


class RefundLineInputSerializer(serializers.Serializer):
    """Units of one order line to refund: `line` is the order line's `id`."""

    line = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An order line's id (`items[].id`).")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Units to refund (at most those left)")


class RefundInputSerializer(serializers.Serializer):
    """A refund request. Each line at most once; `shipping` refunds what was paid for shipping (once per order)."""

    lines = serializers.ListField(
        child=RefundLineInputSerializer(), max_length=MAX_REFUND_LINES, required=False, default=list
    )
    restock = serializers.BooleanField(default=False, help_text="Put the refunded units back in stock.")
    shipping = serializers.BooleanField(default=False, help_text="Refund the shipping paid too.")
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def validate_lines(self, value: list[dict]) -> list[dict]:
        """Each order line once."""
        ids = [item["line"] for item in value]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("Name each line once.", code="duplicate_line")
        return value

    def validate(self, attrs: dict) -> dict:
        """Something to refund: a line or shipping."""
        if not attrs["lines"] and not attrs["shipping"]:
            raise serializers.ValidationError(
                {"lines": [serializers.ErrorDetail("Name at least one line, or shipping.", code="empty_refund")]}
            )
        return attrs


class RefundLineOutputSerializer(serializers.ModelSerializer):
    """A refunded line: the order line's id, units and the amount they gave back."""

    line = serializers.IntegerField(source="order_line_id", read_only=True)

    class Meta:
        model = RefundLine
        fields = ("line", "quantity", "amount")
        read_only_fields = fields


class RefundOutputSerializer(serializers.ModelSerializer):
    """A refund: `amount` (decimal string, order currency) = lines + shipping when `shipping_refunded`."""

    order = serializers.IntegerField(source="order_id", read_only=True)
    lines = RefundLineOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Refund
        fields = (
            "id",
            "order",
            "amount",
            "currency",
            "lines",
            "restocked",
            "shipping_refunded",
            "status",
            "reason",
            "reference",
            "created_at",
        )
        read_only_fields = fields
