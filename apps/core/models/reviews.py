"""Reviews and wishlists: what a user thinks of, or wants, a product."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models.base import TimeStampedModel
from apps.core.models.catalog import Product


class Review(TimeStampedModel):
    """A buyer's rating (1-5) and comment; one per user and product."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["product", "-created_at", "-id"], name="review_product_created_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_5"),
            models.UniqueConstraint(fields=["user", "product"], name="review_user_product_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 on {self.product_id} by {self.user_id}"


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
