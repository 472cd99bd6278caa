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
(`SampleBucket`, 0..1023) is below a threshold when they are a small share of the catalog (one
range of `product_pub_cat_options_idx` per category: only the sample is read), else a block sample
of the product table (`TABLESAMPLE SYSTEM`, never more than MAX_SAMPLE_PERCENT of it). Both are
deterministic: the same catalog gives the same figures (and ETag).

On PostgreSQL the option counts read each product's `option_value_ids` (its live variants' option
values, kept by triggers, migration 0024) from that index, with the product: a category's facets
are index-only range scans, not a probe of the option links per product. One request costs three
round trips: the category tree, the planner's estimates of every filter set, then every facet
statement together (`run_batch`); option types and values come from the cached vocabulary.
Answers are cached per filter set in the product lists' namespace, so any catalog write makes
the next read recompute them.
"""

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from apps.core.infra.db.batch import Statement, run_batch
from apps.core.infra.versioned_cache import CacheKey, VersionedCache
from apps.core.models.catalog import (
    SAMPLE_BUCKETS,
    Category,
    Product,
    ProductVariant,
    SampleBucket,
    VariantOption,
)
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.catalog.option_filters import (
    OptionSelection,
    option_overlap_q,
    option_q,
    option_vocabulary,
)
from apps.core.services.catalog.product_listing import ProductFilters, ProductLister
from apps.core.services.catalog.product_queries import explained, planned_rows, uses_postgres

RATING_THRESHOLDS = (4, 3, 2, 1)
MAX_SAMPLE_PERCENT = 10.0
TABLESAMPLE_SHARE = 0.2  # facets over a larger share of the catalog sample blocks, smaller ones id buckets
CENT = Decimal("0.01")
_PRODUCT = Product._meta.db_table
# how Django compiles `matches.values("id")`: the facets' statements replace this select list with theirs
_IDS_SELECT = f'SELECT "{_PRODUCT}"."id" AS "id" FROM "{_PRODUCT}"'
# the product figures of a filter set: count, price range, in stock, rated at least each threshold
_FIGURES = ", ".join(
    [
        "COUNT(*)",
        f'MIN("{_PRODUCT}"."price")',
        f'MAX("{_PRODUCT}"."price")',
        f'COUNT(CASE WHEN "{_PRODUCT}"."stock" > 0 THEN 1 END)',
        *(f'COUNT(CASE WHEN "{_PRODUCT}"."rating" >= {k} THEN 1 END)' for k in RATING_THRESHOLDS),
    ]
)


@dataclass(frozen=True)
class _Sample:
    """What the facets of one filter set read: the products (`ids`: a query of their ids, the matches or their
    bucket sample), the factor their counts are scaled by (1.0: exact) and, for a block sample, the
    TABLESAMPLE clause that follows the product table."""

    ids: Statement
    scale: float = 1.0
    tablesample: str = ""


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
        self._estimated = False  # whether a figure was sampled
        product_facets = {
            "count": f,
            "price": replace(f, min_price=None, max_price=None),
            "in_stock": replace(f, in_stock=None),
            "rating": replace(f, min_rating=None),
        }
        figure_sets = list(dict.fromkeys(product_facets.values()))
        categories = replace(f, category=None)
        vocabulary = option_vocabulary()
        selected = dict(f.options)
        option_sets: dict[ProductFilters, list[str]] = {}  # filter set: the option type slugs it counts
        for slug in vocabulary:
            flt = replace(f, options=tuple(o for o in f.options if o[0] != slug)) if slug in selected else f
            option_sets.setdefault(flt, []).append(slug)
        samples = self._samples([*figure_sets, categories, *option_sets])
        # every statement is built first, then all of them are sent in one round trip
        results = iter(
            _run_all(
                [
                    *(_statement(samples[flt], f"SELECT {_FIGURES}") for flt in figure_sets),
                    _categories_statement(samples[categories]),
                    *(_option_statement(samples[flt]) for flt in option_sets),
                ]
            )
        )
        figures = {flt: _figures(*next(results)) for flt in figure_sets}
        category_list = _category_list(*next(results))
        counts: dict[int, int] = {}
        for slugs in option_sets.values():
            rows, scale = next(results)
            found = dict(rows)
            for slug in slugs:  # a statement counts every type's values; each filter set keeps its own types'
                counts |= {v[0]: round(found[v[0]] * scale) for v in vocabulary[slug] if v[0] in found}
        in_stock = figures[product_facets["in_stock"]]
        rating = figures[product_facets["rating"]]["rating"]
        out = {
            "count": figures[f]["count"],
            "price": figures[product_facets["price"]]["price"],
            "categories": category_list,
            "options": {
                slug: [
                    {"value": value, "slug": value_slug, "count": counts[value_id]}
                    for value_id, _low_slug, _low_value, value, value_slug in values
                    if counts.get(value_id)
                ]
                for slug, values in vocabulary.items()
            },
            "in_stock": {"true": in_stock["in_stock"], "false": in_stock["count"] - in_stock["in_stock"]},
            "rating": [{"min_rating": k, "count": n} for k, n in zip(RATING_THRESHOLDS, rating, strict=True)],
        }
        if self._estimated:
            out["count_is_estimate"] = True
        return out

    def _samples(self, filter_sets: Sequence[ProductFilters]) -> dict[ProductFilters, "_Sample | None"]:
        """The products the facets of each filter set read; None when nothing can match.

        Each distinct filter set's matches are built once (its category tree resolved once), and the
        planner's estimates of all of them come in one round trip (`_plan_rows`). At most
        `exact_limit` matches, or not PostgreSQL: all of them, exact. More: a sample of about
        `sample_rows` of them, its counts scaled up. When they are under TABLESAMPLE_SHARE of the
        catalog, the sample is the products whose `SampleBucket(id)` is below
        t = ceil(1024 * sample_rows / estimate), scaled by 1024 / t: a range of
        `product_pub_cat_options_idx` per category (of the filter, else of the catalog), so only the
        sample is read (a category of 400,000 costs what one of 40,000 does). Otherwise a block sample
        of the product table (TABLESAMPLE SYSTEM, REPEATABLE). Same catalog, same figures.

        On PostgreSQL the statements read a filter set's option filters from the products' arrays
        (`_with_option_arrays`); the planner estimates the list's own matches, so both choose alike.
        """
        read: dict[ProductFilters, QuerySet] = {}  # the products each filter set's statements read
        estimated: dict[ProductFilters, Statement] = {}  # the list's matches (their ids), which the planner estimates
        exact: dict[ProductFilters, Statement] = {}  # the ids of `read`
        for flt in dict.fromkeys(filter_sets):
            # the list's matches: those without the option filters, filtered by them (see `ProductLister`)
            without_options = self._lister.matches(replace(flt, options=()))
            read[flt] = without_options.filter(option_q(flt.options))
            statement = _ids(read[flt])
            if statement is not None:
                estimated[flt] = exact[flt] = statement
                if flt.options and uses_postgres():
                    read[flt] = _with_option_arrays(without_options, flt.options)
                    exact[flt] = _ids(read[flt])
        samples: dict[ProductFilters, _Sample | None] = dict.fromkeys(read)
        if not uses_postgres():
            return samples | {flt: _Sample(statement) for flt, statement in exact.items()}
        estimates, table_rows = _plan_rows(list(estimated.values()))
        for flt, estimate in zip(estimated, estimates, strict=True):
            if estimate <= self._exact_limit:
                samples[flt] = _Sample(exact[flt])
                continue
            self._estimated = True
            if estimate < TABLESAMPLE_SHARE * table_rows:
                buckets = min(SAMPLE_BUCKETS, math.ceil(SAMPLE_BUCKETS * self._sample_rows / estimate))
                bucketed = read[flt].alias(sample_bucket=SampleBucket("id")).filter(sample_bucket__lt=buckets)
                if flt.category is None:  # every product has one: the same rows, a bucket range per category read
                    bucketed = bucketed.filter(category__in=Category.objects.values("id"))
                samples[flt] = _Sample(_ids(bucketed), SAMPLE_BUCKETS / buckets)
            else:
                percent = max(0.01, min(MAX_SAMPLE_PERCENT, 100.0 * self._sample_rows / estimate))
                tablesample = f" TABLESAMPLE SYSTEM ({percent:.4f}) REPEATABLE (17)"
                samples[flt] = _Sample(exact[flt], 100.0 / percent, tablesample)
        return samples


_Built = tuple[Statement, float] | None
"""A facet statement and the factor its counts are scaled by; None when nothing can match."""


def _with_option_arrays(products: QuerySet, selection: OptionSelection) -> QuerySet:
    """PostgreSQL: `products` having the selected options, the same rows as with `option_q`.

    A product has a live variant with one of a type's values exactly when one of them is in its
    `option_value_ids` (migration 0024): one selected type is matched on the array alone, read from
    the facets' covering index. Several must be on one variant: the array drops the products lacking
    any of them, and `option_q`'s EXISTS probes the links of the rest only.
    """
    products = products.filter(option_overlap_q(selection))
    return products.filter(option_q(selection)) if len(selection) > 1 else products


def _ids(products: QuerySet) -> Statement | None:
    """The SQL of the ids of `products` (how Django compiles `values("id")`); None when nothing can match."""
    try:
        sql, params = products.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # e.g. an option value no product can have
        return None
    if not sql.startswith(_IDS_SELECT):
        raise ValueError(f"Not a plain product query: {sql[:120]}")
    return sql, params


def _plan_rows(queries: Sequence[Statement]) -> tuple[list[int], float]:
    """The planner's row estimate of each query (EXPLAIN, nothing run) and its row count of the product table
    (pg_class.reltuples), in one round trip. PostgreSQL only."""
    statements = [explained(query) for query in queries]
    statements.append(("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [_PRODUCT]))
    *plans, table = run_batch(statements)
    return [planned_rows(plan) for plan in plans], max(float(table[0][0]), 1.0) if table else 1.0


def _statement(sample: _Sample | None, select: str, group: bool = False) -> _Built:
    """`select` (a select list) over the products of `sample`; `group`: grouped by the first selected column.

    Returns:
        ((sql, params), the factor its counts are scaled by), or None when nothing can match.
    """
    if sample is None:
        return None
    sql, params = sample.ids
    sql = f'{select} FROM "{_PRODUCT}"{sample.tablesample}{sql[len(_IDS_SELECT) :]}'
    return (f"{sql} GROUP BY 1" if group else sql, params), sample.scale


def _around(built: _Built, before: str, after: str) -> _Built:
    """`built` as a subquery: `before` + its SQL + `after`, its parameters and scale kept."""
    if built is None:
        return None
    (sql, params), scale = built
    return (f"{before}{sql}{after}", params), scale


def _categories_statement(sample: _Sample | None) -> _Built:
    """(id, slug, name, products) per category of the products of `sample`, the category rows joined in."""
    return _around(
        _statement(sample, f'SELECT "{_PRODUCT}"."category_id" AS category_id, COUNT(*) AS n', group=True),
        "SELECT c.id, c.slug, c.name, s.n FROM (",
        f') s JOIN "{Category._meta.db_table}" c ON c.id = s.category_id',
    )


def _option_statement(sample: _Sample | None) -> _Built:
    """(option value id, how many of the products of `sample` have a live variant with it), every type's values.

    PostgreSQL: from each product's `option_value_ids` (migration 0024), read with the product from one
    index-only range of `product_pub_cat_options_idx` for a category (or its sample). Elsewhere (never
    sampled): from the option links of live variants.
    """
    if uses_postgres():
        unnested = _statement(sample, f'SELECT unnest("{_PRODUCT}"."option_value_ids") AS v')
        return _around(unnested, "SELECT v, COUNT(*) FROM (", ") s GROUP BY 1")
    if sample is None:
        return None
    sql, params = sample.ids
    links, variants = VariantOption._meta.db_table, ProductVariant._meta.db_table
    return (
        f"SELECT l.option_value_id, COUNT(DISTINCT l.product_id) FROM {links} l "
        f"JOIN {variants} v ON v.id = l.variant_id AND v.deleted_at IS NULL WHERE l.product_id IN ({sql}) GROUP BY 1",
        params,
    ), 1.0


def _run_all(built: Sequence[_Built]) -> list[tuple[list[tuple], float]]:
    """(rows, scale) of each built statement, all run in one round trip; None (nothing can match): no rows."""
    results = iter(run_batch([item[0] for item in built if item is not None]))
    return [(next(results), item[1]) if item is not None else ([], 1.0) for item in built]


def _figures(rows: list[tuple], scale: float) -> dict:
    """The product figures of one `_FIGURES` row (no row: nothing could match), counts scaled.

    Returns:
        {"count": int, "price": {"min": Decimal | None, "max": Decimal | None}, "in_stock": int,
         "rating": [int per RATING_THRESHOLDS]}.
    """
    count, low, high, in_stock, *rated = rows[0] if rows else (0, None, None, 0, *(0 for _ in RATING_THRESHOLDS))
    return {
        "count": round(count * scale),
        "price": {"min": _price(low), "max": _price(high)},
        "in_stock": round(in_stock * scale),
        "rating": [round(n * scale) for n in rated],
    }


def _price(value) -> Decimal | None:
    """A price as read by raw SQL: PostgreSQL gives a Decimal, SQLite an int or a float."""
    return value if value is None or isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)


def _category_list(rows: list[tuple], scale: float) -> list[dict]:
    """The categories facet from (id, slug, name, products) rows: counts scaled, most products first."""
    listed = [{"id": i, "slug": slug, "name": name, "count": round(n * scale)} for i, slug, name, n in rows]
    return sorted((c for c in listed if c["count"] > 0), key=lambda c: (-c["count"], c["name"], c["id"]))
