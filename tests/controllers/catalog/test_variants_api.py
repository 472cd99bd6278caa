"""Option types, variants and the low-stock list through HTTP (contract: "Option types and variants", "Low stock")."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from apps.core.exceptions import OptionInUseError
from apps.core.models.catalog import OptionType, Product, ProductVariant
from tests.conftest import client_for
from tests.factories import CategoryFactory, ProductFactory, UserFactory, sizes
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

TYPES = "/api/option-types/"


def variants_url(product) -> str:
    return f"/api/products/{product.pk}/variants/"


@pytest.fixture
def catalog_client():
    """A staff member of the catalog_managers role (not a superuser)."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="catalog_managers"))
    return client_for(user)


@pytest.fixture
def tee(admin_client):
    """A T-shirt with S (9.00, 3 units) and M (11.00, 0 units) variants, made through the API."""
    sizes("S", "M", "L")
    product = ProductFactory(name="Tee", sku="TEE", price=Decimal("12.00"), stock=1)
    for sku, size, price, stock in (("TEE-S", "S", "9.00", 3), ("TEE-M", "M", "11.00", 0)):
        body = {"sku": sku, "price": price, "stock": stock, "options": {"size": size}}
        assert admin_client.post(variants_url(product), body, format="json").status_code == 201
    default = product.variants.get(sku="TEE")
    assert admin_client.delete(f"{variants_url(product)}{default.pk}/").status_code == 204
    return product


# --- option types ---------------------------------------------------------------------------
def test_option_types_are_a_public_plain_array_with_values_in_position_order(api_client, catalog_client):
    body = {"name": "Size", "values": ["XS", "S", "M", "L", "XL", "XXL"]}
    created = catalog_client.post(TYPES, body, format="json")
    assert created.status_code == 201
    response = api_client.get(TYPES)
    assert response.status_code == 200
    [size] = response.json()
    assert (size["name"], size["slug"]) == ("Size", "size")
    assert [(v["value"], v["position"]) for v in size["values"]] == [
        ("XS", 0),
        ("S", 1),
        ("M", 2),
        ("L", 3),
        ("XL", 4),
        ("XXL", 5),
    ]


def test_add_value_goes_last_and_patch_renames(catalog_client):
    size = sizes("S", "M")
    added = catalog_client.post(f"{TYPES}{size.pk}/values/", {"value": "XL"}, format="json")
    assert added.status_code == 201
    assert (added.json()["value"], added.json()["slug"], added.json()["position"]) == ("XL", "xl", 2)
    renamed = catalog_client.patch(f"{TYPES}{size.pk}/", {"name": "Shirt size"}, format="json")
    assert (renamed.status_code, renamed.json()["name"], renamed.json()["slug"]) == (200, "Shirt size", "size")


def test_duplicate_value_is_409(catalog_client):
    size = sizes("S")
    response = catalog_client.post(f"{TYPES}{size.pk}/values/", {"value": "S"}, format="json")
    assert_envelope(response, 409, code="unique", attr="value")


def test_deleting_a_type_or_value_in_use_is_refused(catalog_client, container, tee):
    size = OptionType.objects.get(slug="size")
    in_use, unused = size.values.get(value="S"), size.values.get(value="L")
    assert_envelope(catalog_client.delete(f"{TYPES}{size.pk}/"), 409, code="option_in_use")
    service = container.option_type_service()
    with pytest.raises(OptionInUseError):  # values are deleted in the admin, through this rule
        service.delete_value(size.pk, in_use.pk)
    service.delete_value(size.pk, unused.pk)
    assert list(size.values.values_list("value", flat=True)) == ["S", "M"]
    unused_type = catalog_client.post(TYPES, {"name": "Material", "values": ["cotton"]}, format="json").json()
    assert catalog_client.delete(f"{TYPES}{unused_type['id']}/").status_code == 204


def test_option_type_writes_need_the_catalog_role(api_client, customer_client):
    assert api_client.post(TYPES, {"name": "Color"}, format="json").status_code == 401
    assert customer_client.post(TYPES, {"name": "Color"}, format="json").status_code == 403


# --- variants -------------------------------------------------------------------------------
def test_variants_are_a_public_plain_array(api_client, tee):
    response = api_client.get(variants_url(tee))
    assert response.status_code == 200
    assert [
        (v["sku"], v["options"], v["price"], v["stock"], v["in_stock"], v["is_default"], v["low_stock_threshold"])
        for v in response.json()
    ] == [
        ("TEE-S", {"size": "S"}, "9.00", 3, True, True, None),
        ("TEE-M", {"size": "M"}, "11.00", 0, False, False, None),
    ]


def test_product_reads_show_lowest_price_summed_stock_variants_and_options(api_client, tee):
    detail = api_client.get(f"/api/products/{tee.pk}/").json()
    assert (detail["price"], detail["stock"], detail["in_stock"]) == ("9.00", 3, True)
    assert [v["sku"] for v in detail["variants"]] == ["TEE-S", "TEE-M"]
    assert detail["options"] == {"size": ["S", "M"]}
    [row] = api_client.get("/api/products/").json()["results"]
    assert (row["price"], row["stock"]) == ("9.00", 3)


def test_patch_variant_moves_product_figures(api_client, catalog_client, tee):
    m = tee.variants.get(sku="TEE-M")
    response = catalog_client.patch(f"{variants_url(tee)}{m.pk}/", {"stock": 5, "price": "8.50"}, format="json")
    assert response.status_code == 200
    assert (response.json()["stock"], response.json()["price"]) == (5, "8.50")
    detail = api_client.get(f"/api/products/{tee.pk}/").json()
    assert (detail["price"], detail["stock"]) == ("8.50", 8)


