"""Facet serializers: the query of `GET /api/products/facets/` and its answer."""

from rest_framework import serializers

from apps.core.serializers.catalog.products import ProductListQuerySerializer
from apps.core.serializers.common import decimal_string


class FacetQuerySerializer(ProductListQuerySerializer):
    """The product list's filter parameters (option type slugs included); no paging or ordering."""

    page = None
    page_size = None
    cursor = None
    ordering = None


class PriceRangeSerializer(serializers.Serializer):
    """Lowest and highest price (shop currency) of the products; null when none match."""

    min = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    max = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class CategoryFacetSerializer(serializers.Serializer):
    """A category and how many matching products sit in it (the category filter ignored)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class OptionValueFacetSerializer(serializers.Serializer):
    """An option value and how many matching products have a live variant with it (its own type's filter ignored)."""

    value = serializers.CharField()
    slug = serializers.CharField()
    count = serializers.IntegerField()


class StockFacetSerializer(serializers.Serializer):
    """Matching products in stock and out of stock (the `in_stock` filter ignored)."""

    true = serializers.IntegerField()
    false = serializers.IntegerField()


class RatingFacetSerializer(serializers.Serializer):
    """How many matching products are rated at least `min_rating` (the `min_rating` filter ignored)."""

    min_rating = serializers.IntegerField()
    count = serializers.IntegerField()


class FacetsOutputSerializer(serializers.Serializer):
    """Facets of the products matching the filters; each facet's counts ignore that facet's own filter.

    `count_is_estimate` is present (true) when some counts were scaled up from a sample of the
    catalog (facets over more than PRODUCT_FACET_EXACT_LIMIT products), as in the list.
    """

    count = serializers.IntegerField()
    price = PriceRangeSerializer()
    categories = CategoryFacetSerializer(many=True)
    options = serializers.DictField(
        child=OptionValueFacetSerializer(many=True), help_text="Per option type slug, its values in order."
    )
    in_stock = StockFacetSerializer()
    rating = RatingFacetSerializer(many=True)
    count_is_estimate = serializers.BooleanField(required=False)

    def to_representation(self, instance: dict) -> dict:
        """The facets (a `FacetService.facets` dict) as JSON-ready data, built directly.

        The same output as DRF's generic path (`generic_representation`, which tests compare): a
        category facet has up to a few hundred entries, and DRF's per-field cost was a fifth of an
        uncached facets request.
        """
        price = instance["price"]
        out = {
            "count": int(instance["count"]),
            "price": {
                name: None if price[name] is None else decimal_string(price[name], 2, 10) for name in ("min", "max")
            },
            "categories": [
                {"id": int(c["id"]), "slug": str(c["slug"]), "name": str(c["name"]), "count": int(c["count"])}
                for c in instance["categories"]
            ],
            "options": {
                str(slug): [
                    {"value": str(v["value"]), "slug": str(v["slug"]), "count": int(v["count"])} for v in values
                ]
                for slug, values in instance["options"].items()
            },
            "in_stock": {"true": int(instance["in_stock"]["true"]), "false": int(instance["in_stock"]["false"])},
            "rating": [{"min_rating": int(r["min_rating"]), "count": int(r["count"])} for r in instance["rating"]],
        }
        if "count_is_estimate" in instance:
            out["count_is_estimate"] = bool(instance["count_is_estimate"])
        return out

    def generic_representation(self, instance: dict) -> dict:
        """DRF's generic path (what `to_representation` must equal)."""
        return super().to_representation(instance)
