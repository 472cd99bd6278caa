"""Variants, option links and image rows of the synthetic catalog (`manage.py seed_catalog`).

The generator (`synthetic_catalog`) decides each product's variants (`Row.variants`), rating and
image count; this module turns them into rows: COPY text for PostgreSQL, model instances for the
ORM path. Image rows name files under `seed/` that do not exist (the benchmark needs the rows,
not the pictures).
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from apps.core.management.synthetic_catalog import COLORS, MAX_VARIANTS, SIZES, Row  # noqa: F401 - re-exported
from apps.core.models.catalog import OptionType, OptionValue, ProductImage, ProductVariant, VariantOption

IMAGE_SIZE = (800, 800)  # pixels recorded on the seeded image rows


@dataclass(frozen=True)
class OptionIds:
    """Database ids of the `size` and `color` option types and of their values (in SIZES/COLORS order)."""

    size_type: int
    sizes: tuple[int, ...]
    color_type: int
    colors: tuple[int, ...]

    def links(self, size: int | None, color: int | None) -> list[tuple[int, int]]:
        """(option type id, option value id) pairs of a variant with these SIZES/COLORS indexes."""
        out = []
        if size is not None:
            out.append((self.size_type, self.sizes[size]))
        if color is not None:
            out.append((self.color_type, self.colors[color]))
        return out

    def signature(self, size: int | None, color: int | None) -> str:
        """The variant's `option_signature`: its option value ids, sorted, joined by "."."""
        return ".".join(str(v) for v in sorted(value for _, value in self.links(size, color)))


@transaction.atomic
def ensure_option_types() -> OptionIds:
    """Create (or reuse, by slug) the option types `size` (XS..XXL in order) and `color` and their values."""
    found = []
    for name, values in (("Size", SIZES), ("Color", COLORS)):
        option_type, _ = OptionType.objects.get_or_create(slug=name.lower(), defaults={"name": name})
        ids = []
        for position, value in enumerate(values):
            option_value, _ = OptionValue.objects.get_or_create(
                option_type=option_type, slug=value.lower(), defaults={"value": value, "position": position}
            )
            ids.append(option_value.pk)
        found.append((option_type.pk, tuple(ids)))
    return OptionIds(found[0][0], found[0][1], found[1][0], found[1][1])


def image_names(product_id: int, n: int) -> tuple[str, str]:
    """Storage names (image, thumbnail) of the n-th seeded image of a product (no file behind them)."""
    return f"seed/products/{product_id}/{n}.jpg", f"seed/products/{product_id}/{n}_thumb.jpg"


class CopyChunks:
    """COPY text of the variants, option links and images of consecutive products.

    Args:
        options: the option ids.
        next_variant_id: the id the next variant gets (ids are explicit: links need them).
    """

    VARIANT_COLUMNS = (
        "id", "product_id", "sku", "price", "stock", "is_default", "low_stock_threshold", "option_signature",
        "position", "created_at", "updated_at", "deleted_at",
    )  # fmt: skip
    LINK_COLUMNS = ("variant_id", "option_type_id", "option_value_id", "product_id")
    IMAGE_COLUMNS = (
        "product_id", "image", "thumbnail", "alt_text", "is_main", "position", "width", "height", "created_at",
        "updated_at",
    )  # fmt: skip

    def __init__(self, options: OptionIds, next_variant_id: int) -> None:
        self.options, self.next_variant_id = options, next_variant_id

    def rows(self, products: Iterable[tuple[int, Row]]) -> tuple[bytes, bytes, bytes]:
        """(variants, links, images) COPY text of (product id, row) pairs."""
        variants, links, images = io.StringIO(), io.StringIO(), io.StringIO()
        for product_id, r in products:
            created = r.created_at.isoformat()
            for k, v in enumerate(r.variants):
                vid = self.next_variant_id
                self.next_variant_id += 1
                signature = self.options.signature(v.size, v.color)
                variants.write(
                    f"{vid}\t{product_id}\t{v.sku}\t{v.price}\t{v.stock}\t{'t' if k == 0 else 'f'}\t\\N\t"
                    f"{signature}\t{k}\t{created}\t{created}\t\\N\n"
                )
                for type_id, value_id in self.options.links(v.size, v.color):
                    links.write(f"{vid}\t{type_id}\t{value_id}\t{product_id}\n")
            for n in range(r.images):
                image, thumb = image_names(product_id, n)
                images.write(
                    f"{product_id}\t{image}\t{thumb}\t{r.name}\t{'t' if n == 0 else 'f'}\t{n}\t"
                    f"{IMAGE_SIZE[0]}\t{IMAGE_SIZE[1]}\t{created}\t{created}\n"
                )
        return variants.getvalue().encode(), links.getvalue().encode(), images.getvalue().encode()


def create_with_orm(rows: list[Row], product_ids: dict[str, int], options: OptionIds) -> None:
    """Variants, option links and images of `rows` through `bulk_create` (small catalogs, SQLite).

    Args:
        rows: generated products, already saved.
        product_ids: their database ids by SKU.
        options: the option ids.
    """
    variants = [
        ProductVariant(
            product_id=product_ids[r.sku],
            sku=v.sku,
            price=v.price,
            stock=v.stock,
            is_default=k == 0,
            option_signature=options.signature(v.size, v.color),
            position=k,
        )
        for r in rows
        for k, v in enumerate(r.variants)
    ]
    ProductVariant.objects.bulk_create(variants)
    variant_ids = dict(ProductVariant.objects.filter(sku__in=[v.sku for v in variants]).values_list("sku", "id"))
    VariantOption.objects.bulk_create(
        VariantOption(
            variant_id=variant_ids[v.sku], option_type_id=t, option_value_id=value, product_id=product_ids[r.sku]
        )
        for r in rows
        for v in r.variants
        for t, value in options.links(v.size, v.color)
    )
    ProductImage.objects.bulk_create(
        ProductImage(
            product_id=product_ids[r.sku],
            image=image_names(product_ids[r.sku], n)[0],
            thumbnail=image_names(product_ids[r.sku], n)[1],
            alt_text=r.name,
            is_main=n == 0,
            position=n,
            width=IMAGE_SIZE[0],
            height=IMAGE_SIZE[1],
        )
        for r in rows
        for n in range(r.images)
    )
