"""The shopping domain's models: what other domains may use."""

from apps.core.models.shopping.carts import Cart, CartItem
from apps.core.models.shopping.orders import Order, OrderLine, OrderStatus
from apps.core.models.shopping.wishlist import WishlistItem

__all__ = ["Cart", "CartItem", "Order", "OrderLine", "OrderStatus", "WishlistItem"]
