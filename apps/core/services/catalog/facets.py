"""Facet counts of the product list: `GET /api/products/facets/` (contract "Filters, ordering and facets").

For the filters of a list, how many public products match, their price range, and how many
products each category, option value, stock state and rating threshold would keep. Each facet
ignores its own filter (with `size=M` selected the `size` facet still counts L), so a facet's
products are the list's matches under the filters minus its own; facets that end up with the
same filters share one aggregate query.

Scale (see README, "Facets"): a facet whose products number at most `exact_limit` (planner
estimate) is counted exactly. Above it, on PostgreSQL, the aggregate reads a sample of about
`sample_rows` matching products and scales the counts up; the answer then carries
`"count_is_estimate": true`, as the list does. The sample is the products whose hashed-id bucket
(`SampleBucket`, 0..1023) is below a threshold when they are a small share of the catalog (for a
category, one range of `product_pub_cat_sample_idx` per category: only the sample is read), else a
block sample of the product table (`TABLESAMPLE SYSTEM`, never more than MAX_SAMPLE_PERCENT of
it). Both are deterministic: the same catalog gives the same figures (and ETag).
Answers are cached per filter set in the product lists' namespace, so any catalog write makes
the next read recompute them.
"""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Value

from apps.core.infra.versioned_cache import CacheKey, VersionedCache
from apps.core.models.catalog import (
    SAMPLE_BUCKETS,
    Category,
    OptionType,
    Product,
    ProductVariant,
    SampleBucket,
    VariantOption,
)
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.catalog.product_listing import ProductFilters, ProductLister
from apps.core.services.catalog.product_queries import row_estimate, uses_postgres

RATING_THRESHOLDS = (4, 3, 2, 1)
MAX_SAMPLE_PERCENT = 10.0
TABLESAMPLE_SHARE = 0.2  # facets over a larger share of the catalog sample blocks, smaller ones id buckets
# the product table in a FROM, with its alias when it has one (Django's subquery aliases: U0, V0, W0, ...)
_PRODUCT_FROM = re.compile(rf'FROM "{re.escape(Product._meta.db_table)}"( [A-Z]\d+)?(?= |\)|$)')


