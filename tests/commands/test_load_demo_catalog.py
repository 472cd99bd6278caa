"""`load_demo`'s demo catalog: drawn images with thumbnails, size and colour variants, a few statuses."""

import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from PIL import Image

from apps.core.management.demo_images import colour_of, placeholder
from apps.core.management.demo_variants import CLOTHES, SHOES
from apps.core.models.catalog import Category, Product, ProductImage, ProductVariant, VariantOption
from apps.core.models.shopping import OrderLine
from tests.image_files import stored_files

pytestmark = pytest.mark.django_db

RECORDS = [
    ("Oxford Shirt", "mens-shirts", "SHI-1", 40.0, 60),
    ("Linen Shirt", "mens-shirts", "SHI-2", 30.0, 3),
    ("Runner", "mens-shoes", "SHO-1", 80.0, 16),
    ("Trail Boot", "mens-shoes", "SHO-2", 120.0, 8),
    ("Phone X", "smartphones", "PHO-1", 500.0, 9),
    ("Phone Y", "smartphones", "PHO-2", 300.0, 0),
    ("Crop Top", "tops", "TOP-1", 15.0, 12),
    ("Table Lamp", "home-decoration", "LAMP-1", 25.0, 5),
]


@pytest.fixture
def data_dir(tmp_path):
    records = [
        {"title": title, "category": category, "sku": sku, "price": price, "stock": stock}
        for title, category, sku, price, stock in RECORDS
    ]
    (tmp_path / "products.json").write_text(json.dumps(records), encoding="utf-8")
    return tmp_path


def load(data_dir) -> str:
    out = StringIO()
    call_command("load_demo", "--data-dir", str(data_dir), stdout=out)
    return out.getvalue()


def live_variants(sku: str) -> list[ProductVariant]:
    return list(ProductVariant.objects.filter(product__sku=sku, deleted_at__isnull=True).order_by("position", "id"))


def options(variant: ProductVariant) -> dict[str, str]:
    links = VariantOption.objects.filter(variant=variant).select_related("option_type", "option_value")
    return {link.option_type.slug: link.option_value.value for link in links}


# --- images ---------------------------------------------------------------------------------
def test_every_product_and_category_gets_a_drawn_image_with_a_thumbnail(data_dir, media_root, api_client):
    out = load(data_dir)
    assert "Demo images: 8 products, 5 categories drawn in" in out
    images = ProductImage.objects.select_related("product")
    assert sorted(i.product.sku for i in images) == sorted(sku for _, _, sku, _, _ in RECORDS)
    files = {str(p.relative_to(media_root)) for p in stored_files(media_root)}
    for image in images:
        assert image.is_main
        assert image.alt_text == image.product.name
        assert {image.image.name, image.thumbnail.name} <= files
        assert image.thumbnail.name.endswith("_thumb.webp")
        with Image.open(media_root / image.image.name) as picture:
            assert picture.size == (image.width, image.height)
            corner = picture.convert("RGB").getpixel((2, 2))
        assert max(abs(a - b) for a, b in zip(corner, colour_of(image.product.name), strict=True)) <= 8
        with Image.open(media_root / image.thumbnail.name) as thumbnail:
            assert max(thumbnail.size) <= max(image.width, image.height)
    for category in Category.objects.all():
        assert category.image.name in files
    row = api_client.get("/api/products/", {"search": "Lamp"}).json()["results"][0]
    assert row["main_image"]["thumbnail_url"].endswith("_thumb.webp")


def test_the_placeholder_colour_follows_the_name():
    assert colour_of("Oxford Shirt") == colour_of("Oxford Shirt") != colour_of("Linen Shirt")
    with Image.open(io.BytesIO(placeholder("Oxford Shirt", "Shirts"))) as picture:
        assert picture.format == "JPEG"
        assert picture.convert("RGB").getpixel((5, 5))[:3] != (0, 0, 0)


# --- variants -------------------------------------------------------------------------------
@pytest.mark.parametrize(("sku", "values"), [("SHI-1", CLOTHES), ("SHO-1", SHOES)])
def test_clothes_and_shoes_get_size_variants(data_dir, sku, values):
    load(data_dir)
    variants = live_variants(sku)
    assert [options(v) for v in variants] == [{"size": value} for value in values]
    assert [v.sku for v in variants] == [f"{sku}-{value}" for value in values]
    assert [v.is_default for v in variants].count(True) == 1
    default = next(v for v in variants if v.is_default)
    assert options(default) == {"size": "M" if values == CLOTHES else "42"}
    for variant in variants:
        assert variant.option_signature == str(VariantOption.objects.get(variant=variant).option_value_id)


