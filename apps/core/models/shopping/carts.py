"""The cart aggregate: one cart per user holding products and quantities (prices are read live)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models.base import TimeStampedModel
from apps.core.models.catalog import Product, ProductVariant


class Cart(TimeStampedModel):
    """A user's shopping cart; created on first use, emptied (not deleted) by checkout."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart")

    class Meta:
        ordering = ("-updated_at", "-id")

    def __str__(self) -> str:
        return f"Cart of {self.user}"


class CartItem(TimeStampedModel):
    """A variant and a quantity (>= 1) in a cart; one row per variant. `product` repeats the variant's product."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cartitem_quantity_gte_1"),
            models.UniqueConstraint(fields=["cart", "variant"], name="cartitem_cart_variant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"

    @property
    def line_total(self) -> Decimal:
        """Today's price of the line: the variant's unit price x quantity (shop currency)."""
        return (self.variant.price * self.quantity).quantize(Decimal("0.01"))
