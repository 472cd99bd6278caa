"""`manage.py load_catalog PATH`: the real DummyJSON file, re-runs by SKU, malformed input."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.core.models.catalog import Category, Product
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

REAL_CATALOG = Path(settings.DUMMYJSON_DIR) / "products.json"


def record(sku: str, **overrides) -> dict:
    """A valid DummyJSON product record."""
    base = {
        "id": 1,
        "title": f"Thing {sku}",
        "description": f"About {sku}.",
        "category": "kitchen-accessories",
        "price": 9.99,
        "stock": 5,
        "brand": "Acme",
        "sku": sku,
        "availabilityStatus": "In Stock",
        "images": ["https://example.invalid/x.webp"],
    }
    return {**base, **overrides}


def run(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_catalog", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def write_json(tmp_path):
    def write(data, name: str = "products.json") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path

    return write


def test_load_catalog_real_file_yields_194_products_in_24_categories_twice():
    if not REAL_CATALOG.exists():
        pytest.skip(f"{REAL_CATALOG} is absent (set NEXUS_SHARED_DIR)")
    first, first_err = run(REAL_CATALOG)
    assert (Product.objects.count(), Category.objects.count()) == (194, 24)
    assert "194 created" in first
    assert first_err == ""

    second, _ = run(REAL_CATALOG)
    assert (Product.objects.count(), Category.objects.count()) == (194, 24)
    assert "0 created, 0 updated, 194 unchanged, 0 skipped" in second
    assert Product.objects.values("sku").distinct().count() == 194
    assert Product.objects.values("slug").distinct().count() == 194
    mascara = Product.objects.select_related("category").get(sku="BEA-ESS-ESS-001")
    assert mascara.name == "Essence Mascara Lash Princess"
    assert mascara.price == Decimal("9.99")
    assert mascara.stock == 99
    assert mascara.brand == "Essence"
    assert (mascara.category.slug, mascara.category.name) == ("beauty", "Beauty")
    assert Category.objects.get(slug="kitchen-accessories").name == "Kitchen Accessories"


def test_load_catalog_real_file_is_listed_through_the_api(api_client):
    if not REAL_CATALOG.exists():
        pytest.skip(f"{REAL_CATALOG} is absent (set NEXUS_SHARED_DIR)")
    run(REAL_CATALOG)
    body = api_client.get("/api/products/", {"category": "laptops", "ordering": "price"}).json()
    assert body["count"] == 5
    prices = [Decimal(p["price"]) for p in body["results"]]
    assert prices == sorted(prices)


def test_load_catalog_creates_categories_with_readable_names(write_json):
    path = write_json([record("A-1", category="mens-shirts"), record("A-2", category="womens_bags")])
    out, err = run(path)
    assert err == ""
    assert "2 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert dict(Category.objects.values_list("slug", "name")) == {
        "mens-shirts": "Mens Shirts",
        "womens_bags": "Womens Bags",
    }


def test_load_catalog_reuses_an_existing_category_and_keeps_its_name(write_json):
    laptops = CategoryFactory(name="Laptops & Notebooks", slug="laptops")
    out, _ = run(write_json([record("L-1", category="laptops")]))
    assert "0 new categories" in out
    assert Category.objects.count() == 1
    laptops.refresh_from_db()
    assert laptops.name == "Laptops & Notebooks"
    assert Product.objects.get(sku="L-1").category == laptops


def test_load_catalog_rerun_updates_by_sku_without_duplicates(write_json):
    run(write_json([record("A-1", price=10), record("A-2")]))
    created = Product.objects.get(sku="A-1")
    out, _ = run(write_json([record("A-1", price="12.50", stock=0, title="Renamed"), record("A-2")]))
    assert "0 created, 1 updated, 1 unchanged, 0 skipped" in out
    assert Product.objects.count() == 2
    product = Product.objects.get(sku="A-1")
    assert product.pk == created.pk
    assert (product.name, product.price, product.stock) == ("Renamed", Decimal("12.50"), 0)
    assert product.slug == created.slug  # the slug stays stable across re-imports


def test_load_catalog_accepts_the_api_wrapper_object(write_json):
    out, _ = run(write_json({"products": [record("W-1")], "total": 1, "skip": 0, "limit": 30}))
    assert "1 created" in out
    assert Product.objects.filter(sku="W-1").exists()


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("not an object", "expected a JSON object"),
        ({"title": "No SKU", "category": "x", "price": 1}, "sku: missing"),
        (record(""), "sku: empty"),
        (record("HAS SPACE"), "sku: use letters"),
        (record("B-1", price="abc"), "price: not a number"),
        (record("B-2", price=-1), "price: negative"),
        (record("B-3", price=None), "price: missing"),
        (record("B-4", price="NaN"), "price: not a finite number"),
        (record("B-5", price=1e12), "price: above"),
        (record("B-6", price=True), "price: expected a number"),
        (record("B-7", stock=-3), "stock: must be between"),
        (record("B-8", stock="many"), "stock: expected a whole number"),
        (record("B-9", stock=1.5), "stock: expected a whole number"),
        (record("B-10", title=None), "title: missing"),
        (record("B-11", title="x" * 300), "title: longer than 255"),
        (record("B-12", category=""), "category: empty"),
        (record("B-13", category="!!!"), "category: must contain letters"),
        (record("B-14", category=7), "category: expected a string"),
        (record("B-15", brand=["Acme"]), "brand: expected a string"),
        (record("B-16", availabilityStatus=3), "availabilityStatus: expected a string"),
        (record("B-17", description="nul \x00 byte"), "description: contains a NUL character"),
    ],
)
def test_load_catalog_reports_a_malformed_record_with_its_index_and_loads_the_rest(write_json, bad, reason):
    out, err = run(write_json([record("OK-1"), bad, record("OK-2")]))
    assert "record 1" in err
    assert reason in err
    assert "2 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert set(Product.objects.values_list("sku", flat=True)) == {"OK-1", "OK-2"}


def test_load_catalog_reports_every_bad_record(write_json):
    out, err = run(write_json([record("B-1", price="x"), record("OK-1"), 42, record("B-2", stock=-1)]))
    lines = err.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Skipped record 0 (sku B-1)",
        "Skipped record 2",
        "Skipped record 3 (sku B-2)",
    ]
    assert "1 created, 0 updated, 0 unchanged, 3 skipped (4 records" in out


def test_load_catalog_rounds_prices_to_cents_and_accepts_decimal_strings(write_json):
    run(write_json([record("P-1", price=9.999), record("P-2", price="0.1"), record("P-3", price=0)]))
    prices = dict(Product.objects.values_list("sku", "price"))
    assert prices == {"P-1": Decimal("10.00"), "P-2": Decimal("0.10"), "P-3": Decimal("0.00")}


def test_load_catalog_keeps_a_soft_deleted_product_deleted_but_updates_it(write_json):
    product = ProductFactory(sku="D-1", price=Decimal("1.00"), deleted_at=timezone.now())
    out, _ = run(write_json([record("D-1", price=2)]))
    assert "0 created, 1 updated" in out
    product.refresh_from_db()
    assert product.price == Decimal("2.00")
    assert product.deleted_at is not None
    assert Product.objects.count() == 1


def test_load_catalog_revives_a_soft_deleted_category(write_json):
    category = CategoryFactory(slug="beauty", deleted_at=timezone.now())
    run(write_json([record("R-1", category="beauty")]))
    category.refresh_from_db()
    assert category.deleted_at is None
    assert Product.objects.get(sku="R-1").category == category


def test_load_catalog_same_sku_twice_in_one_file_is_one_product(write_json):
    out, _ = run(write_json([record("S-1", price=1), record("S-1", price=2)]))
    assert "1 created, 1 updated" in out
    assert Product.objects.get(sku="S-1").price == Decimal("2.00")


def test_load_catalog_duplicate_titles_get_distinct_slugs(write_json):
    run(write_json([record("T-1", title="Same Name"), record("T-2", title="Same Name")]))
    assert sorted(Product.objects.values_list("slug", flat=True)) == ["same-name", "same-name-2"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"total": 3}', "expected a JSON array"),
        ('"just a string"', "expected a JSON array"),
        (b"\xff\xfe\x00garbage", "cannot read"),
    ],
)
def test_load_catalog_rejects_an_unreadable_file_and_imports_nothing(tmp_path, content, message):
    path = tmp_path / "products.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(path)
    assert not Product.objects.exists()


def test_load_catalog_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "absent.json")


def test_load_catalog_invalidates_cached_lists(api_client, write_json, django_capture_on_commit_callbacks):
    assert api_client.get("/api/products/").json()["count"] == 0  # cached
    assert api_client.get("/api/categories/").json()["count"] == 0  # cached
    with django_capture_on_commit_callbacks(execute=True):
        run(write_json([record("C-1")]))
    assert api_client.get("/api/products/").json()["count"] == 1
    assert api_client.get("/api/categories/").json()["count"] == 1


def test_load_catalog_insert_only_creates_missing_products_and_changes_no_existing_one(write_json):
    path = write_json([record("A-1", price=5, stock=2)])
    run(path)
    Product.objects.filter(sku="A-1").update(stock=0, price=Decimal("7.00"))
    path = write_json([record("A-1", price=5, stock=2), record("A-2"), {"sku": "bad"}])
    out, err = StringIO(), StringIO()
    call_command("load_catalog", str(path), "--insert-only", stdout=out, stderr=err)
    assert "1 created, 1 already present (left as they are), 1 skipped (3 records" in out.getvalue()
    assert Product.objects.filter(sku="A-1").values_list("stock", "price").get() == (0, Decimal("7.00"))
    assert Product.objects.filter(sku="A-2").exists()
    assert "record 2 (sku bad)" in err.getvalue()
