"""Product and category images: upload, list, change and delete, keeping one main image per product."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, QuerySet

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.infra.images import MediaFiles, clean_image
from apps.core.infra.precompiled import PrecompiledRows
from apps.core.models.catalog import DETAIL_VISIBLE, Category, Product, ProductImage
from apps.core.services.catalog.cache import CatalogCache

_UNSET = object()
MAX_POSITION = 2_147_483_647  # the column's range (PostgreSQL integer)


@dataclass(frozen=True)
class ProductImageInput:
    """Fields of an image write; `_UNSET` fields are not changed (PATCH), `position` None: after the last."""

    alt_text: str | object = _UNSET
    is_main: bool | object = _UNSET
    position: int | None | object = _UNSET

    @classmethod
    def from_mapping(cls, data: dict) -> "ProductImageInput":
        """The input from validated serializer data; keys that are not fields are ignored."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class _ImageWriter:
    """Base of the image services: what they are built with.

    Args:
        catalog_cache: invalidation of cached catalog reads.
        media: where image files are stored, and the upload limits.
    """

    def __init__(self, catalog_cache: CatalogCache, media: MediaFiles) -> None:
        self._catalog_cache = catalog_cache
        self._media = media


class ProductImageService(_ImageWriter):
    """A product's images; every write invalidates the cached product reads (they embed the main image)."""

    def list(self, product_id: int, *, include_inactive: bool = False) -> list[ProductImage]:
        """The images of a live product, by `position`, then id.

        Raises:
            NotFoundError: no live product (active or discontinued, unless `include_inactive`) has that id.
        """
        products = Product.objects.alive()
        if not include_inactive:
            products = products.filter(DETAIL_VISIBLE)  # a discontinued product's detail shows its images
        if not products.filter(pk=product_id).exists():
            raise NotFoundError(f"Product {product_id} does not exist.")
        return list(self._images(product_id))

    @transaction.atomic
    def create(self, product_id: int, upload, data: ProductImageInput) -> ProductImage:
        """Validate, re-encode and store an uploaded image (and its thumbnail) for a live product.

        The product's first image becomes its main image whatever `is_main` says; a later one
        with `is_main` true takes the role over. Locks the product row (image writes of one
        product run one at a time).

        Raises:
            NotFoundError: no live product has that id.
            ImageRejectedError: the upload is not an acceptable image (attr "image"); nothing is stored.
        """
        product = self._locked_product(product_id)
        clean = clean_image(upload, self._media.rules)
        images = self._images(product.pk)
        is_main = not images.filter(is_main=True).exists() or data.is_main is True
        position = data.position if isinstance(data.position, int) else self._next_position(images)
        name, thumbnail = self._media.save(f"products/{product.pk}", clean)
        try:
            if is_main:
                images.filter(is_main=True).update(is_main=False)
            image = ProductImage.objects.create(
                product=product,
                image=name,
                thumbnail=thumbnail,
                alt_text=data.alt_text if isinstance(data.alt_text, str) else "",
                is_main=is_main,
                position=position,
                width=clean.width,
                height=clean.height,
            )
        except Exception:
            self._media.delete_now(name, thumbnail)
            raise
        self._catalog_cache.products_changed()
        return image

    @transaction.atomic
    def update(self, product_id: int, image_id: int, data: ProductImageInput) -> ProductImage:
        """Change an image's alt text, position or main flag.

        Making an image main un-mains the other; un-maining the main image makes the next one
        (by position) main.

        Raises:
            NotFoundError: no such image of a live product.
            InvalidInputError: `is_main` false on the product's only image (code "main_required").
        """
        self._locked_product(product_id)
        image = self._get(product_id, image_id)
        for name in ("alt_text", "position"):
            value = getattr(data, name)
            if value is not _UNSET and value is not None:
                setattr(image, name, value)
        if data.is_main is True and not image.is_main:
            self._images(product_id).filter(is_main=True).update(is_main=False)
            image.is_main = True
        elif data.is_main is False and image.is_main:
            successor = self._images(product_id).exclude(pk=image.pk).first()
            if successor is None:
                raise InvalidInputError(
                    "A product with images needs a main image.", code="main_required", attr="is_main"
                )
            image.is_main = False
            image.save(update_fields=["is_main", "updated_at"])
            ProductImage.objects.filter(pk=successor.pk).update(is_main=True)
        image.save()
        self._catalog_cache.products_changed()
        return image

    @transaction.atomic
    def delete(self, product_id: int, image_id: int) -> None:
        """Delete an image and, after commit, its files; the next image by position becomes main.

        Raises:
            NotFoundError: no such image of a live product.
        """
        self._locked_product(product_id)
        image = self._get(product_id, image_id)
        image.delete()
        if image.is_main:
            successor = self._images(product_id).first()
            if successor is not None:
                ProductImage.objects.filter(pk=successor.pk).update(is_main=True)
        self._media.delete_on_commit(image.image.name, image.thumbnail.name)
        self._catalog_cache.products_changed()

    def _get(self, product_id: int, image_id: int) -> ProductImage:
        try:
            return self._images(product_id).get(pk=image_id)
        except ProductImage.DoesNotExist:
            raise NotFoundError(f"Image {image_id} of product {product_id} does not exist.") from None

    @staticmethod
    def _images(product_id: int) -> QuerySet[ProductImage]:
        return ProductImage.objects.filter(product_id=product_id).order_by("position", "id")

    @staticmethod
    def _next_position(images: QuerySet[ProductImage]) -> int:
        last = images.aggregate(last=Max("position"))["last"]
        return 0 if last is None else min(last + 1, MAX_POSITION)  # at the top, ties go by id

    @staticmethod
    def _locked_product(product_id: int) -> Product:
        product = Product.objects.alive().select_for_update().filter(pk=product_id).only("id").first()
        if product is None:
            raise NotFoundError(f"Product {product_id} does not exist.")
        return product


