"""The shopping domain's serializers: what other domains may use."""

from apps.core.serializers.shopping.cart import (
    MAX_ID,
    CartItemInputSerializer,
    CartItemOutputSerializer,
    CartItemUpdateInputSerializer,
    CartOutputSerializer,
)
from apps.core.serializers.shopping.orders import (
    IDEMPOTENCY_KEY_PATTERN,
    IdempotencyHeaderSerializer,
    OrderInputSerializer,
    OrderListQuerySerializer,
    OrderOutputSerializer,
    OrderStatusInputSerializer,
)
from apps.core.serializers.shopping.refunds import (
    RefundInputSerializer,
    RefundLineInputSerializer,
    RefundLineOutputSerializer,
    RefundOutputSerializer,
)
from apps.core.serializers.shopping.wishlist import WishlistInputSerializer

__all__ = [
    "CartItemInputSerializer",
    "CartItemOutputSerializer",
    "CartItemUpdateInputSerializer",
    "CartOutputSerializer",
    "IDEMPOTENCY_KEY_PATTERN",
    "IdempotencyHeaderSerializer",
    "MAX_ID",
    "OrderInputSerializer",
    "OrderListQuerySerializer",
    "OrderOutputSerializer",
    "OrderStatusInputSerializer",
    "RefundInputSerializer",
    "RefundLineInputSerializer",
    "RefundLineOutputSerializer",
    "RefundOutputSerializer",
    "WishlistInputSerializer",
]
