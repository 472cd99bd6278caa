"""Demo orders for the demo customer, placed through the real services (cart -> order -> pay -> ship).

Baskets come from DummyJSON `carts.json` when present (its products matched to the catalog by
title, case-insensitively, or by SKU), otherwise from the first in-stock products of the catalog.
"""

import json
import logging
from pathlib import Path

from django.apps import apps
from django.db.models import Q
from django.test.utils import override_settings

from apps.core.exceptions import ServiceError
from apps.core.management.demo_checkout import demo_order_input, load_demo_checkout
from apps.core.models.accounts import User
from apps.core.models.catalog import Product, ProductVariant
from apps.core.models.shopping import Order, OrderStatus
from apps.core.services.payments import SandboxGateway

logger = logging.getLogger(__name__)

# Where each demo order ends up, in order of creation.
DEMO_OUTCOMES = (OrderStatus.DELIVERED, OrderStatus.SHIPPED, OrderStatus.PAID, OrderStatus.PENDING)

Basket = list[tuple[Product, int]]


def baskets_from_carts(path: Path, *, limit: int) -> list[Basket]:
    """Up to `limit` baskets from a DummyJSON carts file, keeping only products found in the catalog.

    Quantities are clamped to the stock on hand; a cart matching nothing is skipped.
    """
    try:
        carts = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("carts file unreadable", extra={"path": str(path)})
        return []
    if isinstance(carts, dict):  # the API's envelope {"carts": [...]}
        carts = carts.get("carts", [])
    baskets: list[Basket] = []
    for cart in carts if isinstance(carts, list) else []:
        basket: Basket = []
        for entry in cart.get("products", []) if isinstance(cart, dict) else []:
            title, sku = str(entry.get("title", "")), str(entry.get("sku", ""))
            match = Q(name__iexact=title) | Q(sku__iexact=sku) if sku else Q(name__iexact=title)
            product = Product.objects.alive().filter(match, is_active=True, stock__gt=0).first()
            quantity = entry.get("quantity", 1)
            if product and isinstance(quantity, int) and quantity > 0 and product not in dict(basket):
                basket.append((product, min(quantity, product.stock)))
        if basket:
            baskets.append(basket)
        if len(baskets) == limit:
            break
    return baskets


def baskets_from_catalog(*, limit: int) -> list[Basket]:
    """Up to `limit` baskets of two in-stock products each, from the catalog."""
    products = list(Product.objects.alive().filter(is_active=True, stock__gt=1).order_by("id")[: limit * 2])
    return [[(p, 1) for p in products[i : i + 2]] for i in range(0, len(products), 2)][:limit]


def create_demo_orders(customer: User, carts_file: Path | None) -> list[Order]:
    """Give the customer a few orders in different statuses (none when they already have orders).

    Every step goes through the services, so stock, totals, payments and the state machine
    behave as in production; e-mails are discarded. Orders ship to the customer's default address
    (load_demo_checkout) with the method serving it; the first one uses the WELCOME10 voucher.

    Returns:
        The orders created, in DEMO_OUTCOMES order.
    """
    if Order.objects.filter(user=customer).exists():
        return []
    load_demo_checkout()  # idempotent: the methods, rates and voucher the orders use
    limit = len(DEMO_OUTCOMES)
    baskets = baskets_from_carts(carts_file, limit=limit) if carts_file and carts_file.exists() else []
    baskets = baskets or baskets_from_catalog(limit=limit)
    container = apps.get_app_config("core").container
    carts, orders_service = container.cart_service(), container.order_service()
    payments = container.payment_service(gateway=SandboxGateway(outcome="succeed"))
    created: list[Order] = []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for basket, outcome in zip(baskets, DEMO_OUTCOMES, strict=False):
            try:
                carts.clear(customer)
                for product, quantity in basket:
                    # its default variant first (a demo product may have sizes or colours), one still in stock
                    variant = (
                        ProductVariant.objects.filter(product_id=product.pk, deleted_at__isnull=True, stock__gt=0)
                        .order_by("-is_default", "id")
                        .values_list("pk", "stock")
                        .first()
                    )
                    if variant:  # earlier demo orders may have taken some of it
                        carts.add_item(customer, product.pk, min(quantity, variant[1]), variant_id=variant[0])
                # an address, the method serving it, and WELCOME10 on the first order (once per customer)
                order, _ = orders_service.place_order(customer, demo_order_input(customer, with_voucher=not created))
                if outcome != OrderStatus.PENDING:
                    payments.pay(customer, order.pk, method="card")
                if outcome in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
                    tracking = f"1ZDEMO{order.pk:010d}"
                    orders_service.set_status(order.pk, OrderStatus.SHIPPED, tracking_number=tracking, carrier="UPS")
                if outcome == OrderStatus.DELIVERED:
                    orders_service.set_status(order.pk, OrderStatus.DELIVERED)
                created.append(Order.objects.get(pk=order.pk))
            except ServiceError as exc:  # e.g. stock ran out meanwhile: skip this basket
                logger.warning("demo order skipped", extra={"reason": exc.detail})
    return created
