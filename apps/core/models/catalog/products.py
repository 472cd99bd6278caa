"""The catalog aggregate: a category tree and the products in it."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from apps.core.models.base import SoftDeleteModel

LIVE = Q(deleted_at__isnull=True)
PUBLIC = Q(deleted_at__isnull=True, is_active=True)


class Category(SoftDeleteModel):
    """A node of the category tree; `parent` is null for a root."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True, default="")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    image = models.FileField(max_length=255, blank=True, default="")  # storage name, set by the image service

    class Meta:
        ordering = ("name", "id")
        verbose_name_plural = "categories"
        indexes = [models.Index(fields=["parent"], name="category_parent_idx", condition=LIVE)]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="category_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Product(SoftDeleteModel):
    """A sellable item. Price is Decimal in the shop's currency; stock counts units on hand.

    `rating` (average of reviews, null when none) and `review_count` are denormalized by the
    review service so list pages read them without a query per product.
    """

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=280, unique=True)
    sku = models.CharField("SKU", max_length=64, unique=True)
    description = models.TextField(blank=True, default="")
    brand = models.CharField(max_length=120, blank=True, default="")
    price = models.DecimalField(max_digits=10, decimal_places=2)  # shop currency
    stock = models.PositiveIntegerField(default=0)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    is_active = models.BooleanField(default=True)
    requires_shipping = models.BooleanField(  # db_default: bulk COPY loads (seed_catalog) omit the column
        default=True, db_default=True, help_text="False for what is never shipped (downloads, gift cards, services)."
    )
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            # One partial index per public ordering; the tie-breaker id keeps keyset pages exact.
            models.Index(fields=["-created_at", "-id"], name="product_pub_created_idx", condition=PUBLIC),
            models.Index(fields=["price", "id"], name="product_pub_price_idx", condition=PUBLIC),
            models.Index(fields=["name", "id"], name="product_pub_name_idx", condition=PUBLIC),
            models.Index(fields=["category", "price"], name="product_pub_cat_price_idx", condition=PUBLIC),
            models.Index(fields=["category", "-created_at"], name="product_pub_cat_created_idx", condition=PUBLIC),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=Decimal("0")), name="product_price_gte_0"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0