def test_phones_get_colour_variants_and_other_products_keep_one(data_dir):
    load(data_dir)
    phones = live_variants("PHO-1")
    assert [options(v)["color"] for v in phones] == ["Black", "White", "Blue"]
    lamp = live_variants("LAMP-1")
    assert [(v.sku, v.is_default, v.option_signature) for v in lamp] == [("LAMP-1", True, "")]


def test_product_price_and_stock_are_the_variants_min_and_sum(data_dir):
    load(data_dir)
    # demo orders (none cancelled) took units from the variants they bought
    sold = dict(OrderLine.objects.values("product__sku").annotate(n=Sum("quantity")).values_list("product__sku", "n"))
    assert set(sold) != {r[2] for r in RECORDS}
    for _, _, sku, price, stock in RECORDS:
        product = Product.objects.get(sku=sku)
        variants = live_variants(sku)
        assert product.price == min(v.price for v in variants)
        assert sum(v.stock for v in variants) == stock - sold.get(sku, 0)  # spread over the variants, less the sold
        assert product.stock == sum(v.stock for v in variants)
        assert float(product.price) == price  # the cheapest variant keeps the catalog price
    xxl = ProductVariant.objects.get(sku="SHI-1-XXL")
    assert xxl.price > Product.objects.get(sku="SHI-1").price  # the largest size costs more


def test_a_few_products_become_draft_or_discontinued(data_dir, api_client):
    out = load(data_dir)
    statuses = dict(Product.objects.values_list("sku", "status"))
    assert (statuses["SHO-2"], statuses["PHO-2"]) == ("discontinued", "discontinued")  # the last of two
    assert statuses["TOP-1"] == "active"  # the only top: a category keeps an active product
    assert {statuses[s] for s in ("SHI-1", "SHI-2", "SHO-1", "PHO-1", "LAMP-1")} == {"active"}
    assert not Product.objects.filter(status="discontinued", is_active=True).exists()
    assert "SHO-2 discontinued" in out
    assert api_client.get(f"/api/products/{Product.objects.get(sku='SHO-2').pk}/").status_code == 200


# --- idempotence ----------------------------------------------------------------------------
def test_a_second_run_adds_and_changes_nothing(data_dir, media_root):
    load(data_dir)
    before = (
        list(Product.objects.order_by("sku").values_list("sku", "price", "stock", "status", "updated_at")),
        list(ProductVariant.objects.order_by("sku").values_list("sku", "price", "stock", "is_default", "updated_at")),
        list(ProductImage.objects.order_by("id").values_list("id", "image", "thumbnail")),
        list(Category.objects.order_by("id").values_list("id", "image")),
        stored_files(media_root),
    )
    out = load(data_dir)
    after = (
        list(Product.objects.order_by("sku").values_list("sku", "price", "stock", "status", "updated_at")),
        list(ProductVariant.objects.order_by("sku").values_list("sku", "price", "stock", "is_default", "updated_at")),
        list(ProductImage.objects.order_by("id").values_list("id", "image", "thumbnail")),
        list(Category.objects.order_by("id").values_list("id", "image")),
        stored_files(media_root),
    )
    assert after == before
    assert "Demo variants: 0 products given 0 more variants" in out
    assert "Demo images: 0 products, 0 categories" in out


def test_a_product_an_admin_gave_variants_or_images_is_left_alone(data_dir):
    call_command("load_catalog", str(data_dir / "products.json"), insert_only=True, stdout=StringIO())
    shirt = Product.objects.get(sku="SHI-2")
    ProductVariant.objects.create(
        product=shirt, sku="SHI-2-CUSTOM", price="31.00", stock=1, position=1, option_signature="custom"
    )
    load(data_dir)
    assert sorted(v.sku for v in live_variants("SHI-2")) == ["SHI-2", "SHI-2-CUSTOM"]
    counts = dict(Product.objects.annotate(n=Count("images")).values_list("sku", "n"))
    assert set(counts.values()) == {1}
