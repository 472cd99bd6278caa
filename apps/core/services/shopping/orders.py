"""Orders: checkout (cart -> order without ever overselling), reads, cancel and admin status moves.

How overselling is prevented: stock lives on variants. Checkout runs in one transaction that
ends with `Inventory.take`: for each cart line in ascending variant id order, a conditional update
`UPDATE core_productvariant SET stock = stock - q WHERE id = v AND stock >= q AND <live>`, then
each product's denormalized stock by delta (only while the product is for sale).
On PostgreSQL the UPDATE takes the row lock and re-checks `stock >= q` against the latest
committed row, so of N concurrent checkouts only those that still find stock succeed; a line
that matches no row raises and rolls the whole transaction back (no stock moved, no order, cart
kept). Variants then products, each ascending, is the one lock order every stock writer uses, so
checkouts, cancellations and staff variant writes never deadlock; taking stock last holds a hot
variant's row lock only from the UPDATE to the COMMIT. `stock` also has a CHECK constraint (>= 0).

Figures: the cart is priced by `CheckoutService.quote` inside the order's transaction, so an order
answers the quote's figures exactly (order_placement.py builds the rows from it). A voucher's use
is taken right after the stock (`VoucherService.redeem`): variant rows, product rows, then the
voucher row, the one lock order that cancellation and expiry follow too. The voucher row is the
hottest lock of all (every order using the code takes it), so it is taken last, in one statement,
and held only until COMMIT.
"""

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.exceptions import (
    EmptyCartError,
    InvalidInputError,
    NotFoundError,
)
from apps.core.infra.db.prepared import prepared_statements
from apps.core.infra.pagination import Page, paginate
from apps.core.models.accounts import User
from apps.core.models.shopping import CartItem, Order, OrderLine, OrderStatus
from apps.core.services.accounts import has_staff_permission
from apps.core.services.catalog import CatalogCache, Inventory
from apps.core.services.idempotency import IdempotencyService, IdempotentRequest
from apps.core.services.promotions import VoucherService
from apps.core.services.shopping.cart import locked_cart
from apps.core.services.shopping.checkout import CheckoutService
from apps.core.services.shopping.expiry import payment_deadline
from apps.core.services.shopping.notifications import NotificationService
from apps.core.services.shopping.order_placement import OrderInput, order_fields, order_lines, require_shipping
from apps.core.services.shopping.order_status import OrderStateMachine

MAX_TOTAL = Decimal("9999999999.99")  # Decimal(12, 2)
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _attach_lines(order: Order, lines: list[OrderLine]) -> None:
    """Make `order.lines.all()` answer the lines just inserted (as `prefetch_related("lines")` would), in id order."""
    qs = order.lines.all()
    qs._result_cache = sorted(lines, key=lambda line: line.pk)
    qs._prefetch_done = True
    order._prefetched_objects_cache = {OrderLine._meta.get_field("order").remote_field.cache_name: qs}


