"""The shopping domain's services: what other domains may use."""

from apps.core.services.shopping.cart import CartService
from apps.core.services.shopping.expiry import OrderExpiryService
from apps.core.services.shopping.notifications import NotificationService
from apps.core.services.shopping.order_status import OrderStateMachine
from apps.core.services.shopping.orders import OrderService
from apps.core.services.shopping.refunds import RefundLineRequest, RefundRequest, RefundService
from apps.core.services.shopping.wishlist import WishlistService

__all__ = [
    "CartService",
    "NotificationService",
    "OrderExpiryService",
    "OrderService",
    "OrderStateMachine",
    "RefundLineRequest",
    "RefundRequest",
    "RefundService",
    "WishlistService",
]
