"""Demo images: a Pillow-drawn placeholder per product and per category, stored through the image services.

DummyJSON records only name remote image URLs; nothing is downloaded and no image ships in the
repository. Each picture is drawn here: a background colour derived from the name (the same
name always gets the same colour), the name wrapped in large type and the category below. It is
then uploaded through `ProductImageService` / `CategoryImageService` like an admin's upload, so it
is validated, re-encoded and thumbnailed once, and stored on the configured storage (local
MEDIA_ROOT or S3). Products and categories that have an image already are skipped: a second run
draws nothing.
"""

import colorsys
import functools
import hashlib
import io
import textwrap
import time
from dataclasses import dataclass

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef
from PIL import Image, ImageDraw, ImageFont

from apps.core.models.catalog import Category, Product, ProductImage
from apps.core.services.catalog import ProductImageInput

SIZE = 480  # pixels, square (thumbnails: IMAGE_THUMBNAIL_PX); resizing dominates, keep it small
CATEGORY_SIZE = (640, 320)


@dataclass(frozen=True)
class ImageSummary:
    """What one run stored: product images, category images, and the seconds it took."""

    products: int
    categories: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.products} products, {self.categories} categories drawn in {self.seconds:.1f} s"


def colour_of(name: str) -> tuple[int, int, int]:
    """A soft RGB colour derived from `name` (stable across runs and machines)."""
    digest = hashlib.sha256(name.encode()).digest()
    hue = digest[0] / 255
    saturation = 0.35 + digest[1] / 255 * 0.3
    value = 0.75 + digest[2] / 255 * 0.2
    red, green, blue = colorsys.hsv_to_rgb(hue, saturation, value)
    return round(red * 255), round(green * 255), round(blue * 255)


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font at `size` points (loaded once per size)."""
    return ImageFont.load_default(size=size)


def placeholder(title: str, subtitle: str, size: tuple[int, int] = (SIZE, SIZE)) -> bytes:
    """A JPEG of `size` pixels: `title` wrapped and centred on its colour, `subtitle` in small type below."""
    background = colour_of(title)
    ink = (20, 20, 20) if sum(background) > 450 else (250, 250, 250)
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, height - height // 6, width, height), fill=tuple(round(c * 0.8) for c in background))
    title_font = _font(max(24, width // 14))
    lines = textwrap.wrap(title, width=16)[:4]
    text = "\n".join(lines)
    box = draw.multiline_textbbox((0, 0), text, font=title_font, align="center", spacing=10)
    x = (width - (box[2] - box[0])) / 2
    y = (height - height // 6 - (box[3] - box[1])) / 2
    draw.multiline_text((x, y), text, font=title_font, fill=ink, align="center", spacing=10)
    small = _font(max(14, width // 30))
    draw.text((width / 2, height - height // 12), subtitle, font=small, fill=ink, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def add_demo_images() -> ImageSummary:
    """Draw and store an image for every live product and category that has none.

    Returns:
        The summary, with the time taken in seconds.
    """
    started = time.perf_counter()
    container = apps.get_app_config("core").container
    product_images, category_images = container.product_image_service(), container.category_image_service()
    products = (
        Product.objects.alive()
        .filter(~Exists(ProductImage.objects.filter(product=OuterRef("pk"))))
        .select_related("category")
        .order_by("id")
    )

    def product_image(product: Product) -> None:
        picture = placeholder(product.name, product.category.name)
        upload = SimpleUploadedFile(f"{product.slug}.jpg", picture, content_type="image/jpeg")
        product_images.create(product.pk, upload, ProductImageInput(alt_text=product.name[:255]))

    def category_image(category: Category) -> None:
        picture = placeholder(category.name, "Nexus Commerce", CATEGORY_SIZE)
        category_images.replace(category.pk, SimpleUploadedFile(f"{category.slug}.jpg", picture))

    done_products = done_categories = 0
    for product in products:
        product_image(product)
        done_products += 1
    for category in Category.objects.alive().filter(image="").order_by("id"):
        category_image(category)
        done_categories += 1
    return ImageSummary(done_products, done_categories, time.perf_counter() - started)
