"""The optimized list (bounded counts, id-first fetches, tiers, cursors) returns exactly what a plain,
unoptimized ORM query of the same filters returns: same ids, same order, same counts."""

import itertools
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import BooleanField, Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from apps.core.management.commands.seed_catalog import line_word
from apps.core.models.catalog import Category, Product
from apps.core.services.catalog.product_search import corrected_search, tsquery_sql
from apps.core.services.catalog.products import ProductFilters

pytestmark = pytest.mark.django_db

PAGE_SIZE = 20


@pytest.fixture
def seeded(settings):
    call_command(
        "seed_catalog", products=2000, seed=11, until="2026-01-01", no_progress=True, stdout=open("/dev/null", "w")
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_product")
    return settings.PRODUCT_COUNT_EXACT_LIMIT


def subtree(category: str) -> list[int]:
    """The category and its descendants, walked in Python (the naive way)."""
    root = Category.objects.filter(Q(slug=category) | Q(pk=int(category) if category.isdigit() else None)).first()
    if root is None:
        return []
    ids, frontier = [root.pk], [root.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def naive(f: ProductFilters) -> list[int]:
    """Every matching id, in order, from one plain ORM query (no limits, no tricks)."""
    qs = Product.objects.filter(deleted_at__isnull=True, is_active=True)
    if f.category is not None:
        qs = qs.filter(category_id__in=subtree(f.category))
    if f.min_price is not None:
        qs = qs.filter(price__gte=f.min_price)
    if f.max_price is not None:
        qs = qs.filter(price__lte=f.max_price)
    if f.in_stock is not None:
        qs = qs.filter(stock__gt=0) if f.in_stock else qs.filter(stock=0)
    ordering = f.ordering or "-created_at"
    tie = "-id" if ordering.startswith("-") else "id"
    if f.search and connection.vendor != "postgresql":
        qs = qs.filter(Q(name__icontains=f.search) | Q(description__icontains=f.search) | Q(sku__icontains=f.search))
    elif f.search:
        sql, params = tsquery_sql(f.search)
        fts = qs.filter(
            Q(RawSQL(f"search_vector @@ {sql}", params, output_field=BooleanField())) | Q(sku__iexact=f.search)
        )
        if fts.exists():
            qs = fts
            if f.ordering is None:
                in_name = RawSQL(f"name_vector @@ {sql}", params, output_field=BooleanField())
                qs = qs.annotate(
                    tier=Case(
                        When(sku__iexact=f.search, then=Value(0)),
                        When(Q(in_name), then=Value(1)),
                        default=Value(2),
                        output_field=IntegerField(),
                    )
                )
                return list(qs.order_by("tier", "-created_at", "-id").values_list("id", flat=True))
        else:  # the same search with its typos corrected, or nothing
            corrected = corrected_search(f.search)
            return naive(replace(f, search=corrected)) if corrected is not None else []
    return list(qs.order_by(ordering, tie).values_list("id", flat=True))


def sample_filters(rng: random.Random) -> list[ProductFilters]:
    root = Category.objects.filter(parent__isnull=True).order_by("slug").first()
    child = Category.objects.filter(parent=root).order_by("slug").first()
    some = Product.objects.filter(deleted_at__isnull=True, is_active=True).order_by("id")[7]
    words = [None, line_word(3), some.sku, some.name.split()[3].lower(), "lightweight", some.name.split()[1][:4]]
    if connection.vendor == "postgresql":
        words += ["iphnoe", f"{some.name.split()[1]} -{some.name.split()[2]}", '"stainless steel"']
    options = itertools.product(
        [None, root.slug, str(child.pk)],
        [(None, None), (Decimal("20"), Decimal("150"))],
        [None, True, False],
        words,
        [None, "price", "-created_at", "name", "-price"],
    )
    chosen = rng.sample(list(options), 60)
    return [
        ProductFilters(category=c, min_price=lo, max_price=hi, in_stock=s, search=w, ordering=o)
        for c, (lo, hi), s, w, o in chosen
    ]


def test_pages_and_counts_equal_the_plain_query(product_service, seeded):
    rng = random.Random(5)
    for filters in sample_filters(rng):
        expected = naive(filters)
        last = max(1, -(-len(expected) // PAGE_SIZE))
        for number in sorted({1, 2, last, rng.randint(1, last)}):
            if number > last:
                continue
            page = product_service.list_page(filters, page=number, page_size=PAGE_SIZE)
            assert page.extra == {}, filters  # a 2,000-product catalog is under the exact-count limit
            assert page.count == len(expected), filters
            start = (number - 1) * PAGE_SIZE
            assert [p.pk for p in page.items] == expected[start : start + PAGE_SIZE], (filters, number)


def test_cursor_walks_equal_the_plain_query(product_service, seeded):
    rng = random.Random(9)
    for filters in sample_filters(rng)[:15]:
        expected = naive(filters)
        seen, cursor = [], ""
        while cursor is not None:
            page = product_service.list_page(filters, page_size=50, cursor=cursor)
            seen += [p.pk for p in page.items]
            cursor = page.next_cursor
        assert seen == expected, filters
