"""Image serializers: uploads (multipart) and what clients read."""

from django.core.files.storage import default_storage
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.models.catalog import ProductImage

MAX_POSITION = 2_147_483_647


def media_url(name: str | None) -> str | None:
    """The public URL of a stored file (MEDIA_URL or the bucket's), or None when there is none."""
    return default_storage.url(name) if name else None


@extend_schema_field({"type": "string", "nullable": True, "description": "URL of the file (MEDIA_URL or the bucket's)"})
class MediaUrlField(serializers.Field):
    """Read-only: the public URL of a file field's stored file, or null (`MediaUrlField(source="avatar")`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str | None:
        """The URL of the FieldFile `value`, or None when it names no file."""
        return media_url(getattr(value, "name", None))


class ImageUploadSerializer(serializers.Serializer):
    """A multipart body with one `image` file (JPEG, PNG or WebP, judged by content by the service)."""

    image = serializers.FileField(allow_empty_file=True, help_text="JPEG, PNG or WebP; see IMAGE_MAX_BYTES/PIXELS.")


class ProductImageInputSerializer(ImageUploadSerializer):
    """`POST /api/products/{id}/images/`: the file and its optional fields."""

    alt_text = serializers.CharField(required=False, allow_blank=True, max_length=255)
    is_main = serializers.BooleanField(
        required=False, default=False, help_text="Make it the main image (the first image always is)."
    )
    position = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_POSITION, help_text="Sort position; default after the last."
    )


class ProductImagePatchSerializer(serializers.Serializer):
    """`PATCH /api/products/{id}/images/{image_id}/` (JSON): any of these fields."""

    alt_text = serializers.CharField(required=False, allow_blank=True, max_length=255)
    is_main = serializers.BooleanField(required=False)
    position = serializers.IntegerField(required=False, min_value=0, max_value=MAX_POSITION)


class ProductImageOutputSerializer(serializers.ModelSerializer):
    """A product image as clients read it; `width`/`height` in pixels."""

    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ("id", "url", "thumbnail_url", "alt_text", "is_main", "position", "width", "height")
        read_only_fields = fields

    def get_url(self, image: ProductImage) -> str:
        """URL of the re-encoded image."""
        return media_url(image.image.name)

    def get_thumbnail_url(self, image: ProductImage) -> str:
        """URL of the thumbnail (WebP)."""
        return media_url(image.thumbnail.name)


class MainImageSerializer(serializers.Serializer):
    """A product's main image as lists embed it."""

    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
