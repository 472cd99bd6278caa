"""The shopping cart: one per user, one line per variant, prices read live from the catalog until checkout."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from apps.core.exceptions import InvalidInputError, NotFoundError, VariantRequiredError
from apps.core.infra.db.prepared import prepared_statements
from apps.core.infra.precompiled import PrecompiledQuery, PrecompiledRows
from apps.core.models.accounts import User
from apps.core.models.catalog import DETAIL_VISIBLE, Product, ProductStatus, ProductVariant, VariantOption
from apps.core.models.shopping import Cart, CartItem
from apps.core.services.catalog import attach_option_maps, option_links


@dataclass(frozen=True)
class CartView:
    """A cart as shown to its owner.

    Attributes:
        items: lines oldest first, products and variants (with their options) joined.
        item_count: units in the cart (sum of quantities).
        total: sum of line totals, Decimal in the shop's currency at today's prices.
    """

    items: list[CartItem]
    item_count: int
    total: Decimal


class CartService:
    """Reads and changes a user's own cart; every write locks the cart row first."""

    @prepared_statements()  # key lookups: prepared on the server (infra/db/prepared.py)
    def get(self, user: User) -> CartView:
        """The user's cart (empty when they never had one). Two queries (lines with products and variants,
        the variants' options), each compiled once per connection: checkout reads the cart on every order."""
        items = _CART_LINES.all(user.pk)
        attach_option_maps([item.variant for item in items], _CART_OPTIONS.all(user.pk) if items else [])
        return CartView(
            items=items,
            item_count=sum(item.quantity for item in items),
            total=sum((item.line_total for item in items), Decimal("0.00")),
        )

    @prepared_statements()
    @transaction.atomic
    def add_item(self, user: User, product_id: int | None, quantity: int, *, variant_id: int | None = None) -> CartItem:
        """Put `quantity` units of a variant in the cart; a variant already there has its quantity raised.

        Args:
            product_id: the product; alone it means its only live variant. With `variant_id` it
                must be that variant's product. None: `variant_id` alone decides.
            variant_id: the variant to buy, or None.

        Raises:
            InvalidInputError: the product or variant does not exist, is inactive or deleted (attr
                "product" or "variant", code "product_unavailable"); product and variant disagree
                (attr "variant", code "variant_mismatch"); quantity is below 1, or the resulting
                quantity exceeds the variant's stock (attr "quantity").
            VariantRequiredError: only a product was given and it has several live variants (attr "variant").
        """
        cart = locked_cart(user)
        variant = self._chosen_variant(product_id, variant_id)
        item = CartItem.objects.filter(cart=cart, variant=variant).first()
        new_quantity = quantity + (item.quantity if item else 0)
        self._check_quantity(variant, quantity, new_quantity)
        if item is None:
            item = CartItem.objects.create(cart=cart, product=variant.product, variant=variant, quantity=new_quantity)
        else:
            item.quantity = new_quantity
            item.save(update_fields=["quantity", "updated_at"])
        return self._loaded(item.pk)

    @prepared_statements()
    @transaction.atomic
    def update_item(self, user: User, item_id: int, quantity: int) -> CartItem:
        """Set a line's quantity.

        Raises:
            NotFoundError: the line is not in this user's cart.
            InvalidInputError: quantity below 1 or above the variant's stock (attr "quantity"); the
                product or variant became unavailable (attr "product").
        """
        cart = locked_cart(user)
        item = self._own_item(cart, item_id)
        variant = self._buyable_variant(item.variant_id, attr="product")
        self._check_quantity(variant, quantity, quantity)
        item.quantity = quantity
        item.save(update_fields=["quantity", "updated_at"])
        return self._loaded(item.pk)

    @prepared_statements()
    @transaction.atomic
    def remove_item(self, user: User, item_id: int) -> None:
        """Take a line out of the cart.

        Raises:
            NotFoundError: the line is not in this user's cart.
        """
        cart = locked_cart(user)
        self._own_item(cart, item_id).delete()

    @prepared_statements()
    @transaction.atomic
    def clear(self, user: User) -> None:
        """Empty the user's cart (a no-op when it is already empty)."""
        CartItem.objects.filter(cart__user=user).delete()

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _loaded(item_id: int) -> CartItem:
        return _with_variants(CartItem.objects.filter(pk=item_id)).get()

    @staticmethod
    def _own_item(cart: Cart, item_id: int) -> CartItem:
        item = CartItem.objects.filter(cart=cart, pk=item_id).first()
        if item is None:
            raise NotFoundError(f"Cart item {item_id} does not exist.")
        return item

    def _chosen_variant(self, product_id: int | None, variant_id: int | None) -> ProductVariant:
        """The variant a cart write means (see `add_item`)."""
        if variant_id is not None:
            variant = self._buyable_variant(variant_id, attr="variant")
            if product_id is not None and variant.product_id != product_id:
                raise InvalidInputError(
                    f"Variant {variant_id} is not a variant of product {product_id}.",
                    code="variant_mismatch",
                    attr="variant",
                )
            return variant
        product = Product.objects.alive().filter(DETAIL_VISIBLE, pk=product_id).first()
        if product is not None and not product.is_active:  # discontinued: shown by detail, no longer sold
            raise InvalidInputError(f"Product {product_id} is discontinued.", code="not_purchasable", attr="product")
        live = list(ProductVariant.objects.alive().filter(product=product).order_by("id")[:2]) if product else []
        if not live:
            raise InvalidInputError(
                f"Product {product_id} does not exist or is not for sale.", code="product_unavailable", attr="product"
            )
        if len(live) > 1:
            raise VariantRequiredError(f"Product {product_id} has several variants: choose one.", attr="variant")
        live[0].product = product
        return live[0]

    @staticmethod
    def _buyable_variant(variant_id: int, *, attr: str) -> ProductVariant:
        variant = (
            ProductVariant.objects.alive()
            .filter(pk=variant_id, product__deleted_at__isnull=True)
            .select_related("product")
            .first()
        )
        if variant is not None and variant.product.status == ProductStatus.DISCONTINUED:
            raise InvalidInputError(
                f"The product of variant {variant_id} is discontinued.", code="not_purchasable", attr=attr
            )
        if variant is None or not variant.product.is_active:
            raise InvalidInputError(
                f"Variant {variant_id} does not exist or is not for sale.", code="product_unavailable", attr=attr
            )
        return variant

    @staticmethod
    def _check_quantity(variant: ProductVariant, requested: int, resulting: int) -> None:
        if requested < 1:
            raise InvalidInputError("Quantity must be at least 1.", code="min_value", attr="quantity")
        if resulting > variant.stock:
            raise InvalidInputError(
                f"Only {variant.stock} of this variant are in stock; the cart would hold {resulting}.",
                code="exceeds_stock",
                attr="quantity",
            )


