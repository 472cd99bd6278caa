"""Stock per variant, the product's denormalized price and stock, and the stock events.

Stock lives on variants. The product row carries `stock` (sum of its live variants' stock) and
`price` (lowest live variant price) so product lists never aggregate variants per request. Every
variant write keeps them right in the same transaction:

* stock moves by delta, `UPDATE core_product SET stock = stock + d`: concurrent writers add up;
* price is recomputed (`min` over live variants) with the product row locked (`SELECT ... FOR
  UPDATE`), so of two concurrent price writes the later one sees the earlier one's commit.

The one lock order of every stock writer: variant rows in ascending id, then product rows in
ascending id. Checkout, cancellation and staff variant writes all follow it, so they never deadlock.

Events, recorded in the caller's transaction (one INSERT per crossing, nothing otherwise):
`stock.low` when a write moves a variant's stock from above its threshold to at or below it;
`product.back_in_stock` when a public product's stock goes from 0 to more; `product.price_dropped`
when a public product's price goes down.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from apps.core.exceptions import InsufficientStockError, ProductUnavailableError
from apps.core.infra.db.batch import batched, run_batch
from apps.core.models.catalog import Product, ProductVariant
from apps.core.models.events import EventType
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.events import EventService

CENT = Decimal("0.01")

_TAKE = f"""
    UPDATE {ProductVariant._meta.db_table} SET stock = stock - %s, updated_at = %s
    WHERE id = %s AND deleted_at IS NULL AND stock >= %s
    RETURNING product_id, stock, sku, low_stock_threshold
"""
# The same take for many variants, as four statements sent in one round trip (run_batch):
# 1. lock the variant rows in ascending id (`ORDER BY id FOR NO KEY UPDATE`: the lock an UPDATE of a
#    non-key column takes; FOR UPDATE would also conflict with the KEY SHARE locks of foreign key
#    checks, e.g. a cart line inserted meanwhile, and deadlock with them);
# 2. update them: a new statement, so a new snapshot that sees every row's latest version (no
#    re-check of rows updated under it, whose tuple locks can deadlock with a concurrent take of
#    the same rows when lock and update are one statement);
# 3. and 4. the same for the products of those variants, by delta, only while they are for sale.
#    They run even when statement 2 refused a line (the caller then rolls everything back), so the
#    product's stock is floored at 0 there: a refused take must not trip the CHECK (stock >= 0) before
#    Python learns which line was refused. A take that succeeds never reaches the floor (a product's
#    stock is the sum of its live variants').
_LOCK_VARIANTS = f"""
    SELECT id FROM {ProductVariant._meta.db_table} WHERE id = ANY(%s::bigint[]) ORDER BY id FOR NO KEY UPDATE
"""
_TAKE_MANY = f"""
    UPDATE {ProductVariant._meta.db_table} v SET stock = v.stock - w.quantity, updated_at = %s
    FROM unnest(%s::bigint[], %s::integer[]) AS w(id, quantity)
    WHERE v.id = w.id AND v.deleted_at IS NULL AND v.stock >= w.quantity
    RETURNING v.id, v.product_id, v.stock, v.sku, v.low_stock_threshold
"""
_LOCK_PRODUCTS = f"""
    SELECT id FROM {Product._meta.db_table}
    WHERE id IN (SELECT product_id FROM {ProductVariant._meta.db_table} WHERE id = ANY(%s::bigint[]))
    ORDER BY id FOR NO KEY UPDATE
"""
_PRODUCTS_TAKE_MANY = f"""
    UPDATE {Product._meta.db_table} p SET stock = GREATEST(p.stock - m.delta, 0), updated_at = %s
    FROM (
        SELECT v.product_id AS id, sum(w.quantity) AS delta
        FROM unnest(%s::bigint[], %s::integer[]) AS w(id, quantity)
        JOIN {ProductVariant._meta.db_table} v ON v.id = w.id
        GROUP BY v.product_id
    ) m
    WHERE p.id = m.id AND p.is_active AND p.deleted_at IS NULL
    RETURNING p.id
