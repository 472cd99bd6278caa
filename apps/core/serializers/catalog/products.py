"""Product serializers: the list query, writes, and what clients read."""

import decimal
from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.models.catalog import Category, Product, ProductStatus
from apps.core.serializers.catalog.images import MainImageSerializer, ProductImageOutputSerializer, media_url
from apps.core.serializers.catalog.product_filters import OptionParamsMixin
from apps.core.serializers.catalog.variants import VariantOutputSerializer
from apps.core.serializers.common import PageQuerySerializer, page_of, utc_timestamp
from apps.core.services.catalog import ORDERINGS, attach_main_images

_STATUS = "(?:" + "|".join(ProductStatus.values) + ")"
_STATUS_LIST = rf"^{_STATUS}(?:,{_STATUS})*$"


class ProductListQuerySerializer(OptionParamsMixin, PageQuerySerializer):
    """Query of `GET /api/products/`; every filter is optional and they combine.

    Besides the declared parameters, every option type slug is one (`size=M,L&color=black`, see
    `OptionParamsMixin`); `validated_data["options"]` holds them.

    Context: `staff` (bool) says whether the caller may send `status`.
    """

    category = serializers.RegexField(
        r"^[-a-zA-Z0-9_]+$",
        max_length=140,
        required=False,
        help_text="Category id or slug; includes its sub-categories.",
    )
    min_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text="Inclusive lower price bound.",
    )
    max_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text="Inclusive upper price bound.",
    )
    in_stock = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="`true`: stock > 0; `false`: out of stock."
    )
    search = serializers.CharField(
        required=False,
        max_length=settings.SEARCH_MAX_LENGTH,
        trim_whitespace=True,
        allow_blank=True,
        help_text="Keywords over name, description and SKU.",
    )
    min_rating = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=5,
        help_text="Products whose average review rating is at least this (1-5); unrated products are left out.",
    )
    ordering = serializers.ChoiceField(
        choices=ORDERINGS,
        required=False,
        help_text="Default `-created_at`; when searching, relevance (exact SKU, then name/SKU hits, then the rest). "
        "`rating`/`-rating`: unrated products come last in both directions.",
    )
    # A signed token (URL-safe base64 and ":" / "."); ASCII-only keeps the longest valid query string
    # well under a server's request-line limit (gunicorn: 8,190 bytes), which would answer an HTML 414.
    # "+", not "*": the empty cursor is allow_blank's (the schema's `oneOf` branches must not overlap).
    cursor = serializers.RegexField(
        r"^[A-Za-z0-9_.:-]+$",
        required=False,
        allow_blank=True,
        max_length=1000,
        error_messages={"invalid": "Not a cursor of this list."},
        help_text="Keyset pagination: empty for the first page, then the token in `next`/`previous`. Not with `page`.",
    )

    status = serializers.RegexField(
        _STATUS_LIST,
        required=False,
        max_length=100,
        error_messages={"invalid": "A comma-separated list of draft, active, inactive, discontinued."},
        help_text="Staff only (a 400 for anyone else): list products having any of these statuses, comma-separated "
        "(e.g. `draft,inactive`) instead of the active ones.",
    )

    def validate_status(self, value: str) -> tuple[str, ...]:
        """The statuses, sorted and without repeats; refused unless the context says the caller is staff."""
        if not self.context.get("staff"):
            raise serializers.ValidationError("Only staff may filter products by status.", code="staff_only")
        return tuple(sorted(set(value.split(","))))

    def validate_search(self, value: str) -> str | None:
        value = " ".join(value.split())
        return value or None

    def validate(self, attrs: dict) -> dict:
        # Rules over two parameters, which an OpenAPI schema cannot state: each has its own code, so
        # clients (and the contract fuzzer) can tell them from a malformed value ("invalid").
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"min_price": "min_price must not exceed max_price."}, code="min_price_above_max_price"
            )
        if "cursor" in attrs and "page" in self.initial_data:
            raise serializers.ValidationError(
                {"cursor": "Use either page or cursor, not both."}, code="cursor_with_page"
            )
        return attrs


