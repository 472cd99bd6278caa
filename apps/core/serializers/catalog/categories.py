"""Category serializers."""

from rest_framework import serializers

from apps.core.models.catalog import Category
from apps.core.serializers.catalog.images import MediaUrlField
from apps.core.serializers.common import PageQuerySerializer


class CategoryListQuerySerializer(PageQuerySerializer):
    """Query of `GET /api/categories/`: `parent` (id or slug: direct children) and the page."""

    parent = serializers.RegexField(
        r"^[-a-zA-Z0-9_]+$",
        max_length=140,
        required=False,
        help_text="Parent category id or slug; lists its direct children.",
    )


class CategoryInputSerializer(serializers.Serializer):
    """Fields of a category write. `slug` is generated from the name when omitted or null."""

    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=140, required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    parent = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Parent category id, or null for a root."
    )


class CategoryOutputSerializer(serializers.ModelSerializer):
    """A category as clients read it."""

    parent = serializers.IntegerField(source="parent_id", allow_null=True, read_only=True)
    image_url = MediaUrlField(source="image")

    class Meta:
        model = Category
        fields = ("id", "name", "slug", "description", "parent", "image_url", "created_at", "updated_at")
        read_only_fields = fields
