"""Wishlists: the products a user wants."""

from django.conf import settings
from django.db import models

from apps.core.models.catalog import Product


class WishlistItem(models.Model):
    """A product a user saved for later; one row per user and product."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="wishlist_entries")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="wishlistitem_user_product_unique")]

    def __str__(self) -> str:
        return f"{self.product_id} for {self.user_id}"
