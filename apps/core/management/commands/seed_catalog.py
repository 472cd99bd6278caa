"""`manage.py seed_catalog --products N [--seed S]`: a realistic, deterministic synthetic catalog.

Small catalogs (a demo on SQLite) go through the ORM's `bulk_create`; on PostgreSQL large ones
stream through `COPY ... FROM STDIN` (psycopg 3) with the product table's secondary indexes
dropped first and rebuilt after (building an index once is far cheaper than a million inserts
into it), then `VACUUM ANALYZE` so the planner has statistics and index-only scans work.
1,000,000 products take about two to three minutes on a 2-core machine.

What a catalog looks like (the same for a given --seed, --products and --until):
* `--categories` roots (default 25) with `--children` sub-categories each (default 10); products
  sit in the sub-categories. Roots are named after the DummyJSON categories when present.
* Names are "<brand> <line> <adjective> <noun>". A "line" is a made-up word (e.g. "kavoduk")
  shared by exactly 100 products, so a rare search word has a known hit count.
* Descriptions draw 12-30 words from real product titles and descriptions (DummyJSON when
  `NEXUS_SHARED_DIR`/data/dummyjson is there, plus a built-in list) with Zipf-like frequencies,
  so some words are in a third of the descriptions and most are rare.
* Prices are log-normal (median about 67, in the shop's currency), ~10% of products are out of
  stock, ~1% inactive, ~0.5% soft-deleted, created_at is spread over the three years before --until
  and grows with the row number (ids follow creation time, as in a live shop).
* SKUs (`<ROOT>-<BRAND>-<n>`) and slugs (`<name>-<n>`) are unique.
* Option types `size` (XS..XXL) and `color`; about 3 variants per product (a quarter have none but
  the default one; see `synthetic_catalog._dress`), each with its `VariantOption` rows; the
  product's price is its lowest variant price and its stock their sum. 40% of products have a
  rating (1.00-5.00, mostly around 4) and a review count; 85% have 1-3 image rows (no files).
"""

import io
import itertools
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from apps.core.management.pg_bulk import build_indexes
from apps.core.management.synthetic_catalog import (  # noqa: F401 - line_word is re-exported
    BLOCK,
    CatalogGenerator,
    Row,
    Vocabulary,
    line_word,
    shared_dir,
)
from apps.core.management.synthetic_variants import (
    MAX_VARIANTS,
    CopyChunks,
    OptionIds,
    create_with_orm,
    ensure_option_types,
)
from apps.core.models.catalog import Category, Product, ProductImage, ProductVariant, VariantOption
from apps.core.services.catalog.variant_sync import create_missing_default_variants

_COPY_COLUMNS = (
    "created_at", "updated_at", "deleted_at", "name", "slug", "sku", "description", "brand", "price", "stock",
    "category_id", "is_active", "rating", "review_count",
)  # fmt: skip


