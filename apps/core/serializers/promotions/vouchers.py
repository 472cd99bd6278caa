"""Voucher serializers (staff)."""

from decimal import Decimal

from rest_framework import serializers

from apps.core.models.promotions import Voucher, VoucherType

MAX_USES = 2**31 - 1  # PositiveIntegerField


class VoucherInputSerializer(serializers.Serializer):
    """A voucher write. `value`: percent for `percentage`, money for `fixed`, ignored for `free_shipping`."""

    code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)
    type = serializers.ChoiceField(choices=VoucherType.choices)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, default=Decimal("0"))
    min_subtotal = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    usage_limit = serializers.IntegerField(
        min_value=1, max_value=MAX_USES, required=False, allow_null=True, default=None
    )
    usage_limit_per_customer = serializers.IntegerField(
        min_value=1, max_value=MAX_USES, required=False, allow_null=True, default=None
    )
    is_active = serializers.BooleanField(required=False, default=True)


class VoucherOutputSerializer(serializers.ModelSerializer):
    """A voucher with how often it was used."""

    class Meta:
        model = Voucher
        fields = (
            "id",
            "code",
            "type",
            "value",
            "min_subtotal",
            "starts_at",
            "ends_at",
            "usage_limit",
            "usage_limit_per_customer",
            "used_count",
            "is_active",
        )
        read_only_fields = fields
