"""Wishlist serializers."""

from rest_framework import serializers

from apps.core.serializers.shopping.cart import MAX_ID


class WishlistInputSerializer(serializers.Serializer):
    """The product to save for later."""

    product = serializers.IntegerField(min_value=1, max_value=MAX_ID)
