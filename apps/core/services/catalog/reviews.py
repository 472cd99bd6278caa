"""Reviews: public reading, writing by buyers only, and the product's denormalized rating."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count

from apps.core.exceptions import AlreadyReviewedError, NotABuyerError, NotFoundError
from apps.core.infra.pagination import Page, paginate
from apps.core.models.accounts import User
from apps.core.models.catalog import Product, Review
from apps.core.models.shopping import OrderLine, OrderStatus
from apps.core.services.catalog.cache import CatalogCache

# Orders whose lines entitle their owner to review a product.
BUYER_STATUSES = (OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


class ReviewService:
    """Lists, creates and deletes product reviews; keeps `Product.rating` and `review_count` current.

    Args:
        catalog_cache: invalidated when a product's rating changes.
    """

    def __init__(self, catalog_cache: CatalogCache) -> None:
        self._catalog_cache = catalog_cache

    def list_page(self, product_id: int, *, page: int, page_size: int) -> Page[Review]:
        """Reviews of a public product, newest first, authors joined (three queries).

        Raises:
            NotFoundError: no such live, active product, or the page is past the last one.
        """
        self._public_product(product_id)
        qs = Review.objects.filter(product_id=product_id).select_related("user").order_by("-created_at", "-id")
        return paginate(qs, page=page, page_size=page_size)

    @transaction.atomic
    def create(self, user: User, product_id: int, *, rating: int, comment: str) -> Review:
        """Add the user's review and recompute the product's average rating and count.

        Locks the product row so concurrent reviews of one product recompute in turn; the
        catalog caches are invalidated after commit.

        Args:
            rating: 1..5 (also a database constraint).

        Raises:
            NotFoundError: no such live, active product.
            NotABuyerError: the user has no paid, shipped or delivered order holding the product.
            AlreadyReviewedError: the user already reviewed it.
        """
        product = self._public_product(product_id, lock=True)
        bought = OrderLine.objects.filter(
            order__user=user, order__status__in=BUYER_STATUSES, product_id=product_id
        ).exists()
        if not bought:
            raise NotABuyerError("Only customers who bought this product may review it.")
        if Review.objects.filter(user=user, product=product).exists():
            raise AlreadyReviewedError("You already reviewed this product.")
        try:
            with transaction.atomic():
                review = Review.objects.create(user=user, product=product, rating=rating, comment=comment)
        except IntegrityError:
            raise AlreadyReviewedError("You already reviewed this product.") from None
        self._refresh_rating(product_id)
        return review

    @transaction.atomic
    def delete(self, review_id: int) -> None:
        """Remove a review (moderation) and recompute its product's rating and count.

        Locks the product row like `create`, so the recomputed average never misses a
        concurrent review; the catalog caches are invalidated after commit.

        Raises:
            NotFoundError: no review has that id.
        """
        product_id = Review.objects.filter(pk=review_id).values_list("product_id", flat=True).first()
        if product_id is None:
            raise NotFoundError(f"Review {review_id} does not exist.")
        Product.objects.select_for_update().filter(pk=product_id).first()
        Review.objects.filter(pk=review_id).delete()
        self._refresh_rating(product_id)

    def _refresh_rating(self, product_id: int) -> None:
        stats = Review.objects.filter(product_id=product_id).aggregate(avg=Avg("rating"), count=Count("id"))
        average = stats["avg"]
        rating = None if average is None else Decimal(str(average)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        Product.objects.filter(pk=product_id).update(rating=rating, review_count=stats["count"])
        self._catalog_cache.products_changed()  # rating and review_count

    @staticmethod
    def _public_product(product_id: int, *, lock: bool = False) -> Product:
        qs = Product.objects.alive().filter(pk=product_id, is_active=True)
        if lock:
            qs = qs.select_for_update()
        product = qs.first()
        if product is None:
            raise NotFoundError(f"Product {product_id} does not exist.")
        return product
