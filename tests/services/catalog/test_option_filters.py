"""Option, rating filters and rating ordering of the product list, through `ProductService.list_page`."""

from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.models.catalog import OptionValue
from apps.core.services.catalog.option_filters import option_type_slugs, resolve, selection_from
from apps.core.services.catalog.products import ProductFilters
from tests.factories import ProductFactory
from tests.factories_options import option_value, variant_with

pytestmark = pytest.mark.django_db


def ids(page) -> list[int]:
    return [p.pk for p in page.items]


def listed(product_service, **filters) -> list[int]:
    return ids(product_service.list_page(ProductFilters(**filters), page_size=100))


def opts(**params: str):
    return selection_from({k: v.split(",") for k, v in params.items()})


@pytest.fixture
def shirts():
    """a: one variant M/black; b: M/white and L/black (no single variant is M and black); c: S/black."""
    a, b, c = (ProductFactory(default_variant=None, name=n) for n in ("a", "b", "c"))
    variant_with(a, size="M", color="Black")
    variant_with(b, size="M", color="White")
    variant_with(b, size="L", color="Black")
    variant_with(c, size="S", color="Black")
    return a, b, c


def test_option_filters_match_one_variant_having_every_selected_option(product_service, shirts):
    a, b, c = shirts
    assert listed(product_service, options=opts(size="M", color="black")) == [a.pk]
    assert set(listed(product_service, options=opts(size="M,L", color="black"))) == {a.pk, b.pk}
    assert set(listed(product_service, options=opts(color="black"))) == {a.pk, b.pk, c.pk}
    assert set(listed(product_service, options=opts(size="m"))) == {a.pk, b.pk}


def test_option_values_match_by_slug_or_value_case_insensitively(product_service):
    product = ProductFactory(default_variant=None)
    variant_with(product, color="Navy Blue")
    assert listed(product_service, options=opts(color="navy-blue")) == [product.pk]
    assert listed(product_service, options=opts(color="NAVY BLUE")) == [product.pk]
    assert listed(product_service, options=opts(color="navy")) == []


def test_soft_deleted_variants_do_not_match(product_service, shirts):
    a, _, _ = shirts
    a.variants.update(deleted_at=timezone.now())
    assert listed(product_service, options=opts(size="M", color="black")) == []


def test_option_filters_count_and_combine_with_other_filters(product_service, shirts):
    a, b, c = shirts
    b.stock = 0
    b.save()
    page = product_service.list_page(ProductFilters(options=opts(color="black"), in_stock=True), page_size=1)
    assert page.count == 2
    assert len(page.items) == 1


def test_min_rating_keeps_products_rated_at_least_that(product_service):
    rated = {r: ProductFactory(rating=Decimal(r), review_count=3) for r in ("4.50", "4.00", "3.99")}
    ProductFactory(rating=None)
    assert set(listed(product_service, min_rating=4)) == {rated["4.50"].pk, rated["4.00"].pk}
    assert listed(product_service, min_rating=5) == []


@pytest.fixture
def rated():
    """Products rated 3, 5, 4 and two unrated ones."""
    made = [ProductFactory(rating=Decimal(r) if r else None) for r in ("3.00", None, "5.00", "4.00", None)]
    return made


@pytest.mark.parametrize("ordering", ["rating", "-rating"])
def test_rating_orderings_put_unrated_products_last(product_service, rated, ordering):
    three, unrated_old, five, four, unrated_new = rated
    by_rating = [three, four, five] if ordering == "rating" else [five, four, three]
    expected = [p.pk for p in [*by_rating, unrated_new, unrated_old]]
    assert listed(product_service, ordering=ordering) == expected
    # page mode across the rated/unrated boundary
    pages = [ids(product_service.list_page(ProductFilters(ordering=ordering), page=n, page_size=2)) for n in (1, 2, 3)]
    assert sum(pages, []) == expected


@pytest.mark.parametrize("ordering", ["rating", "-rating"])
def test_rating_orderings_page_by_cursor_both_ways(product_service, rated, ordering):
    filters = ProductFilters(ordering=ordering)
    expected = listed(product_service, ordering=ordering)
    seen, token, pages = [], "", []
    while token is not None:
        page = product_service.list_page(filters, page_size=2, cursor=token)
        pages.append(page)
        seen += ids(page)
        token = page.next_cursor
    assert seen == expected
    back = product_service.list_page(filters, page_size=2, cursor=pages[-1].previous_cursor)
    assert ids(back) == ids(pages[-2])


def test_list_cache_keys_include_the_new_filters(product_service):
    plain = ProductFilters()
    assert product_service.list_key(plain, page_size=20) != product_service.list_key(
        ProductFilters(options=opts(size="M")), page_size=20
    )
    assert product_service.list_key(plain, page_size=20) != product_service.list_key(
        ProductFilters(min_rating=4), page_size=20
    )
    assert product_service.list_key(ProductFilters(options=opts(size="M,L")), page_size=20) == product_service.list_key(
        ProductFilters(options=opts(size="l,M")), page_size=20
    )


def test_option_values_resolve_from_the_cached_vocabulary_which_any_option_write_forgets(
    shirts, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert resolve(opts(size="M", color="black"))  # caches the vocabulary
    with django_assert_num_queries(0):  # no query per request
        groups = resolve(opts(size="m,l", color="Black"))
    assert [len(ids) for ids in groups] == [1, 2]  # color black; sizes L and M
    assert resolve(opts(size="xl")) == [[]]  # no such value: nothing matches
    with django_capture_on_commit_callbacks(execute=True):
        xl = option_value("size", "XL")  # a new value (and, below, a new type) is found at once
        color = OptionValue.objects.get(option_type__slug="color", slug="white")
        color.value, color.slug = "Ivory", "ivory"  # renamed: the old names match nothing
        color.save()
        option_value("material", "Cotton")
    assert resolve(opts(size="xl")) == [[xl.pk]]
    assert resolve(opts(color="white,ivory")) == [[color.pk]]
    assert "material" in option_type_slugs()