def _with_variants(qs: QuerySet[CartItem]) -> QuerySet[CartItem]:
    return qs.select_related("product", "variant").prefetch_related(option_links("variant__"))


# A user's cart lines, oldest first, with products and variants; their variants' options.
_CART_LINES: PrecompiledQuery[CartItem] = PrecompiledQuery(
    lambda user_id: (
        CartItem.objects.filter(cart__user_id=user_id).select_related("product", "variant").order_by("created_at", "id")
    )
)
_CART_OPTIONS = PrecompiledRows(
    lambda user_id: (
        VariantOption.objects.filter(variant_id__in=CartItem.objects.filter(cart__user_id=user_id).values("variant_id"))
        .order_by()
        .values_list("variant_id", "option_type__name", "option_type_id", "option_type__slug", "option_value__value")
    )
)

# The cart row of a user, locked (every cart write and checkout starts with it): compiled once per connection.
_LOCKED_CART: PrecompiledQuery[Cart] = PrecompiledQuery(
    lambda user_id: Cart.objects.select_for_update().filter(user_id=user_id).order_by()
)


def locked_cart(user: User) -> Cart:
    """The user's cart, created when missing, its row locked until the transaction ends.

    The lock serializes one user's cart writes and checkouts (two tabs, a double click),
    so a cart can never be checked out twice. On SQLite the write lock does the same.
    """
    cart = _LOCKED_CART.first(user.pk)  # one query when the cart exists
    if cart is None:
        Cart.objects.get_or_create(user=user)
        cart = Cart.objects.select_for_update().get(user=user)
    return cart
