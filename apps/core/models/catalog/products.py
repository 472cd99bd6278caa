"""The catalog aggregate: a category tree and the products in it."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from apps.core.models.base import SoftDeleteModel

LIVE = Q(deleted_at__isnull=True)
PUBLIC = Q(deleted_at__isnull=True, is_active=True)
# What the public may read by detail (not list): active products and discontinued ones.
DETAIL_VISIBLE = Q(is_active=True) | Q(status="discontinued")
SAMPLE_BUCKETS = 1024


class SampleBucket(models.Func):
    """A product's sample bucket, 0..SAMPLE_BUCKETS - 1: its id hashed (`hashint8(id) & 1023` on
    PostgreSQL), so `bucket < t` keeps a pseudo-random t/1024 of any set of products, and the facets'
    sample of a category is a range of `product_pub_cat_options_idx` (migration 0024, see FacetService).

    Computed, never stored: the index holds it. Other databases (SQLite) get the id's low bits,
    only so that migration 0023's index can be built there; they never sample.
    """

    template = f"(hashint8(%(expressions)s) & {SAMPLE_BUCKETS - 1})"
    output_field = models.IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template=f"(%(expressions)s & {SAMPLE_BUCKETS - 1})")


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


class ProductStatus(models.TextChoices):
    """Where a product is in its life: `draft` (being prepared), `active` (listed and sold),
    `inactive` (hidden for now), `discontinued` (no longer sold; its detail page stays visible)."""

    DRAFT = "draft"
    ACTIVE = "active"
    INACTIVE = "inactive"
    DISCONTINUED = "discontinued"


class Product(SoftDeleteModel):
    """A sellable item. Price is Decimal in the shop's currency; stock counts units on hand.

    `status` is the product's life-cycle state; `is_active` is kept beside it as a real column, true
    exactly when `status` is `active` (the product service writes both), because every public
    query and partial index reads `is_active`. `meta_title`/`meta_description` are SEO texts.

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
    # db_default: bulk loaders that COPY named columns (seed_catalog) get an active product.
    status = models.CharField(
        max_length=16, choices=ProductStatus.choices, default=ProductStatus.ACTIVE, db_default=ProductStatus.ACTIVE
    )
    meta_title = models.CharField(max_length=255, blank=True, default="", db_default="")
    meta_description = models.CharField(max_length=500, blank=True, default="", db_default="")
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
            # the facets of a category read `product_pub_cat_options_idx` (PostgreSQL, migration 0024): keyed
            # on (category, SampleBucket(id)) like this table's columns, it includes a column Django does not know
            # ordering=rating|-rating and min_rating (both directions of one index; unrated rows are not in it)
            models.Index(
                fields=["rating", "id"], name="product_pub_rating_idx", condition=PUBLIC & Q(rating__isnull=False)
            ),
            # Staff lists of the few products that are not active (?status=draft,...), newest first.
            models.Index(
                fields=["status", "-created_at", "-id"],
                name="product_unlisted_status_idx",
                condition=LIVE & ~Q(status="active"),
            ),
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
