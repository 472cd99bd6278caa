"""Vouchers: staff CRUD, and the checks a code must pass before it discounts a cart (contract: Vouchers)."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone

from apps.core.exceptions import ConflictError, InvalidInputError, NotFoundError
from apps.core.infra.pagination import Page, paginate
from apps.core.infra.precompiled import PrecompiledQuery
from apps.core.models.accounts import User
from apps.core.models.promotions import Voucher, VoucherType, VoucherUse
from apps.core.models.shopping import Order

# Take a use and record it in one statement (PostgreSQL): the UPDATE's row lock and re-check make
# the usage limit exact; no row comes back when the voucher is inactive or used up.
_REDEEM = f"""
    WITH taken AS (
        UPDATE {Voucher._meta.db_table} SET used_count = used_count + 1, updated_at = %s
        WHERE id = %s AND is_active AND (usage_limit IS NULL OR used_count < usage_limit)
        RETURNING id
    )
    INSERT INTO {VoucherUse._meta.db_table} (voucher_id, user_id, order_id, created_at)
    SELECT id, %s, %s, %s FROM taken
    RETURNING id
"""

# The voucher a code names, case-insensitively (the unique index on UPPER(code)): compiled once per connection.
_BY_CODE: PrecompiledQuery[Voucher] = PrecompiledQuery(
    lambda code: Voucher.objects.alias(upper=Upper("code")).filter(upper=code).order_by(), "~code~"
)

CENT = Decimal("0.01")


def voucher_error(code: str, detail: str) -> InvalidInputError:
    """A refused voucher: 400 with attr "voucher_code" and the contract's code (e.g. "voucher_expired")."""
    return InvalidInputError(detail, code=code, attr="voucher_code")


def discount_of(voucher: Voucher, subtotal: Decimal) -> Decimal:
    """What a voucher takes off a subtotal, before tax: never more than the subtotal, half-up to the cent.

    Free shipping takes nothing off the lines (the shipping total becomes 0 instead).
    """
    if voucher.type == VoucherType.PERCENTAGE:
        amount = (subtotal * voucher.value / Decimal("100")).quantize(CENT, rounding=ROUND_HALF_UP)
    elif voucher.type == VoucherType.FIXED:
        amount = voucher.value
    else:
        amount = Decimal("0.00")
    return min(amount, subtotal)


