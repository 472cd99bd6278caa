"""VariantService and the product's denormalized price and stock: writes, rules and the events they record."""

from decimal import Decimal

import pytest

from apps.core.exceptions import DuplicateVariantError, InvalidInputError, LastVariantError, NotFoundError
from apps.core.models.catalog import Product, ProductVariant
from apps.core.models.events import Event, EventType
from apps.core.services.catalog import ProductInput, VariantInput
from tests.factories import CategoryFactory, OptionTypeFactory, OptionValueFactory, ProductFactory, sizes

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant_service(container):
    return container.variant_service()


def events(kind: str) -> list[dict]:
    return [e.payload for e in Event.objects.filter(type=kind).order_by("created_at", "id")]


def totals(product: Product) -> tuple[Decimal, int, Decimal, int]:
    """(product price, product stock, lowest live variant price, summed live variant stock)."""
    product.refresh_from_db()
    live = ProductVariant.objects.alive().filter(product=product)
    return product.price, product.stock, min(v.price for v in live), sum(v.stock for v in live)


def test_create_adds_stock_and_lowers_price(variant_service):
    sizes("S", "M", "L")
    product = ProductFactory(price=Decimal("20.00"), stock=3)

    view = variant_service.create(
        product.pk, VariantInput(sku="TEE-M", price=Decimal("15.50"), stock=4, options={"size": "M"})
    )

    assert view.options == {"size": "M"}
    product.refresh_from_db()
    assert (product.price, product.stock) == (Decimal("15.50"), 7)
    assert events(EventType.PRODUCT_PRICE_DROPPED) == [
        {
            "product_id": product.pk,
            "name": product.name,
            "slug": product.slug,
            "price": "15.50",
            "previous_price": "20.00",
        }
    ]


def test_create_refuses_a_sku_any_product_or_variant_has(variant_service):
    ProductFactory(sku="OTHER-1", default_variant__sku="OTHER-2")
    product = ProductFactory()
    with pytest.raises(InvalidInputError) as by_product:
        variant_service.create(product.pk, VariantInput(sku="OTHER-1", price=Decimal("1.00")))
    with pytest.raises(InvalidInputError) as by_variant:
        variant_service.create(product.pk, VariantInput(sku="OTHER-2", price=Decimal("1.00")))
    assert (by_product.value.attr, by_variant.value.attr) == ("sku", "sku")


def test_create_refuses_the_options_of_a_live_variant(variant_service):
    sizes("S", "M")
    product = ProductFactory()
    variant_service.create(product.pk, VariantInput(sku="A-S", price=Decimal("5"), options={"size": "S"}))
    with pytest.raises(DuplicateVariantError):
        variant_service.create(product.pk, VariantInput(sku="B-S", price=Decimal("5"), options={"size": "s"}))


def test_create_refuses_an_unknown_option(variant_service):
    product = ProductFactory()
    with pytest.raises(InvalidInputError) as error:
        variant_service.create(product.pk, VariantInput(sku="X-1", price=Decimal("5"), options={"colour": "red"}))
    assert (error.value.attr, error.value.code) == ("options", "unknown_option")


def test_update_moves_product_stock_by_the_difference_and_recomputes_price(variant_service):
    sizes("S", "M")
    product = ProductFactory(price=Decimal("10.00"), stock=5)
    m = variant_service.create(
        product.pk, VariantInput(sku="P-M", price=Decimal("12.00"), stock=2, options={"size": "M"})
    )

    variant_service.update(product.pk, m.id, VariantInput(stock=9, price=Decimal("8.00")))

    price, stock, low, total = totals(product)
    assert (price, stock) == (low, total) == (Decimal("8.00"), 14)


def test_stock_low_once_per_crossing(variant_service, settings):
    product = ProductFactory(stock=10)
    variant = product.variants.get()
    threshold = 5  # LOW_STOCK_THRESHOLD default, read by the container

    variant_service.update(product.pk, variant.pk, VariantInput(stock=threshold))  # crosses
    variant_service.update(product.pk, variant.pk, VariantInput(stock=2))  # already below: no new event
    variant_service.update(product.pk, variant.pk, VariantInput(stock=8))  # back above
    variant_service.update(product.pk, variant.pk, VariantInput(stock=1))  # crosses again

    assert events(EventType.STOCK_LOW) == [
        {"product_id": product.pk, "variant_id": variant.pk, "sku": variant.sku, "stock": threshold, "threshold": 5},
        {"product_id": product.pk, "variant_id": variant.pk, "sku": variant.sku, "stock": 1, "threshold": 5},
    ]


