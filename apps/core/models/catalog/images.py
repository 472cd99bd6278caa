"""Product images: files in the default storage (`STORAGES["default"]`), one main image per product."""

from django.db import models
from django.db.models import Q

from apps.core.models.base import TimeStampedModel
from apps.core.models.catalog.products import Product


class ProductImage(TimeStampedModel):
    """A picture of a product: the re-encoded image, its thumbnail and their pixel size.

    `image` and `thumbnail` hold storage names (`products/<product id>/<uuid>.<ext>`), written by
    the image service; a product with images has exactly one `is_main` image (partial unique index,
    kept by the service). Deleting a row does not delete files: the service does, after commit.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(max_length=255)
    thumbnail = models.FileField(max_length=255)
    alt_text = models.CharField(max_length=255, blank=True, default="")
    is_main = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField()  # pixels
    height = models.PositiveIntegerField()  # pixels

    class Meta:
        ordering = ("position", "id")
        indexes = [models.Index(fields=["product", "position", "id"], name="product_image_order_idx")]
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=Q(is_main=True), name="product_image_one_main"),
        ]

    def __str__(self) -> str:
        return f"image {self.pk} of product {self.product_id}"
