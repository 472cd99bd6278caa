"""Models of the core app, grouped by domain (one module per aggregate inside each domain package).

Django discovers models through this package, so it imports every domain. Code outside a domain
imports its models through the domain package (`from apps.core.models.catalog import Product`).
"""

from apps.core.models.accounts import User
from apps.core.models.base import SoftDeleteModel, SoftDeleteQuerySet, TimeStampedModel
from apps.core.models.catalog import Category, Product, Review

# --- events (issue 14) ---
from apps.core.models.events import (
    DeliveryStatus,
    Event,
    EventType,
    ProcessedEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from apps.core.models.payments import Payment, PaymentStatus, WebhookEvent

# --- end events ---
from apps.core.models.shopping import Cart, CartItem, IdempotencyKey, Order, OrderLine, OrderStatus, WishlistItem

__all__ = [
    # --- events (issue 14) ---
    "DeliveryStatus",
    "Event",
    "EventType",
    "ProcessedEvent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    # --- end events ---
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