class ProductInputSerializer(serializers.Serializer):
    """Fields of a product write; `category` is an id. Price is a decimal string, never negative."""

    name = serializers.CharField(max_length=255)
    slug = serializers.SlugField(max_length=280, required=False, allow_null=True)
    sku = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9._\-]*$",
        max_length=64,
        error_messages={"invalid": "Use letters, digits, dots, dashes and underscores."},
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    brand = serializers.CharField(required=False, allow_blank=True, max_length=120)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    stock = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False, default=0)
    category = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(
        choices=ProductStatus.choices,
        required=False,
        help_text="Default `active` on create. `draft`/`inactive`: hidden from the public; `discontinued`: "
        "shown by detail only, not for sale.",
    )
    is_active = serializers.BooleanField(
        required=False,
        help_text="v1 shorthand of `status`: true sets `active`, false `inactive`; with `status` they must agree "
        "(else a 400 `status_conflict`).",
    )
    meta_title = serializers.CharField(required=False, allow_blank=True, max_length=255, help_text="SEO title.")
    meta_description = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="SEO description."
    )
    requires_shipping = serializers.BooleanField(
        required=False, default=True, help_text="False for products that are never shipped (downloads, services)."
    )


class CategorySummarySerializer(serializers.ModelSerializer):
    """A product's category as embedded in product reads."""

    class Meta:
        model = Category
        fields = ("id", "name", "slug")
        read_only_fields = fields


class ProductListSerializer(serializers.ListSerializer):
    """Many products: their main images are looked up in one query when the rows lack them."""

    def to_representation(self, data) -> list[dict]:
        rows = list(data.all() if hasattr(data, "all") else data)
        attach_main_images(rows)
        return super().to_representation(rows)


class ProductOutputSerializer(serializers.ModelSerializer):
    """A product as clients read it. `rating` is the average review (null when none); `main_image` or null."""

    category = CategorySummarySerializer(read_only=True)
    in_stock = serializers.BooleanField(read_only=True)
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True, allow_null=True)
    main_image = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = (
            "id",
            "name",
            "slug",
            "sku",
            "description",
            "brand",
            "price",
            "stock",
            "in_stock",
            "category",
            "is_active",
            "status",
            "meta_title",
            "meta_description",
            "requires_shipping",
            "rating",
            "review_count",
            "main_image",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields
        list_serializer_class = ProductListSerializer

    @extend_schema_field(MainImageSerializer(allow_null=True))
    def get_main_image(self, product: Product) -> dict | None:
        """`{url, thumbnail_url}` of the main image, or None (generic path; the fast path builds the same)."""
        return _main_image(product)

    def to_representation(self, instance: Product) -> dict:
        """The declared fields, built directly when they are the ones `_fast_representation` knows.

        DRF's generic path costs ~90 us per product (a fifth of an uncached list request);
        this one gives the same JSON (tests compare both) in a few microseconds. A field added to
        Meta.fields switches back to the generic path until `_fast_representation` learns it.
        """
        attach_main_images([instance])  # a no-op for list rows (annotated, or attached by the list serializer)
        if self.Meta.fields != _FAST_FIELDS:
            return super().to_representation(instance)
        return _fast_representation(instance)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "description": "Option type slug -> the values its live variants offer, in display order.",
        "example": {"size": ["S", "M", "L"]},
    }
)
class OfferedOptionsField(serializers.DictField):
    """`{option type slug: [values]}` a product's live variants offer."""


