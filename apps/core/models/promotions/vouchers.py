"""Vouchers: discount codes with a validity window and usage limits."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from apps.core.models.base import TimeStampedModel


class VoucherType(models.TextChoices):
    """What a voucher takes off."""

    PERCENTAGE = "percentage", "Percentage of the subtotal"
    FIXED = "fixed", "Fixed amount"
    FREE_SHIPPING = "free_shipping", "Free shipping"


class Voucher(TimeStampedModel):
    """A discount code; codes are unique case-insensitively.

    `value` is a percent for `percentage` ("10" = 10 %), money (shop currency) for `fixed`, ignored
    for `free_shipping`. `used_count` counts orders holding a use; it never exceeds `usage_limit`
    (a database constraint, and the checkout locks the row while it takes a use).
    """

    code = models.CharField(max_length=64)
    type = models.CharField(max_length=16, choices=VoucherType.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    min_subtotal = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    usage_limit_per_customer = models.PositiveIntegerField(null=True, blank=True)
    used_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(Upper("code"), name="voucher_code_ci_unique"),
            models.CheckConstraint(condition=Q(value__gte=Decimal("0")), name="voucher_value_gte_0"),
            models.CheckConstraint(
                condition=~Q(type="percentage") | Q(value__lte=Decimal("100")), name="voucher_percentage_lte_100"
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(used_count__lte=models.F("usage_limit")),
                name="voucher_used_count_lte_limit",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(starts_at__lt=models.F("ends_at")),
                name="voucher_window_order",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class VoucherUse(models.Model):
    """One use of a voucher by a customer's order; deleted when the order gives the use back."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.OneToOneField("core.Order", on_delete=models.CASCADE, related_name="voucher_use")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["voucher", "user"], name="voucheruse_voucher_user_idx")]

    def __str__(self) -> str:
        return f"{self.voucher_id} by {self.user_id} on order {self.order_id}"
