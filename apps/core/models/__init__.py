"""Models of the core app, one module per aggregate."""

from apps.core.models.base import SoftDeleteModel, SoftDeleteQuerySet, TimeStampedModel
from apps.core.models.carts import Cart, CartItem
from apps.core.models.catalog import Category, Product
from apps.core.models.orders import (
    IdempotencyKey,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    WebhookEvent,
)
from apps.core.models.reviews import Review, WishlistItem
from apps.core.models.users import User

__all__ = [
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
    "Review",
    "SoftDeleteModel",
    "SoftDeleteQuerySet",
    "TimeStampedModel",
    "User",
    "WebhookEvent",
    "WishlistItem",
]
