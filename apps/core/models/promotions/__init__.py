"""The promotions domain's models: vouchers and their uses."""

from apps.core.models.promotions.vouchers import Voucher, VoucherType, VoucherUse

__all__ = ["Voucher", "VoucherType", "VoucherUse"]