def test_variant_sku_taken_anywhere_is_400(catalog_client, tee):
    ProductFactory(sku="TAKEN")
    body = {"sku": "TAKEN", "price": "1.00", "options": {"size": "L"}}
    assert_envelope(catalog_client.post(variants_url(tee), body, format="json"), 400, code="unique", attr="sku")


def test_same_options_as_a_live_variant_is_409(catalog_client, tee):
    body = {"sku": "TEE-S2", "price": "1.00", "options": {"size": "S"}}
    response = catalog_client.post(variants_url(tee), body, format="json")
    assert_envelope(response, 409, code="duplicate_variant_options", attr="options")


def test_unknown_option_is_400_naming_options(catalog_client, tee):
    body = {"sku": "TEE-Q", "price": "1.00", "options": {"size": "XXXL"}}
    assert_envelope(
        catalog_client.post(variants_url(tee), body, format="json"), 400, code="unknown_option", attr="options"
    )


def test_last_live_variant_cannot_be_deleted(catalog_client, tee):
    s, m = tee.variants.get(sku="TEE-S"), tee.variants.get(sku="TEE-M")
    assert catalog_client.delete(f"{variants_url(tee)}{s.pk}/").status_code == 204
    assert_envelope(catalog_client.delete(f"{variants_url(tee)}{m.pk}/"), status=409, code="last_variant")
    tee.refresh_from_db()
    assert (tee.price, tee.stock) == (Decimal("11.00"), 0)


def test_variant_writes_need_the_catalog_role(api_client, customer_client, tee):
    body = {"sku": "TEE-L", "price": "1.00", "options": {"size": "L"}}
    assert api_client.post(variants_url(tee), body, format="json").status_code == 401
    assert customer_client.post(variants_url(tee), body, format="json").status_code == 403


def test_variants_of_an_unknown_or_inactive_product_are_404(api_client):
    hidden = ProductFactory(is_active=False)
    assert api_client.get("/api/products/999999/variants/").status_code == 404
    assert api_client.get(variants_url(hidden)).status_code == 404


# --- product writes with variants -----------------------------------------------------------
def test_product_with_several_variants_refuses_a_price_write(catalog_client, tee):
    response = catalog_client.patch(f"/api/products/{tee.pk}/", {"price": "1.00"}, format="json")
    assert_envelope(response, 400, code="read_only_with_variants", attr="price")
    response = catalog_client.patch(f"/api/products/{tee.pk}/", {"stock": 99}, format="json")
    assert_envelope(response, 400, code="read_only_with_variants", attr="stock")


def test_product_with_one_variant_writes_it(catalog_client):
    product = ProductFactory(price=Decimal("5.00"), stock=2)
    response = catalog_client.patch(f"/api/products/{product.pk}/", {"price": "6.00", "stock": 4}, format="json")
    assert (response.status_code, response.json()["price"], response.json()["stock"]) == (200, "6.00", 4)
    variant = product.variants.get()
    assert (variant.price, variant.stock) == (Decimal("6.00"), 4)


def test_created_product_gets_its_default_variant(catalog_client):
    body = {"name": "Lamp", "sku": "LAMP-1", "price": "19.99", "stock": 7, "category": CategoryFactory().pk}
    created = catalog_client.post("/api/products/", body, format="json").json()
    [variant] = catalog_client.get(f"/api/products/{created['id']}/variants/").json()
    assert (variant["sku"], variant["price"], variant["stock"], variant["is_default"]) == ("LAMP-1", "19.99", 7, True)


# --- low stock ------------------------------------------------------------------------------
def test_low_stock_lists_variants_at_or_below_threshold_lowest_first(catalog_client, tee):
    other = ProductFactory(name="Mug", stock=5)  # at the default threshold (5)
    ProductFactory(stock=6)  # above it
    m = tee.variants.get(sku="TEE-M")
    s = tee.variants.get(sku="TEE-S")
    ProductVariant.objects.filter(pk=s.pk).update(low_stock_threshold=2)  # 3 units: above its own threshold
    response = catalog_client.get("/api/inventory/low-stock/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(r["sku"], r["stock"], r["threshold"], r["product_name"]) for r in body["results"]] == [
        ("TEE-M", 0, 5, "Tee"),
        (other.sku, 5, 5, "Mug"),
    ]
    assert body["results"][0]["product_id"] == tee.pk
    assert m.pk == body["results"][0]["id"]


def test_low_stock_is_staff_only(api_client, customer_client):
    assert api_client.get("/api/inventory/low-stock/").status_code == 401
    assert customer_client.get("/api/inventory/low-stock/").status_code == 403


def test_low_stock_pages(catalog_client):
    for _ in range(3):
        ProductFactory(stock=0)
    page = catalog_client.get("/api/inventory/low-stock/", {"page_size": 2}).json()
    assert (page["count"], len(page["results"]), page["next"] is not None) == (3, 2, True)
    assert Product.objects.count() == 3


@pytest.mark.parametrize(
    "options", [{"size": {"nested": True}}, {"color": 7}, {"size": "x" * 65}, {"size": "S\x00"}, {"si\x00ze": "S"}]
)
def test_options_no_option_can_have_are_400(catalog_client, tee, options):
    body = {"sku": "TEE-BAD", "price": "1.00", "options": options}
    assert_envelope(catalog_client.post(variants_url(tee), body, format="json"), 400, code="unknown_option")