class Command(BaseCommand):
    help = "Seed a deterministic synthetic catalog (COPY on PostgreSQL, bulk_create elsewhere)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--products", type=int, default=1000, help="How many products to create.")
        parser.add_argument("--seed", type=int, default=42, help="Random seed; the same seed gives the same rows.")
        parser.add_argument("--categories", type=int, default=25, help="Root categories.")
        parser.add_argument("--children", type=int, default=10, help="Sub-categories per root (max 15).")
        parser.add_argument(
            "--until", type=date.fromisoformat, default=None, help="Newest created_at (YYYY-MM-DD, default today)."
        )
        parser.add_argument("--clear", action="store_true", help="Delete every product first (TRUNCATE on PG).")
        parser.add_argument("--method", choices=["auto", "copy", "orm"], default="auto", help="auto: COPY on PG.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument("--jobs", type=int, default=2, help="Parallel COPY connections for large loads.")
        parser.add_argument("--data-dir", type=Path, default=None, help="Folder with DummyJSON products.json.")

    def handle(self, *args, **opts) -> None:
        if opts["products"] < 0:
            raise CommandError("--products must be >= 0")
        until_day = opts["until"] or datetime.now(UTC).date()
        if isinstance(until_day, str):  # call_command(until="YYYY-MM-DD") skips argparse's type
            until_day = date.fromisoformat(until_day)
        until = datetime(until_day.year, until_day.month, until_day.day, tzinfo=UTC)
        data_dir = opts["data_dir"] or shared_dir() / "data" / "dummyjson"
        generator = CatalogGenerator(
            Vocabulary.load(data_dir),
            products=opts["products"],
            seed=opts["seed"],
            roots=opts["categories"],
            children=opts["children"],
            until=until,
        )
        use_copy = opts["method"] == "copy" or (opts["method"] == "auto" and connection.vendor == "postgresql")
        if use_copy and connection.vendor != "postgresql":
            raise CommandError("--method copy needs PostgreSQL.")
        started = time.monotonic()
        if opts["clear"]:
            self._clear()
        first = next(generator.rows(0, 1), None)
        if first is not None and Product.objects.filter(sku=first.sku).exists():
            raise CommandError("This catalog is already seeded (its first SKU exists); pass --clear to replace it.")
        category_ids = self._categories(generator)
        options = ensure_option_types()
        progress = tqdm(total=generator.products, unit="product", disable=opts["no_progress"], smoothing=0.1)
        with progress:
            if use_copy:
                self._copy(generator, category_ids, options, progress, jobs=opts["jobs"])
            else:
                self._orm(generator, category_ids, options, progress)
        self.stdout.write("Creating each product's default variant...")
        create_missing_default_variants()
        self.stdout.write(
            f"Seeded {generator.products} products in {len(generator.children)} sub-categories of "
            f"{len(generator.roots)} roots in {time.monotonic() - started:.1f}s."
        )

    @staticmethod
    def _clear() -> None:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
                cursor.execute(f"TRUNCATE {Product._meta.db_table} RESTART IDENTITY CASCADE")
        else:
            Product.objects.all().delete()

    @staticmethod
    @transaction.atomic
    def _categories(generator: CatalogGenerator) -> list[int]:
        """Create (or reuse, by slug) the roots and sub-categories; returns the sub-category ids in order."""
        roots = []
        for name, slug in generator.roots:
            category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name, "parent": None})
            roots.append(category)
        ids = []
        for name, slug, r in generator.children:
            category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name, "parent": roots[r]})
            ids.append(category.pk)
        return ids

    @staticmethod
    def _orm(
        generator: CatalogGenerator, category_ids: list[int], options: OptionIds, progress: tqdm, batch: int = 2_000
    ) -> None:
        for start in range(0, generator.products, batch):
            rows = list(generator.rows(start, min(start + batch, generator.products)))
            Product.objects.bulk_create(
                [
                    Product(
                        created_at=r.created_at,
                        updated_at=r.created_at,
                        deleted_at=r.deleted_at,
                        name=r.name,
                        slug=r.slug,
                        sku=r.sku,
                        description=r.description,
                        brand=r.brand,
                        price=Decimal(r.price),
                        stock=r.stock,
                        category_id=category_ids[r.child],
                        is_active=r.is_active,
                        rating=Decimal(r.rating) if r.rating else None,
                        review_count=r.review_count,
                    )
                    for r in rows
                ]
            )
            ids = dict(Product.objects.filter(sku__in=[r.sku for r in rows]).values_list("sku", "id"))
            create_with_orm(rows, ids, options)
            progress.update(min(batch, generator.products - start))
        # auto_now_add overwrote created_at: put the generated spread back in one pass per batch.
        _restore_created_at(generator)

    def _copy(
        self, generator: CatalogGenerator, category_ids: list[int], options: OptionIds, progress: tqdm, jobs: int
    ) -> None:
        """COPY the rows with explicit ids (deterministic whatever the parallelism).

        Large loads drop the table's secondary indexes first and rebuild them after, and split
        the rows over `jobs` connections: the server-side work of a row (generated tsvector
        columns, unique checks) is what limits the load, and it then runs on several cores.
        """
        table = Product._meta.db_table
        tables = [m._meta.db_table for m in (Product, ProductVariant, VariantOption, ProductImage)]
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET statement_timeout = 0")  # the app's per-statement limit is for requests
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            first_id = cursor.fetchone()[0] + 1
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {ProductVariant._meta.db_table}")
            first_vid = cursor.fetchone()[0] + 1
            large = generator.products >= 50_000 and not connection.in_atomic_block
            indexes = []
            for name in tables if large else []:
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                    [name, name],
                )
                indexes += cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
            try:
                if large and jobs > 1:
                    bounds = [generator.products * k // jobs for k in range(jobs + 1)]
                    bounds = [b - b % BLOCK for b in bounds[:-1]] + [generator.products]
                    with ThreadPoolExecutor(max_workers=jobs) as pool:
                        futures = [
                            pool.submit(
                                _copy_range,
                                generator,
                                category_ids,
                                first_id,
                                start,
                                stop,
                                progress,
                                None,
                                CopyChunks(options, first_vid + start * MAX_VARIANTS),
                            )  # fmt: skip
                            for start, stop in itertools.pairwise(bounds)
                        ]
                        for future in futures:
                            future.result()
                else:
                    chunks = CopyChunks(options, first_vid)
                    _copy_range(
                        generator, category_ids, first_id, 0, generator.products, progress, cursor.cursor, chunks
                    )
            finally:
                if indexes:
                    progress.write(f"Building {len(indexes)} indexes on {jobs} connections...")
                    build_indexes(indexes, jobs, progress)
            for name in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT coalesce(max(id), 1) FROM {name}))"
                )
                # VACUUM sets the visibility map (index-only scans); it cannot run inside a transaction.
                cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {name}")
            cursor.execute("SET synchronous_commit = on")
            cursor.execute("RESET statement_timeout")


