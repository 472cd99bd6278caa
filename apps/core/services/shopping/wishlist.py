"""Wishlists: products a user saved for later."""

from django.db import IntegrityError, transaction

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.infra.pagination import Page, paginate
from apps.core.models.accounts import User
from apps.core.models.catalog import Product
from apps.core.models.shopping import WishlistItem


class WishlistService:
    """Lists, adds and removes the products on a user's own wishlist."""

    def list_page(self, user: User, *, page: int, page_size: int) -> Page[Product]:
        """The user's wished-for public products, most recently added first (two queries).

        Products deleted or deactivated since they were added are left out.

        Raises:
            NotFoundError: the page is past the last one.
        """
        qs = (
            Product.objects.alive()
            .filter(is_active=True, wishlist_entries__user=user)
            .select_related("category")
            .order_by("-wishlist_entries__created_at", "-wishlist_entries__id")
        )
        return paginate(qs, page=page, page_size=page_size)

    @transaction.atomic
    def add(self, user: User, product_id: int) -> tuple[Product, bool]:
        """Put a product on the wishlist.

        Returns:
            (product, created): created is False when it was already there.

        Raises:
            InvalidInputError: no such live, active product (attr "product").
        """
        product = Product.objects.alive().filter(pk=product_id, is_active=True).select_related("category").first()
        if product is None:
            raise InvalidInputError(
                f"Product {product_id} does not exist or is not for sale.", code="product_unavailable", attr="product"
            )
        if WishlistItem.objects.filter(user=user, product=product).exists():
            return product, False
        try:
            with transaction.atomic():
                WishlistItem.objects.create(user=user, product=product)
        except IntegrityError:  # a concurrent add won
            return product, False
        return product, True

    @transaction.atomic
    def remove(self, user: User, product_id: int) -> None:
        """Take a product off the wishlist.

        Raises:
            NotFoundError: the product is not on this user's wishlist.
        """
        deleted, _ = WishlistItem.objects.filter(user=user, product__pk=product_id).delete()
        if not deleted:
            raise NotFoundError(f"Product {product_id} is not on your wishlist.")
