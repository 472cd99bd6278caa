"""factory-boy factories for the shopping models (carts, orders, payments, reviews, wishlist)."""

from decimal import Decimal

import factory

from apps.core.models.catalog import Review
from apps.core.models.payments import Payment, PaymentStatus
from apps.core.models.shopping import Cart, CartItem, Order, OrderLine, OrderStatus, WishlistItem
from tests.factories import ProductFactory, UserFactory


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class CartItemFactory(factory.django.DjangoModelFactory):
    """A line in `cart` (or a fresh user's cart) for an in-stock product."""

    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory)
    variant = factory.LazyAttribute(lambda o: o.product.variants.order_by("-is_default", "id").first())
    quantity = 1


class OrderFactory(factory.django.DjangoModelFactory):
    """An order without lines; add OrderLineFactory rows (total is not recomputed)."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"NX-TEST-{n:08d}")
    user = factory.SubFactory(UserFactory)
    status = OrderStatus.PENDING
    total = Decimal("0.00")
    currency = "USD"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    variant = factory.LazyAttribute(lambda o: o.product.variants.order_by("-is_default", "id").first())
    product_name = factory.LazyAttribute(lambda o: o.product.name)
    sku = factory.LazyAttribute(lambda o: o.product.sku)
    unit_price = factory.LazyAttribute(lambda o: o.product.price)
    quantity = 1
    line_total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    amount = factory.LazyAttribute(lambda o: o.order.total)
    currency = "USD"
    method = "card"
    provider = "sandbox"
    status = PaymentStatus.PENDING
    reference = factory.Sequence(lambda n: f"sbx_test_{n:08d}")


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    rating = 4
    comment = factory.Faker("sentence")


class WishlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WishlistItem

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)


def bought(user, product, *, status: str = OrderStatus.DELIVERED, quantity: int = 1) -> Order:
    """An order of `user` in `status` holding `quantity` of `product` (a buyer, for reviews)."""
    order = OrderFactory(user=user, status=status, total=product.price * quantity)
    OrderLineFactory(order=order, product=product, quantity=quantity)
    return order


class IdempotencyKeyFactory(factory.django.DjangoModelFactory):
    """A stored `Idempotency-Key` of an order placed by `user`."""

    class Meta:
        model = "core.IdempotencyKey"

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"key-{n}")
    method = "POST"
    path = "/api/orders/"
    fingerprint = "0" * 64
    resource_type = "order"


def paid_order(*lines, user=None, status: str = OrderStatus.PAID) -> Order:
    """An order in `status` (default paid) holding `lines`, (product, quantity) pairs at the products' prices,
    with a settled sandbox payment of its total."""
    order = OrderFactory(user=user or UserFactory(), status=status)
    for product, quantity in lines:
        OrderLineFactory(order=order, product=product, quantity=quantity)
    order.total = sum((line.line_total for line in order.lines.all()), Decimal("0.00"))
    order.save(update_fields=["total"])
    PaymentFactory(order=order, amount=order.total, status=PaymentStatus.SUCCEEDED)
    return order
