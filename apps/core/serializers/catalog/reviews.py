"""Review serializers."""

from rest_framework import serializers

from apps.core.models.catalog import Review


class ReviewInputSerializer(serializers.Serializer):
    """A buyer's review: rating 1-5 and an optional comment."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReviewOutputSerializer(serializers.ModelSerializer):
    """A review as the public reads it: the author's first name only, never their e-mail."""

    product = serializers.IntegerField(source="product_id", read_only=True)
    author = serializers.CharField(source="user.first_name", read_only=True)

    class Meta:
        model = Review
        fields = ("id", "product", "author", "rating", "comment", "created_at")
        read_only_fields = fields