def _copy_range(
    generator, category_ids, first_id, start, stop, progress, cursor, chunks: CopyChunks, batch: int = 10_000
) -> None:
    """COPY rows start..stop-1 (and their variants, option links, images) through `cursor`, or a connection
    of its own when cursor is None; one COPY per table and batch."""
    own = None
    if cursor is None:
        own = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        cursor = own.cursor()
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET statement_timeout = 0")
    try:
        columns = ", ".join(("id", *_COPY_COLUMNS))
        targets = [
            (model._meta.db_table, ", ".join(names))
            for model, names in (
                (ProductVariant, CopyChunks.VARIANT_COLUMNS),
                (VariantOption, CopyChunks.LINK_COLUMNS),
                (ProductImage, CopyChunks.IMAGE_COLUMNS),
            )
        ]
        for begin in range(start, stop, batch):
            end = min(begin + batch, stop)
            rows = list(generator.rows(begin, end))
            with cursor.copy(f"COPY {Product._meta.db_table} ({columns}) FROM STDIN") as copy:
                copy.write(_copy_chunk(rows, category_ids, first_id + begin))
            texts = chunks.rows(zip(range(first_id + begin, first_id + end), rows, strict=True))
            for (target, names), text in zip(targets, texts, strict=True):
                with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                    copy.write(text)
            progress.update(end - begin)
    finally:
        if own is not None:
            own.close()


NULL = "\\N"  # COPY's text format for NULL


def _copy_chunk(rows: Iterator[Row], category_ids: list[int], first_id: int) -> bytes:
    """Rows in COPY's text format, ids from `first_id` (the generator never emits tabs, newlines or backslashes)."""
    out = io.StringIO()
    for n, r in enumerate(rows, start=first_id):
        created = r.created_at.isoformat()
        deleted = r.deleted_at.isoformat() if r.deleted_at else "\\N"
        out.write(
            f"{n}\t{created}\t{created}\t{deleted}\t{r.name}\t{r.slug}\t{r.sku}\t{r.description}\t{r.brand}\t"
            f"{r.price}\t{r.stock}\t{category_ids[r.child]}\t{'t' if r.is_active else 'f'}\t{r.rating or NULL}\t"
            f"{r.review_count}\n"
        )
    return out.getvalue().encode()


def _restore_created_at(generator: CatalogGenerator) -> None:
    by_sku = {r.sku: r.created_at for r in generator.rows()}
    products = list(Product.objects.filter(sku__in=list(by_sku)).only("pk", "sku", "created_at", "updated_at"))
    for product in products:
        product.created_at = product.updated_at = by_sku[product.sku]
    Product.objects.bulk_update(products, ["created_at", "updated_at"], batch_size=1_000)
