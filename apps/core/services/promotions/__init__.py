"""The promotions domain's services: vouchers."""

from apps.core.services.promotions.vouchers import VoucherService, discount_of, voucher_error

__all__ = ["VoucherService", "discount_of", "voucher_error"]
