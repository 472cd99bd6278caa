"""The shopping cart: one per user, prices read live from the catalog until checkout."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.models.accounts import User
from apps.core.models.catalog import DETAIL_VISIBLE, Product
from apps.core.models.shopping import Cart, CartItem
from apps.core.services.catalog.variant_sync import default_variant


@dataclass(frozen=True)
class CartView:
    """A cart as shown to its owner.

    Attributes:
        items: lines oldest first, products joined.
        item_count: units in the cart (sum of quantities).
        total: sum of line totals, Decimal in the shop's currency at today's prices.
    """

    items: list[CartItem]
    item_count: int
    total: Decimal


class CartService:
    """Reads and changes a user's own cart; every write locks the cart row first."""

    def get(self, user: User) -> CartView:
        """The user's cart (empty when they never had one). Two queries."""
        items = list(self._items(user))
        return CartView(
            items=items,
            item_count=sum(item.quantity for item in items),
            total=sum((item.line_total for item in items), Decimal("0.00")),
        )

    @transaction.atomic
    def add_item(self, user: User, product_id: int, quantity: int) -> CartItem:
        """Put `quantity` units of a product in the cart; a product already there has its quantity raised.

        Raises:
            InvalidInputError: the product does not exist, is inactive or deleted (attr "product"),
                quantity is below 1, or the resulting quantity exceeds the stock (attr "quantity").
        """
        cart = locked_cart(user)
        product = self._buyable(product_id)
        item = CartItem.objects.filter(cart=cart, product=product).first()
        new_quantity = quantity + (item.quantity if item else 0)
        self._check_quantity(product, quantity, new_quantity)
        if item is None:
            variant = default_variant(product.pk)
            if variant is None:
                raise InvalidInputError(
                    f"Product {product_id} has no variant for sale.", code="product_unavailable", attr="product"
                )
            item = CartItem.objects.create(cart=cart, product=product, variant=variant, quantity=new_quantity)
        else:
            item.quantity = new_quantity
            item.save(update_fields=["quantity", "updated_at"])
        item.product = product
        return item

    @transaction.atomic
    def update_item(self, user: User, item_id: int, quantity: int) -> CartItem:
        """Set a line's quantity.

        Raises:
            NotFoundError: the line is not in this user's cart.
            InvalidInputError: quantity below 1 or above the stock (attr "quantity"); the product
                became unavailable (attr "product").
        """
        cart = locked_cart(user)
        item = self._own_item(cart, item_id)
        product = self._buyable(item.product_id)
        self._check_quantity(product, quantity, quantity)
        item.quantity = quantity
        item.save(update_fields=["quantity", "updated_at"])
        item.product = product
        return item

    @transaction.atomic
    def remove_item(self, user: User, item_id: int) -> None:
        """Take a line out of the cart.

        Raises:
            NotFoundError: the line is not in this user's cart.
        """
        cart = locked_cart(user)
        self._own_item(cart, item_id).delete()

    @transaction.atomic
    def clear(self, user: User) -> None:
        """Empty the user's cart (a no-op when it is already empty)."""
        CartItem.objects.filter(cart__user=user).delete()

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _items(user: User) -> QuerySet[CartItem]:
        return CartItem.objects.filter(cart__user=user).select_related("product").order_by("created_at", "id")

    @staticmethod
    def _own_item(cart: Cart, item_id: int) -> CartItem:
        item = CartItem.objects.filter(cart=cart, pk=item_id).first()
        if item is None:
            raise NotFoundError(f"Cart item {item_id} does not exist.")
        return item

    @staticmethod
    def _buyable(product_id: int) -> Product:
        product = Product.objects.alive().filter(DETAIL_VISIBLE, pk=product_id).first()
        if product is None:
            raise InvalidInputError(
                f"Product {product_id} does not exist or is not for sale.", code="product_unavailable", attr="product"
            )
        if not product.is_active:  # discontinued: shown by detail, no longer sold
            raise InvalidInputError(f"Product {product_id} is discontinued.", code="not_purchasable", attr="product")
        return product

    @staticmethod
    def _check_quantity(product: Product, requested: int, resulting: int) -> None:
        if requested < 1:
            raise InvalidInputError("Quantity must be at least 1.", code="min_value", attr="quantity")
        if resulting > product.stock:
            raise InvalidInputError(
                f"Only {product.stock} of this product are in stock; the cart would hold {resulting}.",
                code="exceeds_stock",
                attr="quantity",
            )


def locked_cart(user: User) -> Cart:
    """The user's cart, created when missing, its row locked until the transaction ends.

    The lock serializes one user's cart writes and checkouts (two tabs, a double click),
    so a cart can never be checked out twice. On SQLite the write lock does the same.
    """
    cart, _ = Cart.objects.get_or_create(user=user)
    return Cart.objects.select_for_update().get(pk=cart.pk)