class FacetService:
    """Computes (and caches) the facets of a product list.

    Args:
        lister: gives the public products a filter set matches.
        cache: where answers are cached (product lists' namespace).
        exact_limit: facets over at most this many products are exact (PRODUCT_FACET_EXACT_LIMIT).
        sample_rows: matching products a sampled facet reads, about (PRODUCT_FACET_SAMPLE_ROWS).
    """

    def __init__(self, lister: ProductLister, cache: VersionedCache, exact_limit: int, sample_rows: int) -> None:
        self._lister, self._cache = lister, cache
        self._exact_limit, self._sample_rows = exact_limit, sample_rows

    @staticmethod
    def facets_key(filters: ProductFilters) -> CacheKey:
        """The cache key of `facets(filters)` (the ordering does not change facets)."""
        return CatalogCache.product_list_key(**{**asdict(filters), "ordering": None}, kind="facets")

    @staticmethod
    def response_key(filters: ProductFilters) -> CacheKey:
        """The cache key of the rendered HTTP answer of `facets(filters)`."""
        return CatalogCache.product_list_key(**{**asdict(filters), "ordering": None}, kind="facets_response")

    def facets(self, filters: ProductFilters) -> dict:
        """The facets of the public products matching `filters` (cached per filter set).

        Returns:
            {"count": int, "price": {"min": Decimal | None, "max": Decimal | None} (shop currency),
             "categories": [{"id", "slug", "name", "count"}] (most products first),
             "options": {type slug: [{"value", "slug", "count"}] (values in position order, counts > 0)},
             "in_stock": {"true": int, "false": int}, "rating": [{"min_rating": 4, "count": int}, ... 1]},
            plus "count_is_estimate": True when any figure comes from a sample.

        Raises:
            InvalidInputError: an unknown category (attr "category"), as the list.
        """
        return self._cache.get_or_compute(self.facets_key(filters), lambda: self._compute(filters))

    # --- computation ---------------------------------------------------------------------
    def _compute(self, f: ProductFilters) -> dict:
        # per computation: whether a figure was sampled, and each filter set's matches and estimate
        # (facets sharing filters resolve the category tree and ask the planner once)
        self._estimated = False
        self._matches: dict[ProductFilters, QuerySet] = {}
        self._estimates: dict[ProductFilters, int | None] = {}
        self._table_rows: float | None = None
        product_facets = {
            "count": f,
            "price": replace(f, min_price=None, max_price=None),
            "in_stock": replace(f, in_stock=None),
            "rating": replace(f, min_rating=None),
        }
        by_filters: dict[ProductFilters, list[str]] = {}
        for name, flt in product_facets.items():
            by_filters.setdefault(flt, []).append(name)
        figures: dict[str, object] = {}
        for flt, names in by_filters.items():
            figures.update(self._product_figures(flt, names))
        out = {
            "count": figures["n_count"],
            "price": {"min": figures["price_min"], "max": figures["price_max"]},
            "categories": self._categories(replace(f, category=None)),
            "options": self._options(f),
            "in_stock": {"true": figures["in_stock"], "false": figures["n_in_stock"] - figures["in_stock"]},
            "rating": [{"min_rating": k, "count": figures[f"rating_{k}"]} for k in RATING_THRESHOLDS],
        }
        if self._estimated:
            out["count_is_estimate"] = True
        return out

    def _product_figures(self, f: ProductFilters, names: Sequence[str]) -> dict:
        """Aggregates of the products matching `f` for the product-level facets `names` (one query)."""
        aggregates = {f"n_{name}": Count("id") for name in names}
        if "price" in names:
            aggregates |= {"price_min": Min("price"), "price_max": Max("price")}
        if "in_stock" in names:
            aggregates["in_stock"] = Count("id", filter=Q(stock__gt=0))
        if "rating" in names:
            aggregates |= {f"rating_{k}": Count("id", filter=Q(rating__gte=k)) for k in RATING_THRESHOLDS}
        rows, scale = self._run(
            # grouped by a constant (one row): a column would keep an index-only scan from covering the query
            lambda base: (
                base.order_by().annotate(one=Value(1)).values("one").annotate(**aggregates).values(*aggregates)
            ),
            self._base(f),
        )
        row = rows[0] if rows else dict.fromkeys(aggregates)
        out = {}
        for key in aggregates:
            value = row[key]
            if key.startswith("price_"):
                out[key] = value if isinstance(value, Decimal) or value is None else Decimal(value)
            else:
                out[key] = round((value or 0) * scale)
        return out

    def _categories(self, f: ProductFilters) -> list[dict]:
        rows, scale = self._run(
            lambda base: base.order_by().values("category_id").annotate(n=Count("id")).values("category_id", "n"),
            self._base(f),
        )
        counts = {row["category_id"]: round(row["n"] * scale) for row in rows}
        categories = Category.objects.filter(pk__in=list(counts)).values("id", "slug", "name")
        listed = [{**c, "count": counts[c["id"]]} for c in categories if counts[c["id"]] > 0]
        return sorted(listed, key=lambda c: (-c["count"], c["name"], c["id"]))

    def _options(self, f: ProductFilters) -> dict[str, list[dict]]:
        types = list(OptionType.objects.prefetch_related("values").order_by("slug"))
        selected = dict(f.options)
        groups: dict[ProductFilters, list[OptionType]] = {}
        for option_type in types:
            flt = f
            if option_type.slug in selected:
                flt = replace(f, options=tuple(o for o in f.options if o[0] != option_type.slug))
            groups.setdefault(flt, []).append(option_type)
        counts: dict[int, int] = {}
        for flt, members in groups.items():
            # the statement counts every type's values (an index-only scan of the links); the group keeps its own
            value_ids = {v.pk for t in members for v in t.values.all()}
            rows, scale = self._run(_option_counts, self._base(flt))
            counts |= {
                row["option_value_id"]: round(row["n"] * scale) for row in rows if row["option_value_id"] in value_ids
            }
        return {
            t.slug: [
                {"value": v.value, "slug": v.slug, "count": counts[v.pk]} for v in t.values.all() if counts.get(v.pk)
            ]
            for t in types
        }

    def _base(self, f: ProductFilters) -> ProductFilters:
        """`f`, its matches built (once per computation: the category tree is resolved once per filter set)."""
        if f not in self._matches:
            self._matches[f] = self._lister.matches(f)
        return f

    def _run(self, build: Callable[[QuerySet], QuerySet], f: ProductFilters) -> tuple[list[dict], float]:
        """Rows of `build(products)` and the factor its counts are scaled by (1.0: exact).

        `f` gives the facet's products (`matches`). At most `exact_limit` of them (planner estimate):
        `build(matches)`, exact. More, on PostgreSQL: a sample of about `sample_rows` of them, its
        counts scaled up. When they are under TABLESAMPLE_SHARE of the catalog, the sample is the
        products whose `SampleBucket(id)` is below t = ceil(1024 * sample_rows / estimate), scaled by
        1024 / t: for a category that is a range of `product_pub_cat_sample_idx` per category, so
        only the sample is read (a category of 400,000 costs what one of 40,000 does). Otherwise a
        block sample of the product table (TABLESAMPLE SYSTEM, REPEATABLE). Same catalog, same figures.
        """
        matches = self._matches[f]
        if f not in self._estimates:
            self._estimates[f] = row_estimate(matches.order_by().values("id")) if uses_postgres() else None
        estimate = self._estimates[f]
        if estimate is None or estimate <= self._exact_limit:
            return list(build(matches)), 1.0
        self._estimated = True
        if self._table_rows is None:
            self._table_rows = _table_rows()
        if estimate < TABLESAMPLE_SHARE * self._table_rows:
            buckets = min(SAMPLE_BUCKETS, math.ceil(SAMPLE_BUCKETS * self._sample_rows / estimate))
            sample = matches.alias(sample_bucket=SampleBucket("id")).filter(sample_bucket__lt=buckets)
            return list(build(sample)), SAMPLE_BUCKETS / buckets
        percent = max(0.01, min(MAX_SAMPLE_PERCENT, 100.0 * self._sample_rows / estimate))
        sql, params = build(matches).query.sql_with_params()
        sql, found = _PRODUCT_FROM.subn(
            lambda m: f"{m.group(0)} TABLESAMPLE SYSTEM ({percent:.4f}) REPEATABLE (17)", sql, count=1
        )
        if not found:  # no product scan to sample (cannot happen with the queries above): count exactly
            self._estimated = False
            return list(build(matches)), 1.0
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            columns = [c.name for c in cursor.description]
            rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
        return rows, 100.0 / percent


def _option_counts(products: QuerySet) -> QuerySet:
    """Per option value (of every type): how many of `products` have a live variant with it.

    No filter on the option type: the links are then read from `variant_opt_product_cover_idx`
    alone (index-only, one descent per product); the caller keeps the values it wants.
    """
    deleted = ProductVariant.objects.filter(pk=OuterRef("variant_id"), deleted_at__isnull=False)
    return (
        VariantOption.objects.filter(
            ~Exists(deleted),  # anti-join on the small index of deleted variants, not a join per link
            product__in=products.order_by().values("id"),
        )
        .values("option_value_id")
        .annotate(n=Count("product_id", distinct=True))
        .values("option_value_id", "n")
        .order_by()
    )


def _table_rows() -> float:
    """The planner's row count of the product table (pg_class.reltuples)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Product._meta.db_table])
        row = cursor.fetchone()
    return max(float(row[0]), 1.0) if row else 1.0