def new_order_number() -> str:
    """A human-readable, unguessable order number: `NX-<UTC yyyymmdd>-<8 chars>` (40 bits)."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"NX-{timezone.now():%Y%m%d}-{suffix}"


class OrderService:
    """Places orders from carts and lets owners (and admins) read and move them.

    Args:
        catalog_cache: checkout changes stock, so product lists and details are invalidated.
        checkout: prices the cart (the quote's computation) and resolves addresses.
        vouchers: takes the order's voucher use.
        notifier: queues the "order received" e-mail (sent after commit).
        state_machine: every status change goes through it.
        idempotency: replays a checkout retried with the same `Idempotency-Key`.
        inventory: takes the variants' stock (the no-oversell update) and moves the products' with it.
        currency: SHOP_CURRENCY, the ISO 4217 code orders are placed in.
    """

    def __init__(
        self,
        catalog_cache: CatalogCache,
        notifier: NotificationService,
        state_machine: OrderStateMachine,
        idempotency: IdempotencyService,
        checkout: CheckoutService,
        vouchers: VoucherService,
        *,
        inventory: Inventory,
        currency: str,
    ) -> None:
        self._inventory = inventory
        self._checkout_service = checkout
        self._vouchers = vouchers
        self._catalog_cache = catalog_cache
        self._notifier = notifier
        self._state_machine = state_machine
        self._idempotency = idempotency
        self._currency = currency

    # --- checkout ------------------------------------------------------------------------
    def place_order(
        self, user: User, data: OrderInput | None = None, *, idempotency: IdempotentRequest | None = None
    ) -> tuple[Order, bool]:
        """Turn the user's cart into an order with addresses, shipping, voucher and tax; deducts stock.

        One transaction: the cart row is locked (one checkout per user at a time); the cart is
        priced by `CheckoutService.quote` (so the order's figures equal the quote's); the order
        (figures, address/method/voucher snapshots) and its lines (name, SKU, unit price, discount
        share, tax rate and amount) are written; the cart is emptied; then, last, each line's stock
        is taken with a conditional update (`stock = stock - q WHERE stock >= q`) per variant in
        ascending id order (Inventory.take), and the voucher's use (`VoucherService.redeem`, exact
        under concurrency). A line that finds too little stock rolls everything back. The order
        e-mail and the catalog cache invalidation happen only after commit.

        Args:
            data: addresses, shipping method and voucher code (None: none of them).
            idempotency: the request's `Idempotency-Key` and fingerprint; a retry of the same request
                returns the order the first one placed, whatever the cart holds now (IdempotencyService).

        Returns:
            (order, created): created is False when the key replayed an earlier order.

        Raises:
            EmptyCartError: the cart is empty (and the key replays nothing).
            InvalidInputError: a line requires shipping and `shipping_address` or `shipping_method`
                is missing (code "shipping_required"); an address, method or voucher the quote refuses (see
                `CheckoutService.quote`, `VoucherService.redeem`); an unknown billing address
                (attr "billing_address").
            InsufficientStockError: a line asks for more than is in stock; nothing changed.
            ProductUnavailableError: a line's product was deleted or deactivated; nothing changed.
            IdempotencyKeyMismatchError: the key was used before for a different request.
            ConflictError: `idempotency_key_in_use`, a concurrent request holds the key.
            InvalidInputError: the order total would not fit Decimal(12, 2).
        """
        for attempt in range(3):
            number = new_order_number()
            try:
                with prepared_statements():  # every statement of a checkout looks rows up by key
                    return self._place_order(user, data or OrderInput(), idempotency, number)
            except IntegrityError:
                # The number was taken (~1 in 10^12 per order: 40 random bits per day). The whole
                # transaction rolled back, so the checkout runs again with a new number; no savepoint
                # around the order's INSERT costs every checkout two round trips for it.
                if attempt == 2 or not Order.objects.filter(number=number).exists():
                    raise
        raise AssertionError("unreachable")

    @transaction.atomic
    def _place_order(
        self, user: User, data: OrderInput, idempotency: IdempotentRequest | None, number: str
    ) -> tuple[Order, bool]:
        return self._idempotency.run(
            user,
            idempotency,
            resource_type="order",
            perform=lambda: self._checkout(user, data, number),
            load=lambda order_id: self._base_queryset().get(pk=order_id),
        )

    def _checkout(self, user: User, data: OrderInput, number: str) -> Order:
        locked = locked_cart(user)
        cart = self._checkout_service.cart(user)  # read once, with the cart row locked
        if not cart.items:
            raise EmptyCartError("The cart is empty.", attr=None)
        require_shipping(any(item.product.requires_shipping for item in cart.items), data)
        # The quote's own computation, with the cart locked: the order answers its figures exactly.
        checkout = self._checkout_service.quote(user, data.checkout_input(), cart=cart)
        billing = self._checkout_service.address(user, data.billing_address, attr="billing_address")
        # A fast refusal on the rows just read; the conditional UPDATEs in `_take_stock` decide.
        for item in checkout.items:
            product, variant = item.product, item.variant
            if (
                variant.deleted_at is not None
                or product.deleted_at is not None
                or not product.is_active
                or variant.stock < item.quantity
            ):
                self._inventory.raise_unavailable(variant.pk, item.quantity)
        if checkout.quote.total > MAX_TOTAL:
            raise InvalidInputError("The order total is too large for one order.", code="order_too_large")

        order = Order.objects.create(
            number=number,
            user=user,
            expires_at=payment_deadline(),  # placed + ORDER_PAYMENT_TIMEOUT_MIN (expiry.py)
            **order_fields(checkout, billing),
        )
        lines = order_lines(checkout)
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
        CartItem.objects.filter(cart=locked).delete()
        _attach_lines(order, lines)  # what a re-read would give, without the two queries
        self._notifier.order_placed(order)  # sent after commit
        # Last the hot rows, in the one lock order: variants, then products (Inventory.take, which
        # also invalidates the cached catalog after commit), then the voucher. Each stays locked
        # until COMMIT, so they come last and in as few round trips as possible.
        self._take_stock(sorted((item.variant_id, item.quantity) for item in checkout.items))
        if checkout.voucher is not None:
            self._vouchers.redeem(checkout.voucher, order)
        return order

    def _take_stock(self, lines: list[tuple[int, int]]) -> None:
        # Raising rolls back the order, its lines, the emptied cart and the key: no savepoint needed.
        self._inventory.take(lines, savepoint=False)

    # --- reads ---------------------------------------------------------------------------
    def list_page(self, viewer: User, *, status: str | None = None, page: int, page_size: int) -> Page[Order]:
        """Orders newest first: the viewer's own, or everyone's for those with `core.view_order` (order managers).

        Runs three queries whatever the page size (count, page, lines).

        Raises:
            NotFoundError: the page is past the last one.
        """
        qs = self._visible(viewer)
        if status is not None:
            qs = qs.filter(status=status)
        return paginate(qs.order_by("-created_at", "-id"), page=page, page_size=page_size)

    def get(self, viewer: User, order_id: int) -> Order:
        """One order the viewer may see (their own; any for an admin).

        Raises:
            NotFoundError: no such order, or another user's.
        """
        order = self._visible(viewer).filter(pk=order_id).first()
        if order is None:
            raise NotFoundError(f"Order {order_id} does not exist.")
        return order

    # --- status --------------------------------------------------------------------------
    def cancel(self, viewer: User, order_id: int) -> Order:
        """Cancel a pending or paid order; its stock goes back exactly once, a settled payment is refunded.

        Raises:
            NotFoundError: no such order, or another user's (admins may cancel any).
            IllegalTransitionError: the order is shipped, delivered or already cancelled.
        """
        owner = None if has_staff_permission(viewer, "core.change_order") else viewer
        return self._state_machine.transition(order_id, OrderStatus.CANCELLED, owner=owner)

    def set_status(
        self, order_id: int, status: str, *, tracking_number: str | None = None, carrier: str | None = None
    ) -> Order:
        """Move any order to `status` (staff); the state machine decides what is legal.

        Args:
            tracking_number, carrier: the parcel's, recorded when the order moves to `shipped` (None: keep).

        Raises:
            NotFoundError: no such order.
            IllegalTransitionError: the workflow does not allow the move (expiry and refund moves
                are the shop's own: asking for them is illegal too).
            InvalidInputError: tracking details with a move other than to `shipped` (attr tracking_number/carrier).
        """
        return self._state_machine.transition(order_id, status, tracking_number=tracking_number, carrier=carrier)

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _base_queryset() -> QuerySet[Order]:
        return Order.objects.select_related("user").prefetch_related("lines")

    def _visible(self, viewer: User) -> QuerySet[Order]:
        qs = self._base_queryset()
        return qs if has_staff_permission(viewer, "core.view_order") else qs.filter(user=viewer)
