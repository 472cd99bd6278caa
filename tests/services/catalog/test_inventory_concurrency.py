"""Real concurrent transactions on PostgreSQL: variant stock never oversells, and the product's
denormalized price (lowest live variant price) and stock (sum of live variant stock) stay exact
while staff writes and checkouts hammer the variants of one product at once.
"""

import random
from collections import Counter
from decimal import Decimal

import pytest

from apps.core.exceptions import InsufficientStockError
from apps.core.models.catalog import Product, ProductVariant
from apps.core.models.events import Event, EventType
from apps.core.models.shopping import CartItem, Order
from apps.core.services.catalog import VariantInput
from tests.factories import ProductFactory, UserFactory, sizes
from tests.factories_shop import CartItemFactory
from tests.services.shopping.test_checkout_concurrency import max_overlap, run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def product_with_sizes(container, stocks: dict[str, int], price: Decimal = Decimal("10.00")) -> Product:
    """A product whose only live variants are one per size in `stocks`, made through the variant service."""
    sizes(*stocks)
    product = ProductFactory(price=price, stock=0)
    default = product.variants.get()
    service = container.variant_service()
    for size, stock in stocks.items():
        service.create(
            product.pk, VariantInput(sku=f"{product.sku}-{size}", price=price, stock=stock, options={"size": size})
        )
    service.soft_delete(product.pk, default.pk)
    product.refresh_from_db()
    return product


def live_totals(product: Product) -> tuple[Decimal, int]:
    live = ProductVariant.objects.alive().filter(product=product)
    return min(v.price for v in live), sum(v.stock for v in live)


@pytest.mark.parametrize(("buyers", "stocks"), [(10, {"S": 3, "M": 2}), (8, {"S": 4, "M": 4})])
def test_concurrent_checkouts_of_two_variants_never_oversell(container, mailoutbox, buyers, stocks):
    # given one product with two variants and N buyers, alternating between them, 1 unit each
    product = product_with_sizes(container, stocks)
    variants = list(ProductVariant.objects.alive().filter(product=product).order_by("id"))
    users = [UserFactory() for _ in range(buyers)]
    for i, user in enumerate(users):
        CartItemFactory(cart__user=user, product=product, variant=variants[i % 2], quantity=1)

    # when they all check out at once
    spans: list[tuple[float, float]] = []
    outcomes = run_concurrently([lambda u=user: container.order_service().place_order(u) for user in users], spans)

    # then each variant sold exactly what it had, never more, and the product's stock followed
    counts = Counter(outcomes)
    per_variant = [min(len(users[i::2]), stocks[size]) for i, size in enumerate(stocks)]
    product.refresh_from_db()
    print(
        f"\nvariant checkout: N={buyers} stocks={stocks} succeeded={counts['ok']} final_stock={product.stock} "
        f"max_overlapping_transactions={max_overlap(spans)}"
    )
    assert max_overlap(spans) > 1
    assert counts["ok"] == sum(per_variant)
    assert counts[InsufficientStockError.__name__] == buyers - sum(per_variant)
    for variant, size, sold in zip(variants, stocks, per_variant, strict=True):
        variant.refresh_from_db()
        assert variant.stock == stocks[size] - sold
    assert product.stock == live_totals(product)[1] == sum(stocks.values()) - counts["ok"]
    assert Order.objects.count() == counts["ok"]
    assert CartItem.objects.count() == buyers - counts["ok"]


def test_hammered_variants_keep_product_price_and_stock_exact(container):
    # given a product with four variants
    product = product_with_sizes(container, {"S": 50, "M": 50, "L": 50, "XL": 50}, price=Decimal("20.00"))
    variants = list(ProductVariant.objects.alive().filter(product=product).order_by("id"))
    buyers = [UserFactory() for _ in range(6)]
    for i, buyer in enumerate(buyers):
        CartItemFactory(cart__user=buyer, product=product, variant=variants[i % 4], quantity=2)
    seeds = random.Random(11).sample(range(10**6), 8)

    def staff_writes(seed: int):
        local = random.Random(seed)
        service = container.variant_service()
        for _ in range(6):
            variant = local.choice(variants)
            change = local.choice(["stock", "price", "both"])
            data = {}
            if change in ("stock", "both"):
                data["stock"] = local.randint(0, 80)
            if change in ("price", "both"):
                data["price"] = Decimal(local.randint(500, 3000)) / 100
            service.update(product.pk, variant.pk, VariantInput(**data))

    jobs = [lambda s=seed: staff_writes(s) for seed in seeds]
    jobs += [lambda b=buyer: container.order_service().place_order(b) for buyer in buyers]

    # when staff writes and checkouts run at once
    spans: list[tuple[float, float]] = []
    outcomes = run_concurrently(jobs, spans)

    # then nothing deadlocked or failed, and the product row equals the aggregate of its variants
    product.refresh_from_db()
    lowest, total = live_totals(product)
    print(
        f"\nvariant hammer: outcomes={Counter(outcomes)} price={product.price} (min {lowest}) "
        f"stock={product.stock} (sum {total}) max_overlapping_transactions={max_overlap(spans)}"
    )
    assert max_overlap(spans) > 1
    assert set(outcomes) <= {"ok", InsufficientStockError.__name__}
    assert outcomes[:8] == ["ok"] * 8  # staff writes never fail or deadlock
    assert (product.price, product.stock) == (lowest, total)


def test_concurrent_checkouts_record_stock_low_once(container):
    # given a variant with 8 units (threshold 5) and 6 buyers of 1 unit each
    product = product_with_sizes(container, {"S": 8})
    variant = ProductVariant.objects.alive().get(product=product)
    buyers = [UserFactory() for _ in range(6)]
    for buyer in buyers:
        CartItemFactory(cart__user=buyer, product=product, variant=variant, quantity=1)

    outcomes = run_concurrently([lambda b=buyer: container.order_service().place_order(b) for buyer in buyers])

    # then the stock fell from 8 to 2, crossing 5 exactly once
    assert outcomes == ["ok"] * 6
    lows = Event.objects.filter(type=EventType.STOCK_LOW)
    assert [e.payload["stock"] for e in lows] == [5]