class CategoryImageService(_ImageWriter):
    """A category's single image (no thumbnail); a change invalidates category and product reads."""

    @transaction.atomic
    def replace(self, category_id: int, upload) -> Category:
        """Validate and store a category's image; the one it replaces is deleted after commit.

        Raises:
            NotFoundError: no live category has that id.
            ImageRejectedError: the upload is not an acceptable image (attr "image"); nothing is stored.
        """
        category = Category.objects.alive().select_for_update().filter(pk=category_id).first()
        if category is None:
            raise NotFoundError(f"Category {category_id} does not exist.")
        self._media.replace_upload(category, "image", upload, folder="categories")
        self._catalog_cache.categories_changed()
        return category


def attach_main_images(products: list[Product]) -> None:
    """Set `main_image_name` and `main_thumbnail_name` (storage names or None) on products lacking them.

    List queries annotate them already (`product_queries.list_rows`); others (a detail, the
    wishlist) get them here in one query for all the given products.
    """
    missing = {p.pk: p for p in products if not hasattr(p, "main_image_name")}
    if not missing:
        return
    rows = ProductImage.objects.filter(product_id__in=missing, is_main=True).values_list(
        "product_id", "image", "thumbnail"
    )
    found = {product_id: (image, thumbnail) for product_id, image, thumbnail in rows}
    for pk, product in missing.items():
        product.main_image_name, product.main_thumbnail_name = found.get(pk, (None, None))


@dataclass(frozen=True, slots=True)
class ImageView:
    """A product image as the product detail shows it, read without building a model instance.

    Attributes:
        image_name: storage name of the re-encoded image (what `ProductImage.image.name` holds).
        thumbnail_name: storage name of its thumbnail.
        width: pixels; height: pixels.
    """

    id: int
    image_name: str
    thumbnail_name: str
    alt_text: str
    is_main: bool
    position: int
    width: int
    height: int


# A product's images by position, then id, compiled once per connection (see apps.core.infra.precompiled).
PRODUCT_IMAGE_ROWS = PrecompiledRows(
    lambda product_id: (
        ProductImage.objects.filter(product_id=product_id)
        .order_by("position", "id")
        .values_list("id", "image", "thumbnail", "alt_text", "is_main", "position", "width", "height")
    )
)


def product_images(product_id: int) -> list[ImageView]:
    """The images of a product by `position`, then id, in one query (the product is not checked).

    The product detail reads them with the product (`ProductService.get`); `ProductImageService.list`
    is the checked read of the images endpoint.
    """
    return images_from_rows(PRODUCT_IMAGE_ROWS.all(product_id))


def images_from_rows(rows: list[tuple]) -> list[ImageView]:
    """`product_images`' answer from the rows of `PRODUCT_IMAGE_ROWS` (run with others, see `run_together`)."""
    return [ImageView(*row) for row in rows]
