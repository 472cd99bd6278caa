"""The promotions domain's serializers."""

from apps.core.serializers.promotions.vouchers import VoucherInputSerializer, VoucherOutputSerializer

__all__ = ["VoucherInputSerializer", "VoucherOutputSerializer"]