class ProductDetailOutputSerializer(ProductOutputSerializer):
    """A product as its detail shows it: every field of a list row plus its `images` (by position), its live
    `variants` (by position) and the `options` they offer (`{"size": ["S", "M"]}`, values in position order)."""

    images = ProductImageOutputSerializer(many=True, read_only=True)
    variants = VariantOutputSerializer(many=True, read_only=True)
    options = OfferedOptionsField(read_only=True)

    class Meta(ProductOutputSerializer.Meta):
        fields = (*ProductOutputSerializer.Meta.fields, "images", "variants", "options")
        read_only_fields = fields

    def to_representation(self, instance: Product) -> dict:
        """The list row's JSON plus the images and the variants, built directly (no query, no DRF field).

        `instance` comes from `ProductService.get`, which read its images (`image_data`) and
        variants (`variant_data`) with it; the JSON equals the generic DRF path's (tests compare both).
        """
        images = instance.image_data
        main = next((image for image in images if image.is_main), None)
        instance.main_image_name = main.image_name if main else None
        instance.main_thumbnail_name = main.thumbnail_name if main else None
        data = getattr(instance, "variant_data", None)
        return {
            **_fast_representation(instance),
            "images": [_image(image) for image in images],
            "variants": [_variant(v) for v in data.variants] if data else [],
            "options": data.options if data else {},
        }


class ProductPageSerializer(page_of(ProductOutputSerializer)):
    """A page of products. With `?cursor=`, `next`/`previous` carry keyset cursors instead of page numbers."""

    count_is_estimate = serializers.BooleanField(
        required=False,
        help_text="Present (true) only when `count` is the planner's estimate: more than "
        "PRODUCT_COUNT_EXACT_LIMIT products match.",
    )


_FAST_FIELDS = ProductOutputSerializer.Meta.fields
_CENT = Decimal("0.01")
_RATING_CONTEXT = decimal.Context(prec=3)
_PRICE_CONTEXT = decimal.Context(prec=10)


def _main_image(p: Product) -> dict | None:
    """`{url, thumbnail_url}` of the main image named by the row's `main_image_name`, or None."""
    if not p.main_image_name:
        return None
    return {"url": media_url(p.main_image_name), "thumbnail_url": media_url(p.main_thumbnail_name)}


def _fast_representation(p: Product) -> dict:
    category = p.category
    return {
        "id": p.id,
        "name": p.name,
        "slug": p.slug,
        "sku": p.sku,
        "description": p.description,
        "brand": p.brand,
        "price": f"{p.price.quantize(_CENT, context=_PRICE_CONTEXT):f}",
        "stock": p.stock,
        "in_stock": p.stock > 0,
        "category": {"id": category.id, "name": category.name, "slug": category.slug},
        "is_active": p.is_active,
        "status": p.status,
        "meta_title": p.meta_title,
        "meta_description": p.meta_description,
        "requires_shipping": p.requires_shipping,
        "rating": None if p.rating is None else f"{p.rating.quantize(_CENT, context=_RATING_CONTEXT):f}",
        "review_count": p.review_count,
        "main_image": _main_image(p),
        "created_at": utc_timestamp(p.created_at),
        "updated_at": utc_timestamp(p.updated_at),
    }


def _variant(v) -> dict:
    """A `VariantView` as JSON (the same as VariantOutputSerializer, without DRF's per-field cost)."""
    return {
        "id": v.id,
        "sku": v.sku,
        "options": v.options,
        "price": f"{v.price.quantize(_CENT, context=_PRICE_CONTEXT):f}",
        "stock": v.stock,
        "in_stock": v.stock > 0,
        "is_default": v.is_default,
        "low_stock_threshold": v.low_stock_threshold,
    }


def _image(image) -> dict:
    """An `ImageView` as JSON (the same as ProductImageOutputSerializer, without DRF's per-field cost)."""
    return {
        "id": image.id,
        "url": media_url(image.image_name),
        "thumbnail_url": media_url(image.thumbnail_name),
        "alt_text": image.alt_text,
        "is_main": image.is_main,
        "position": image.position,
        "width": image.width,
        "height": image.height,
    }
