"""`/api/vouchers/` (staff) and the voucher checks of the contract, each with its own error code."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.exceptions import InvalidInputError
from apps.core.models.promotions import VoucherType, VoucherUse
from apps.core.services.promotions import discount_of
from tests.factories import UserFactory
from tests.factories_checkout import VoucherFactory
from tests.factories_shop import OrderFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

LIST = "/api/vouchers/"


def test_crud_and_case_insensitive_codes(admin_client, customer_client):
    body = {"code": "Welcome10", "type": "percentage", "value": "10", "usage_limit": 100}
    assert customer_client.post(LIST, body, format="json").status_code == 403
    created = admin_client.post(LIST, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["used_count"] == 0
    assert admin_client.post(LIST, {**body, "code": "WELCOME10"}, format="json").status_code == 409
    assert_envelope(admin_client.post(LIST, {**body, "code": "X1", "value": "150"}, format="json"), 400, attr="value")
    voucher_id = created.json()["id"]
    assert admin_client.patch(f"{LIST}{voucher_id}/", {"is_active": False}, format="json").json()["is_active"] is False
    assert admin_client.get(LIST).json()["count"] == 1
    assert admin_client.delete(f"{LIST}{voucher_id}/").status_code == 204
    assert admin_client.get(f"{LIST}{voucher_id}/").status_code == 404


def test_a_used_voucher_cannot_be_deleted(admin_client):
    voucher = VoucherFactory()
    order = OrderFactory()
    VoucherUse.objects.create(voucher=voucher, user=order.user, order=order)
    assert_envelope(admin_client.delete(f"{LIST}{voucher.pk}/"), 409, code="voucher_in_use")


def refusal(service, code, user=None, subtotal=Decimal("100.00")) -> str:
    with pytest.raises(InvalidInputError) as refused:
        service.check(code, user, subtotal)
    assert refused.value.attr == "voucher_code"
    return refused.value.code


def test_every_refusal_has_its_own_code(container):
    service, now, user = container.voucher_service(), timezone.now(), UserFactory()
    VoucherFactory(code="OFF", is_active=False)
    VoucherFactory(code="SOON", starts_at=now + timedelta(days=1))
    VoucherFactory(code="OLD", ends_at=now - timedelta(seconds=1))
    VoucherFactory(code="GONE", usage_limit=1, used_count=1)
    VoucherFactory(code="BIG", min_subtotal=Decimal("150.00"))
    once = VoucherFactory(code="ONCE", usage_limit_per_customer=1)
    order = OrderFactory(user=user)
    VoucherUse.objects.create(voucher=once, user=user, order=order)
    assert refusal(service, "nope") == "voucher_not_found"
    assert refusal(service, "off") == "voucher_inactive"
    assert refusal(service, "SOON") == "voucher_not_started"
    assert refusal(service, "OLD") == "voucher_expired"
    assert refusal(service, "GONE") == "voucher_used_up"
    assert refusal(service, "ONCE", user) == "voucher_customer_limit"
    assert refusal(service, "BIG") == "voucher_min_subtotal"
    assert service.check(" once ", UserFactory(), Decimal("1.00")).pk == once.pk  # another customer, any case


@pytest.mark.parametrize(
    ("kind", "value", "subtotal", "expected"),
    [
        (VoucherType.PERCENTAGE, "10", "19.99", "2.00"),  # 1.999 -> 2.00, half up
        (VoucherType.PERCENTAGE, "15", "0.10", "0.02"),  # 0.015 -> 0.02
        (VoucherType.FIXED, "5.00", "19.99", "5.00"),
        (VoucherType.FIXED, "50.00", "19.99", "19.99"),  # never more than the subtotal
        (VoucherType.FREE_SHIPPING, "0", "19.99", "0.00"),
    ],
)
def test_discount_of(kind, value, subtotal, expected):
    voucher = VoucherFactory.build(type=kind, value=Decimal(value))
    assert discount_of(voucher, Decimal(subtotal)) == Decimal(expected)