def test_own_threshold_wins_over_the_setting(variant_service):
    product = ProductFactory(stock=30)
    variant = product.variants.get()
    variant_service.update(product.pk, variant.pk, VariantInput(low_stock_threshold=20))
    variant_service.update(product.pk, variant.pk, VariantInput(stock=19))
    assert [e["threshold"] for e in events(EventType.STOCK_LOW)] == [20]


def test_back_in_stock_when_product_stock_leaves_zero(variant_service):
    product = ProductFactory(stock=0, price=Decimal("12.30"))
    variant = product.variants.get()
    variant_service.update(product.pk, variant.pk, VariantInput(stock=4))
    variant_service.update(product.pk, variant.pk, VariantInput(stock=6))  # not from zero: nothing
    assert events(EventType.PRODUCT_BACK_IN_STOCK) == [
        {"product_id": product.pk, "name": product.name, "slug": product.slug, "price": "12.30", "stock": 4}
    ]


def test_soft_delete_removes_stock_and_hands_on_default(variant_service):
    sizes("S", "M")
    product = ProductFactory(price=Decimal("3.00"), stock=5)
    default = product.variants.get()
    m = variant_service.create(
        product.pk, VariantInput(sku="Q-M", price=Decimal("9.00"), stock=2, options={"size": "M"})
    )

    variant_service.soft_delete(product.pk, default.pk)

    product.refresh_from_db()
    assert (product.price, product.stock) == (Decimal("9.00"), 2)
    assert ProductVariant.objects.get(pk=m.id).is_default is True
    with pytest.raises(LastVariantError):
        variant_service.soft_delete(product.pk, m.id)
    with pytest.raises(NotFoundError):
        variant_service.soft_delete(product.pk, default.pk)


def test_product_create_gets_a_default_variant_with_its_sku(product_service):
    category = CategoryFactory()
    product = product_service.create(
        ProductInput(name="Lamp", sku="LAMP-9", price=Decimal("19.99"), stock=7, category=category.pk)
    )
    variant = ProductVariant.objects.get(product=product)
    assert (variant.sku, variant.price, variant.stock, variant.is_default) == ("LAMP-9", Decimal("19.99"), 7, True)


def test_product_write_with_one_variant_writes_the_variant(product_service):
    product = ProductFactory(price=Decimal("5.00"), stock=1)
    product_service.update(product.pk, ProductInput(price=Decimal("4.00"), stock=6, sku="NEW-SKU"))
    variant = product.variants.get()
    product.refresh_from_db()
    assert (variant.price, variant.stock, variant.sku) == (Decimal("4.00"), 6, "NEW-SKU")
    assert (product.price, product.stock) == (Decimal("4.00"), 6)


@pytest.mark.parametrize("field", ["price", "stock"])
def test_product_write_with_several_variants_refuses_price_and_stock(product_service, variant_service, field):
    sizes("S", "M")
    product = ProductFactory(price=Decimal("5.00"), stock=1)
    variant_service.create(product.pk, VariantInput(sku="R-M", price=Decimal("6.00"), stock=1, options={"size": "M"}))
    product.refresh_from_db()
    with pytest.raises(InvalidInputError) as error:
        product_service.update(product.pk, ProductInput(**{field: {"price": Decimal("1.00"), "stock": 50}[field]}))
    assert (error.value.attr, error.value.code) == (field, "read_only_with_variants")
    # the current values are accepted (a PUT echoing a read)
    product_service.update(product.pk, ProductInput(price=product.price, stock=product.stock, name="Renamed"))


def test_detail_carries_variants_and_offered_options_in_position_order(product_service, variant_service):
    sizes("XS", "S", "M", "L")
    color = OptionTypeFactory(name="Color", slug="color")
    OptionValueFactory(option_type=color, value="black", position=0)
    product = ProductFactory(price=Decimal("10.00"), stock=1)
    for sku, size, position in (("D-L", "L", 2), ("D-S", "S", 1)):
        variant_service.create(
            product.pk,
            VariantInput(
                sku=sku, price=Decimal("11.00"), stock=1, options={"size": size, "color": "black"}, position=position
            ),
        )

    detail = product_service.get(product.pk)

    assert [v.sku for v in detail.variant_data.variants] == [product.sku, "D-S", "D-L"]
    assert detail.variant_data.variants[1].options == {"color": "black", "size": "S"}
    assert detail.variant_data.options == {"color": ["black"], "size": ["S", "L"]}


def test_detail_reads_variants_in_one_query(product_service, django_assert_num_queries):
    sizes("S", "M")
    product = ProductFactory()
    from apps.core.infra.db.batch import batched

    # the product, its variants with their options, its images (all precompiled; one round trip on PostgreSQL)
    with django_assert_num_queries(1 if batched() else 3):
        product_service.get(product.pk)