class VoucherService:
    """Vouchers for staff (marketing), and their validation at checkout."""

    def list_page(self, *, page: int, page_size: int) -> Page[Voucher]:
        """Every voucher, newest first.

        Raises:
            NotFoundError: the page is past the last one.
        """
        return paginate(Voucher.objects.order_by("-created_at", "-id"), page=page, page_size=page_size)

    def get(self, voucher_id: int) -> Voucher:
        """One voucher.

        Raises:
            NotFoundError: no voucher has that id.
        """
        voucher = Voucher.objects.filter(pk=voucher_id).first()
        if voucher is None:
            raise NotFoundError(f"Voucher {voucher_id} does not exist.")
        return voucher

    @transaction.atomic
    def save(self, voucher: Voucher | None, data: dict) -> Voucher:
        """Create (voucher None) or change a voucher with validated fields.

        Raises:
            ConflictError: another voucher has the code, in any case (code "unique", attr "code").
            InvalidInputError: a percentage above 100 (attr "value"), or starts_at not before ends_at
                (attr "ends_at").
        """
        voucher = voucher or Voucher()
        for name, value in data.items():
            setattr(voucher, name, value)
        if voucher.type == VoucherType.PERCENTAGE and voucher.value > 100:
            raise InvalidInputError("A percentage is at most 100.", code="percentage_above_100", attr="value")
        if voucher.starts_at and voucher.ends_at and voucher.starts_at >= voucher.ends_at:
            raise InvalidInputError("ends_at must come after starts_at.", code="ends_before_start", attr="ends_at")
        try:
            with transaction.atomic():
                voucher.save()
        except IntegrityError:
            raise ConflictError("A voucher with this code already exists.", code="unique", attr="code") from None
        return voucher

    @transaction.atomic
    def delete(self, voucher_id: int) -> None:
        """Delete a voucher no order has used; a used one can only be deactivated.

        Raises:
            NotFoundError: no voucher has that id.
            ConflictError: orders hold uses of it (code "voucher_in_use").
        """
        voucher = self.get(voucher_id)
        if VoucherUse.objects.filter(voucher=voucher).exists():
            raise ConflictError("Orders used this voucher; deactivate it instead.", code="voucher_in_use")
        voucher.delete()

    def check(self, code: str, user: User | None, subtotal: Decimal, *, now: datetime | None = None) -> Voucher:
        """The voucher a code names, if it may discount this customer's subtotal now.

        Codes match case-insensitively. Usage limits are read here without a lock; the checkout takes
        the use under the voucher's row lock (`redeem`), so a race past this check still cannot
        overrun them.

        Raises:
            InvalidInputError: attr "voucher_code", code one of voucher_not_found, voucher_inactive,
                voucher_not_started, voucher_expired, voucher_used_up, voucher_customer_limit,
                voucher_min_subtotal.
        """
        voucher = _BY_CODE.first(code.strip().upper())
        if voucher is None:
            raise voucher_error("voucher_not_found", "No voucher has this code.")
        self._check(voucher, user, subtotal, now or timezone.now())
        return voucher

    def redeem(self, voucher: Voucher, order: Order) -> None:
        """Take one use of a voucher for an order, exactly within its limits, in the order's transaction.

        `UPDATE voucher SET used_count = used_count + 1 WHERE id = v AND is_active AND (usage_limit
        IS NULL OR used_count < usage_limit)` takes the voucher's row lock until the transaction
        ends; PostgreSQL re-checks the condition against the latest committed row, so N concurrent
        checkouts of a voucher with `usage_limit` k take exactly k uses. Under that lock the
        customer's uses (VoucherUse rows, committed ones included) are counted against
        `usage_limit_per_customer`; then the use is recorded (on PostgreSQL, for a voucher without a
        per-customer limit, the update and the use are one statement). Lock order: variant rows,
        then product rows, then the voucher (checkout takes stock before this; a cancel restocks
        before releasing the voucher).

        Raises:
            InvalidInputError: attr "voucher_code", code voucher_used_up (the last use went to a
                concurrent order, or the voucher was deactivated meanwhile) or voucher_customer_limit;
                raising rolls the caller's transaction (the order) back.
        """
        now = timezone.now()
        if voucher.usage_limit_per_customer is None and connection.vendor == "postgresql":
            # One statement (the use and its row; a data-modifying CTE): the voucher's row lock, the
            # hottest lock of a checkout, is then held for this round trip and the COMMIT only.
            with connection.cursor() as cursor:
                cursor.execute(_REDEEM, [now, voucher.pk, order.user_id, order.pk, now])
                if cursor.fetchone() is None:
                    raise voucher_error("voucher_used_up", "This voucher has been used up.")
            return
        taken = (
            Voucher.objects.filter(pk=voucher.pk, is_active=True)
            .filter(Q(usage_limit__isnull=True) | Q(used_count__lt=F("usage_limit")))
            .update(used_count=F("used_count") + 1, updated_at=now)
        )
        if not taken:
            raise voucher_error("voucher_used_up", "This voucher has been used up.")
        if voucher.usage_limit_per_customer is not None:
            used = VoucherUse.objects.filter(voucher_id=voucher.pk, user_id=order.user_id).count()
            if used >= voucher.usage_limit_per_customer:
                raise voucher_error("voucher_customer_limit", "You have used this voucher as often as allowed.")
        VoucherUse.objects.create(voucher_id=voucher.pk, user_id=order.user_id, order=order)

    @transaction.atomic
    def release(self, order: Order) -> bool:
        """Give an order's voucher use back, exactly once (a cancelled or expired order).

        Deletes the order's VoucherUse row and decrements `used_count` only when this call deleted
        it: of two concurrent releases, the second finds no row and changes nothing.

        Returns:
            True when a use was given back; False when the order held none (no voucher, or
            already released).
        """
        use = VoucherUse.objects.filter(order_id=order.pk).values("pk", "voucher_id").first()
        if use is None:
            return False
        deleted, _ = VoucherUse.objects.filter(pk=use["pk"]).delete()
        if not deleted:  # a concurrent release won
            return False
        Voucher.objects.filter(pk=use["voucher_id"], used_count__gt=0).update(
            used_count=F("used_count") - 1, updated_at=timezone.now()
        )
        return True

    @staticmethod
    def _check(voucher: Voucher, user: User | None, subtotal: Decimal, now: datetime) -> None:
        if not voucher.is_active:
            raise voucher_error("voucher_inactive", "This voucher is not active.")
        if voucher.starts_at and now < voucher.starts_at:
            raise voucher_error("voucher_not_started", "This voucher is not valid yet.")
        if voucher.ends_at and now >= voucher.ends_at:
            raise voucher_error("voucher_expired", "This voucher has expired.")
        if voucher.usage_limit is not None and voucher.used_count >= voucher.usage_limit:
            raise voucher_error("voucher_used_up", "This voucher has been used up.")
        if voucher.usage_limit_per_customer is not None and user is not None:
            used = VoucherUse.objects.filter(voucher=voucher, user=user).count()
            if used >= voucher.usage_limit_per_customer:
                raise voucher_error("voucher_customer_limit", "You have used this voucher as often as allowed.")
        if voucher.min_subtotal is not None and subtotal < voucher.min_subtotal:
            raise voucher_error("voucher_min_subtotal", f"This voucher needs a subtotal of {voucher.min_subtotal}.")
