"""Every product-list query the README shows finds something on the demo (DummyJSON) catalog, and
the category ids its examples use are the ones the demo catalog gives."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from apps.core.models.catalog import Category

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"
REAL_CATALOG = Path(settings.DUMMYJSON_DIR) / "products.json"
LIST_URL = re.compile(r'"\$API(/products/(?:\?[^"\s]*)?)"(.*)$', re.MULTILINE)


def readme_product_lists() -> list[tuple[str, bool]]:
    """(URL path, whether its comment says it needs PostgreSQL) of each product list the README queries."""
    found = LIST_URL.findall(README.read_text(encoding="utf-8"))
    return sorted({(url, "PostgreSQL" in rest) for url, rest in found})


@pytest.fixture
def demo_catalog():
    if not REAL_CATALOG.exists():
        pytest.skip(f"{REAL_CATALOG} is absent (set NEXUS_SHARED_DIR)")
    call_command("load_catalog", str(REAL_CATALOG), stdout=StringIO())


def test_the_readme_shows_product_list_examples():
    urls = [url for url, _ in readme_product_lists()]
    assert "/products/" in urls
    assert any("search=" in url for url in urls)
    assert any("category=" in url for url in urls)


@pytest.mark.parametrize(("url", "postgres_only"), readme_product_lists(), ids=[u for u, _ in readme_product_lists()])
def test_each_readme_product_list_example_finds_products_on_the_demo_catalog(
    api_client, demo_catalog, url, postgres_only
):
    if postgres_only and connection.vendor != "postgresql":
        pytest.skip("typo tolerance needs PostgreSQL")
    response = api_client.get(f"/api{url}")
    assert response.status_code == 200, response.content
    assert response.json()["count"] > 0
    assert response.json()["results"]


def test_the_readme_category_ids_are_those_of_the_demo_catalog(demo_catalog):
    text = README.read_text(encoding="utf-8")
    assert '"parent": 7}' in text
    assert '"category": 5}' in text
    assert '7 is "Laptops"' in text
    in_file_order = list(Category.objects.order_by("id").values_list("slug", flat=True))
    assert (in_file_order[6], in_file_order[4]) == ("laptops", "home-decoration")
