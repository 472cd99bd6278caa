"""ProductService search: relevance tiers, SKU first, prefix, websearch syntax and typo tolerance."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models.catalog import Product
from apps.core.services.catalog.products import ProductFilters
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def make(name: str, *, days_old: int = 0, **fields) -> Product:
    product = ProductFactory(name=name, description=fields.pop("description", "Plain text."), brand="", **fields)
    Product.objects.filter(pk=product.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return product


def search(service, text: str, **filters) -> list[int]:
    page = service.list_page(ProductFilters(search=text, **filters), page=1, page_size=50)
    return [p.pk for p in page.items]


def test_search_finds_a_word_of_the_name(product_service):
    lamp = make("Aurora desk lamp")
    make("Garden chair")
    assert search(product_service, "aurora") == [lamp.pk]


@pytest.mark.postgres
def test_search_ranks_exact_sku_then_name_then_description_newest_first(product_service):
    old_name = make("Aurora desk lamp", days_old=30)
    in_text = make("Floor lamp", days_old=1, description="Inspired by the aurora borealis.")
    new_name = make("Aurora armchair", days_old=10)
    by_sku = make("Plain stool", days_old=60, sku="AURORA")
    make("Garden chair")
    assert search(product_service, "aurora") == [by_sku.pk, new_name.pk, old_name.pk, in_text.pk]


@pytest.mark.postgres
def test_search_explicit_ordering_replaces_relevance(product_service):
    cheap = make("Aurora lamp", price="10.00", description="aurora")
    dear = make("Other lamp", price="90.00", description="aurora")
    assert search(product_service, "aurora", ordering="-price") == [dear.pk, cheap.pk]


@pytest.mark.postgres
def test_search_matches_the_last_word_as_a_prefix(product_service):
    headphones = make("Wireless headphones")
    make("Wired speaker")
    assert search(product_service, "wireless headph") == [headphones.pk]
    assert search(product_service, "headph") == [headphones.pk]


@pytest.mark.postgres
def test_search_follows_websearch_syntax(product_service):
    red_phone = make("Red phone case")
    blue_phone = make("Blue phone case")
    red_car = make("Red toy car")
    assert set(search(product_service, "phone -blue")) == {red_phone.pk}
    assert set(search(product_service, '"phone case"')) == {red_phone.pk, blue_phone.pk}
    assert set(search(product_service, "blue or car")) == {blue_phone.pk, red_car.pk}


@pytest.mark.postgres
def test_search_forgives_one_typo_through_trigrams(product_service):
    iphone = make("Apple iPhone 9")
    make("Samsung Galaxy S10")
    assert search(product_service, "iphnoe") == [iphone.pk]
    assert search(product_service, "galxay") != []


@pytest.mark.postgres
def test_search_does_not_fall_back_when_full_text_finds_something(product_service):
    phone = make("iPhone charger")
    make("Iphnoe lookalike", is_active=False)  # not public anyway
    assert search(product_service, "iphone") == [phone.pk]


def test_search_combines_with_filters(product_service):
    books = CategoryFactory(slug="books")
    inside = make("Aurora atlas", category=books, price="20.00")
    make("Aurora lamp", price="20.00")
    make("Aurora guide", category=books, price="200.00")
    assert search(product_service, "aurora", category="books", max_price="50") == [inside.pk]


def test_search_ignores_deleted_and_inactive_products(product_service):
    live = make("Aurora lamp")
    make("Aurora chair", is_active=False)
    make("Aurora sofa", deleted_at=timezone.now())
    assert search(product_service, "aurora") == [live.pk]


@pytest.mark.postgres
def test_search_prefix_is_the_typed_word_not_its_stem(product_service):
    apple = make("Apple juice")
    make("Apply glue", description="Apply twice.")
    assert search(product_service, "apple") == [apple.pk]
    assert search(product_service, "appl") != [apple.pk]  # a shorter prefix finds both
