"""Models of the core app, grouped by domain (one module per aggregate inside each domain package).

Django discovers models through this package, so it imports every domain. Code outside a domain
imports its models through the domain package (`from apps.core.models.catalog import Product`).
"""

from apps.core.models.accounts import SocialAccount, SocialProvider, User
from apps.core.models.base import SoftDeleteModel, SoftDeleteQuerySet, TimeStampedModel
from apps.core.models.catalog import Category, Product, ProductImage, Review
from apps.core.models.events import (
    DeliveryStatus,
    Event,
    EventType,
    ProcessedEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from apps.core.models.idempotency import IdempotencyKey
from apps.core.models.payments import Payment, PaymentStatus, Refund, RefundLine, RefundStatus, WebhookEvent
from apps.core.models.promotions import Voucher, VoucherType, VoucherUse
from apps.core.models.shipping import Address, ShippingMethod, TaxRate
from apps.core.models.shopping import Cart, CartItem, Order, OrderLine, OrderStatus, WishlistItem

__all__ = [
    "DeliveryStatus",
    "Event",
    "EventType",
    "ProcessedEvent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "SocialAccount",
    "SocialProvider",
    "Address",
    "ShippingMethod",
    "TaxRate",
    "Voucher",
    "VoucherType",
    "VoucherUse",
    "Cart",
    "CartItem",
    "Category",
    "IdempotencyKey",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Payment",
    "PaymentStatus",
    "Product",
    "ProductImage",
    "Refund",
    "RefundLine",
    "RefundStatus",
    "Review",
    "SoftDeleteModel",
    "SoftDeleteQuerySet",
    "TimeStampedModel",
    "User",
    "WebhookEvent",
    "WishlistItem",
]