"""
# Columns, not `deleted_at IS NULL` expressions, come back: SQLite (3.40) answers 0 for such an
# expression in RETURNING even when the column is NULL.
_GIVE = f"""
    UPDATE {ProductVariant._meta.db_table} SET stock = stock + %s, updated_at = %s
    WHERE id = %s
    RETURNING product_id, deleted_at
"""
_PRODUCT_DELTA = f"""
    UPDATE {Product._meta.db_table} SET stock = stock + %s, updated_at = %s
    WHERE id = %s{{for_sale}}
    RETURNING stock, name, slug, price, is_active, deleted_at
"""
_FOR_SALE = " AND is_active AND deleted_at IS NULL"


def money(value: Decimal | float | int) -> str:
    """A price as the events carry it: a decimal string with two places ("12.30").

    Raw SQL on SQLite gives a decimal column back as a float: it goes through its shortest repr
    (`str`), which is the stored two-place value.
    """
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return f"{value.quantize(CENT):f}"


class Inventory:
    """Takes and gives back variant stock; keeps product totals and the stock events right.

    Args:
        events: records `stock.low`, `product.back_in_stock` and `product.price_dropped` in the outbox.
        catalog_cache: product lists and details show stock and price, so they are invalidated.
        low_stock_threshold: the LOW_STOCK_THRESHOLD setting (units), for variants without their own.
    """

    def __init__(self, events: EventService, catalog_cache: CatalogCache, *, low_stock_threshold: int) -> None:
        self._events = events
        self._catalog_cache = catalog_cache
        self._threshold = low_stock_threshold

    # --- checkout and cancellation ---------------------------------------------------------
    def take(self, lines: Iterable[tuple[int, int]], *, savepoint: bool = True) -> None:
        """Deduct `(variant_id, quantity)` lines, all or nothing, and the products' stock with them.

        Per variant, in ascending id: `UPDATE ... SET stock = stock - q WHERE id = v AND stock >= q
        AND live`; on PostgreSQL the UPDATE waits for a concurrent writer and re-checks against its
        commit, so stock never goes below zero. Then each product's stock by delta, in ascending id,
        only while the product is for sale. Raising undoes what it did (its own savepoint).

        On PostgreSQL the variants and the products are each locked by one statement and updated by
        another, all four sent in one round trip (apps.core.infra.db.batch): the rows stay locked
        from there to the caller's COMMIT, so the fewer round trips, the shorter other checkouts of
        the same variants wait.

        Args:
            lines: `(variant_id, quantity)` pairs; a variant may repeat (quantities add up).
            savepoint: False when the caller's whole transaction rolls back if this raises (checkout):
                no savepoint, two round trips fewer, one of them while the rows are locked.

        Raises:
            InsufficientStockError: a variant has fewer than `quantity` units (attr "items").
            ProductUnavailableError: a variant or its product was deleted or deactivated (attr "items").
        """
        with transaction.atomic(savepoint=savepoint):
            self._take(lines)

    def _take(self, lines: Iterable[tuple[int, int]]) -> None:
        wanted = sorted(_merged(lines).items())
        if not wanted:
            return
        now = timezone.now()
        if batched():
            ids, quantities = [v for v, _ in wanted], [q for _, q in wanted]
            _, taken, _, products = run_batch(
                [
                    (_LOCK_VARIANTS, [ids]),
                    (_TAKE_MANY, [now, ids, quantities]),
                    (_LOCK_PRODUCTS, [ids]),
                    (_PRODUCTS_TAKE_MANY, [now, ids, quantities]),
                ]
            )
        else:
            taken, products = self._take_one_by_one(wanted, now)
        by_variant = {row[0]: row for row in taken}
        for variant_id, quantity in wanted:  # the first refused line, in ascending id, names the error
            if variant_id not in by_variant:
                self.raise_unavailable(variant_id, quantity)
        wanted_products = {row[1] for row in taken}
        moved = {row[0] for row in products}
        for product_id in sorted(wanted_products - moved):
            raise ProductUnavailableError(
                f"Product {product_id} is no longer for sale; remove it from the cart.",
                product_id=product_id,
                attr="items",
            )
        quantity_of = dict(wanted)
        for variant_id, product_id, stock, sku, threshold in taken:
            before = stock + quantity_of[variant_id]
            self._check_low(product_id, variant_id, sku, threshold, before=before, after=stock)
        self._catalog_cache.products_changed()

    def _take_one_by_one(self, wanted: list[tuple[int, int]], now) -> tuple[list[tuple], list[tuple]]:
        """The take of `wanted` (ascending variant ids) a statement per row (databases without `run_batch`).

        Returns rows shaped as the batched statements': variants `(id, product_id, stock, sku,
        threshold)`, products `(id,)` of those moved; it stops at the first refused variant.
        """
        taken: list[tuple] = []
        deltas: dict[int, int] = defaultdict(int)
        with connection.cursor() as cursor:
            for variant_id, quantity in wanted:
                cursor.execute(_TAKE, [quantity, now, variant_id, quantity])
                row = cursor.fetchone()
                if row is None:
                    return taken, []
                taken.append((variant_id, *row))
                deltas[row[0]] += quantity
        moved = [pid for pid in sorted(deltas) if self._move_product_stock(pid, -deltas[pid], for_sale=True)]
        return taken, [(product_id,) for product_id in moved]

    @transaction.atomic
    def give_back(self, lines: Iterable[tuple[int, int]]) -> None:
        """Put `(variant_id, quantity)` lines back (a cancelled order), variants then products in ascending id.

        A soft-deleted variant gets its units back but they do not count in its product's stock
        (only live variants do). Unknown variant ids are skipped.
        """
        now = timezone.now()
        deltas: dict[int, int] = defaultdict(int)
        with connection.cursor() as cursor:
            for variant_id, quantity in sorted(_merged(lines).items()):
                cursor.execute(_GIVE, [quantity, now, variant_id])
                row = cursor.fetchone()
                if row is not None and row[1] is None:  # a live variant (its deleted_at); see _GIVE
                    deltas[row[0]] += quantity
        for product_id in sorted(deltas):
            self._move_product_stock(product_id, deltas[product_id])
        self._catalog_cache.products_changed()

    @staticmethod
    def raise_unavailable(variant_id: int, quantity: int) -> None:
        """Raise why `quantity` units of a variant cannot be sold (a plain read; the caller rolls back).

        Raises:
            ProductUnavailableError: the variant, or its product, is deleted or inactive.
            InsufficientStockError: it has fewer units than `quantity` (`available` says how many).
        """
        variant = ProductVariant.objects.select_related("product").filter(pk=variant_id).first()
        product = variant.product if variant else None
        if variant is None or variant.deleted_at is not None or not product.is_active or product.deleted_at:
            product_id = product.pk if product else 0
            raise ProductUnavailableError(
                f"Variant {variant_id} is no longer for sale; remove it from the cart.",
                product_id=product_id,
                variant_id=variant_id,
                attr="items",
            )
        raise InsufficientStockError(
            f"Only {variant.stock} of {product.name} ({variant.sku}) in stock; the cart asks for {quantity}.",
            product_id=product.pk,
            variant_id=variant_id,
            available=variant.stock,
            attr="items",
        )

    # --- staff writes (the variant service calls these with the rows locked) ----------------
    def variant_stock_changed(self, variant: ProductVariant, before: int) -> None:
        """A live variant's stock was set from `before` to `variant.stock`: move its product's stock by the difference.

        The caller holds the variant's row lock (so `before` is exact) and saved the variant.
        """
        self._check_low(
            variant.product_id, variant.pk, variant.sku, variant.low_stock_threshold, before=before, after=variant.stock
        )
        if variant.stock != before:
            self._move_product_stock(variant.product_id, variant.stock - before)

    def variant_added_or_removed(self, product_id: int, stock_delta: int) -> None:
        """A live variant was created (+ its stock) or soft-deleted (- its stock): product stock and price follow."""
        if stock_delta:
            self._move_product_stock(product_id, stock_delta)
        self.refresh_price(product_id)

    def refresh_price(self, product_id: int) -> None:
        """Set the product's price to its lowest live variant price, the product row locked first.

        Records `product.price_dropped` when the price goes down on a public product. The caller
        invalidates the catalog cache.
        """
        product = (
            Product.objects.select_for_update(of=("self",))
            .filter(pk=product_id)
            .only("price", "name", "slug", "is_active", "deleted_at")
            .first()
        )
        if product is None:
            return
        lowest = ProductVariant.objects.filter(product_id=product_id, deleted_at__isnull=True).aggregate(
            low=Min("price")
        )["low"]
        if lowest is None or lowest == product.price:
            return
        Product.objects.filter(pk=product_id).update(price=lowest, updated_at=timezone.now())
        if lowest < product.price and product.is_active and product.deleted_at is None:
            self._events.record(
                EventType.PRODUCT_PRICE_DROPPED,
                {
                    "product_id": product_id,
                    "name": product.name,
                    "slug": product.slug,
                    "price": money(lowest),
                    "previous_price": money(product.price),
                },
            )

    def recompute(self, product_id: int) -> None:
        """Recompute a product's stock (sum) and price (min) from its live variants (admin saves, repairs).

        Locks the product row; the same events as the other writes.
        """
        product = Product.objects.select_for_update(of=("self",)).filter(pk=product_id).only("stock").first()
        if product is None:
            return
        live = ProductVariant.objects.filter(product_id=product_id, deleted_at__isnull=True)
        total = sum(live.values_list("stock", flat=True))
        if total != product.stock:
            self._move_product_stock(product_id, total - product.stock)
        self.refresh_price(product_id)
        self._catalog_cache.products_changed()

    def threshold_of(self, variant: ProductVariant) -> int:
        """The variant's low-stock threshold: its own, else the LOW_STOCK_THRESHOLD setting (units)."""
        return self._threshold if variant.low_stock_threshold is None else variant.low_stock_threshold

    @property
    def default_threshold(self) -> int:
        """The LOW_STOCK_THRESHOLD setting (units)."""
        return self._threshold

    # --- helpers -------------------------------------------------------------------------
    def _move_product_stock(self, product_id: int, delta: int, *, for_sale: bool = False) -> bool:
        """`stock = stock + delta` on the product row; records `product.back_in_stock` on 0 -> more.

        Returns:
            False when no row matched (with `for_sale`: the product is deleted or inactive).
        """
        sql = _PRODUCT_DELTA.format(for_sale=_FOR_SALE if for_sale else "")
        with connection.cursor() as cursor:
            cursor.execute(sql, [delta, timezone.now(), product_id])
            row = cursor.fetchone()
        if row is None:
            return False
        stock, name, slug, price, is_active, deleted_at = row
        if is_active and deleted_at is None and stock > 0 and stock - delta <= 0:
            self._events.record(
                EventType.PRODUCT_BACK_IN_STOCK,
                {"product_id": product_id, "name": name, "slug": slug, "price": money(price), "stock": stock},
            )
        return True

    def _check_low(
        self, product_id: int, variant_id: int, sku: str, own: int | None, *, before: int, after: int
    ) -> None:
        threshold = self._threshold if own is None else own
        if before > threshold >= after:
            self._events.record(
                EventType.STOCK_LOW,
                {
                    "product_id": product_id,
                    "variant_id": variant_id,
                    "sku": sku,
                    "stock": after,
                    "threshold": threshold,
                },
            )


def _merged(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    """`{variant_id: quantity}`, quantities of repeated variants added up."""
    merged: dict[int, int] = defaultdict(int)
    for variant_id, quantity in lines:
        merged[variant_id] += quantity
    return merged
