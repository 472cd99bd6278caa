"""The admin shows an order's tracking and refunds (read-only), and refunds on their own."""

from decimal import Decimal

import pytest
from django.apps import apps

from apps.core.models.shopping import OrderStatus
from apps.core.services.shopping import RefundLineRequest, RefundRequest
from tests.factories import AdminFactory, ProductFactory
from tests.factories_shop import paid_order

pytestmark = pytest.mark.django_db


def test_order_page_shows_tracking_and_refunds_read_only(admin_site_client):
    order = paid_order((ProductFactory(price=Decimal("7.25"), sku="MUG-7"), 2))
    container = apps.get_app_config("core").container
    container.order_service().set_status(order.pk, OrderStatus.SHIPPED, tracking_number="JJD0001", carrier="DHL")
    line = order.lines.get()
    refund, _ = container.refund_service().refund(
        AdminFactory(), order.pk, RefundRequest(lines=(RefundLineRequest(line=line.pk, quantity=1),), reason="dent")
    )

    page = admin_site_client.get(f"/admin/core/order/{order.pk}/change/").content.decode()
    assert "JJD0001" in page
    assert "DHL" in page
    assert "1 x MUG-7 (7.25)" in page  # the refund inline
    assert 'name="refunds-0-amount"' not in page  # nothing editable
    assert admin_site_client.get("/admin/core/refund/").status_code == 200
    detail = admin_site_client.get(f"/admin/core/refund/{refund.pk}/change/")
    assert detail.status_code == 200
    assert "dent" in detail.content.decode()
    assert admin_site_client.get("/admin/core/order/", {"q": "JJD0001"}).content.decode().count(order.number) >= 1
