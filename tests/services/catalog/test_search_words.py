"""The name words behind bounded typo tolerance: kept by triggers on writes, rebuilt on demand,
and the per-word correction (`corrected_search`) within Meilisearch-like typo budgets."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from apps.core.models.catalog import Product
from apps.core.services.catalog.product_search import corrected_search, typo_budget
from tests.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def words() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM core_search_word")
        return {row[0] for row in cursor.fetchall()}


def test_typo_budget_is_none_below_5_one_to_8_two_from_9():
    assert [typo_budget("x" * n) for n in (1, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


def test_creating_and_renaming_products_adds_their_name_words():
    product = ProductFactory(name="Aurora Desk-Lamp XL")
    assert {"aurora", "desk", "lamp"} <= words()
    assert "xl" not in words()  # shorter than 4: no typo is ever corrected to it
    Product.objects.filter(pk=product.pk).update(name="Borealis Floor Lamp")
    assert {"borealis", "floor"} <= words()
    before = words()
    Product.objects.filter(pk=product.pk).update(stock=3)  # not a rename: nothing to add
    assert words() == before


def test_bulk_inserts_add_every_name_word_once():
    category = CategoryFactory()
    Product.objects.bulk_create(
        [
            ProductFactory.build(name=f"Gizmo Kavoduk {n}", slug=f"gizmo-{n}", sku=f"GZ-{n}", category=category)
            for n in range(50)
        ]
    )
    assert {"gizmo", "kavoduk"} <= words()


def test_rebuild_drops_words_of_deleted_and_renamed_products():
    ProductFactory(name="Aurora lamp")
    gone = ProductFactory(name="Zephyrine chair")
    Product.objects.filter(pk=gone.pk).update(is_active=False)
    out = StringIO()
    call_command("rebuild_search_words", stdout=out)
    assert not {"zephyrine", "chair"} & words()
    assert {"aurora", "lamp"} <= words()
    assert "0 added, 2 removed" in out.getvalue()


def test_corrected_search_fixes_each_word_within_its_budget_and_keeps_the_rest():
    ProductFactory(name="Apple iPhone Charger")
    ProductFactory(name="Samsung Galaxy Smartphone")
    assert corrected_search("iphnoe") == "iphone"
    assert corrected_search("Samsnug GALXAY") == "samsung galaxy"
    assert corrected_search("smartphnoes") == "smartphone"  # 11 characters: two typos
    assert corrected_search('"aple iphnoe" -chargr') == '"aple iphone" -charger'  # syntax kept; "aple" < 5
    assert corrected_search("iphone") is None  # nothing to correct
    assert corrected_search("iphnoee") is None  # two typos in 7 characters
    assert corrected_search("someone@example.com") is None
    assert corrected_search("%%%") is None
