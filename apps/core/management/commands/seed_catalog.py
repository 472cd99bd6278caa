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
"""

import io
import itertools
import json
import math
import os
import random
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify
from tqdm import tqdm

from apps.core.models.catalog import Category, Product

STOPWORDS = frozenset(
    "a an and are as at be been but by for from has have in into is it its of on or our that the their "
    "this to was were will with you your any can all also more most other such than then these they "
    "which while who whether each every very just".split()
)

BUILTIN_CATEGORIES = (
    "Electronics", "Laptops", "Smartphones", "Tablets", "Audio", "Cameras", "Gaming", "Home Appliances",
    "Kitchen", "Furniture", "Home Decoration", "Garden", "Tools", "Automotive", "Sports", "Outdoors",
    "Fitness", "Beauty", "Fragrances", "Skin Care", "Groceries", "Toys", "Books", "Office", "Pet Supplies",
    "Jewellery", "Watches", "Shoes", "Bags", "Clothing",
)  # fmt: skip
QUALIFIERS = (
    "Essentials", "Premium", "Budget", "Accessories", "Kids", "Outdoor", "Professional", "Vintage", "Smart",
    "Eco", "Travel", "Compact", "Classic", "Deluxe", "Sport",
)  # fmt: skip
BUILTIN_BRANDS = (
    "Apple", "Samsung", "Sony", "Lenovo", "Asus", "Dell", "Philips", "Bosch", "Nike", "Adidas", "Ikea",
    "Logitech", "Canon", "Nikon", "Garmin", "Xiaomi", "Huawei", "Dyson", "Braun", "Makita", "Lego",
    "Hasbro", "Puma", "Casio", "Seiko", "Nivea", "Loreal", "Gucci", "Rolex", "Oppo",
)  # fmt: skip
BUILTIN_ADJECTIVES = (
    "wireless", "portable", "compact", "classic", "modern", "premium", "ergonomic", "waterproof", "durable",
    "lightweight", "smart", "digital", "electric", "organic", "natural", "vintage", "deluxe", "foldable",
    "adjustable", "rechargeable", "stainless", "wooden", "leather", "cotton", "silver", "golden", "black",
    "white", "blue", "red", "green", "ultra", "slim", "heavy", "professional", "mini", "large", "soft",
)  # fmt: skip
BUILTIN_NOUNS = (
    "laptop", "phone", "tablet", "headphones", "speaker", "camera", "watch", "keyboard", "mouse", "monitor",
    "charger", "cable", "backpack", "bottle", "lamp", "chair", "table", "sofa", "mug", "blender", "kettle",
    "toaster", "knife", "pan", "jacket", "shirt", "shoes", "sneakers", "perfume", "lotion", "shampoo",
    "mascara", "lipstick", "drill", "hammer", "bicycle", "helmet", "tent", "ball", "racket", "puzzle",
    "notebook", "pen", "vase", "mirror", "rug", "pillow", "blanket", "sunglasses", "wallet", "ring",
)  # fmt: skip
BUILTIN_WORDS = (
    "quality", "design", "comfort", "everyday", "performance", "battery", "display", "sound", "stylish",
    "crafted", "perfect", "features", "material", "finish", "storage", "power", "fast", "easy", "clean",
    "home", "office", "travel", "gift", "family", "reliable", "elegant", "versatile", "powerful", "precision",
    "fresh", "healthy", "color", "texture", "resistant", "long", "lasting", "control", "charging", "screen",
    "protection", "warranty", "modern", "classic", "ideal", "daily", "use", "enhanced", "innovative",
)  # fmt: skip
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aou"
_FINALS = "xkz"
_SYLLABLES = [c + v for c in _CONSONANTS for v in _VOWELS]
_LINE_SPACE = len(_SYLLABLES) ** 3 * len(_FINALS)
_COPY_COLUMNS = (
    "created_at", "updated_at", "deleted_at", "name", "slug", "sku", "description", "brand", "price", "stock",
    "category_id", "is_active", "rating", "review_count",
)  # fmt: skip
BLOCK = 1_000
_WORD = re.compile(r"[a-z]{3,14}")


def shared_dir() -> Path:
    """Where `shared/` lives: `NEXUS_SHARED_DIR`, else beside the repository."""
    return Path(os.environ.get("NEXUS_SHARED_DIR") or settings.BASE_DIR.parent / "shared")


def line_word(index: int) -> str:
    """The made-up product-line word number `index` (CV CV CV + final consonant, e.g. "kavoduk").

    Distinct indexes give distinct words of the same length (none is a prefix of another), and the
    letters avoid e/i/y so the English stemmer leaves them whole.
    """
    n = (index * 7_919 + 1_237) % _LINE_SPACE  # 7919 is prime and does not divide the space: a bijection
    n, final = divmod(n, len(_FINALS))
    parts = []
    for _ in range(3):
        n, s = divmod(n, len(_SYLLABLES))
        parts.append(_SYLLABLES[s])
    return "".join(parts) + _FINALS[final]


@dataclass(frozen=True)
class Vocabulary:
    """Word lists the generator draws from (all lowercase ASCII letters, no stop words)."""

    roots: tuple[str, ...]
    brands: tuple[str, ...]
    adjectives: tuple[str, ...]
    nouns: tuple[str, ...]
    words: tuple[str, ...]

    @classmethod
    def load(cls, data_dir: Path | None) -> "Vocabulary":
        """Built-in lists, enriched with DummyJSON titles, descriptions, brands and categories when present."""
        roots, brands, title_words, text_words = list(BUILTIN_CATEGORIES), list(BUILTIN_BRANDS), [], []
        catalog = data_dir / "products.json" if data_dir else None
        if catalog is not None and catalog.is_file():
            rows = json.loads(catalog.read_text())
            rows = rows["products"] if isinstance(rows, dict) else rows
            found_roots = [r["category"].replace("-", " ").title() for r in rows if r.get("category")]
            roots = _unique(found_roots + roots)
            brands = _unique([_ascii_word(r["brand"]) for r in rows if r.get("brand")] + brands)
            title_words = [w for r in rows for w in _WORD.findall(r.get("title", "").lower())]
            text_words = [w for r in rows for w in _WORD.findall(r.get("description", "").lower())]
        nouns = _unique([w for w in title_words if w not in STOPWORDS] + list(BUILTIN_NOUNS))
        words = _unique([w for w in text_words + title_words if w not in STOPWORDS] + list(BUILTIN_WORDS))
        return cls(
            roots=tuple(roots),
            brands=tuple(b for b in brands if b),
            adjectives=BUILTIN_ADJECTIVES,
            nouns=tuple(nouns),
            words=tuple(words),
        )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _ascii_word(text: str) -> str:
    return "".join(ch for ch in text.title() if ch.isascii() and ch.isalnum())


@dataclass
class Row:
    """One generated product; `child` indexes the generated sub-categories."""

    created_at: datetime
    deleted_at: datetime | None
    name: str
    slug: str
    sku: str
    description: str
    brand: str
    price: str
    stock: int
    child: int
    is_active: bool


class CatalogGenerator:
    """Deterministic row generator: the same arguments give the same rows in the same order.

    Args:
        vocabulary: the word lists.
        products: how many rows to generate.
        seed: the random seed.
        roots / children: category tree shape (children per root).
        until: created_at values fall in the three years before this instant (UTC).
    """

    def __init__(
        self, vocabulary: Vocabulary, *, products: int, seed: int, roots: int, children: int, until: datetime
    ) -> None:
        self.vocabulary, self.products, self.seed = vocabulary, products, seed
        rng = random.Random(seed)
        root_names = list(vocabulary.roots)
        rng.shuffle(root_names)
        self.roots = [(name, slugify(name)) for name in root_names[:roots]]
        while len(self.roots) < roots:  # more roots asked than names known
            name = f"{root_names[len(self.roots) % len(root_names)]} {len(self.roots)}"
            self.roots.append((name, slugify(name)))
        self.children: list[tuple[str, str, int]] = []  # (name, slug, root index)
        taken = {slug for _, slug in self.roots}
        for r, (name, slug) in enumerate(self.roots):
            for q in rng.sample(QUALIFIERS, k=min(children, len(QUALIFIERS))):
                child_slug = f"{slug}-{slugify(q)}"
                while child_slug in taken:  # "Kitchen" + "Accessories" is also a DummyJSON root
                    child_slug += "-range"
                taken.add(child_slug)
                self.children.append((f"{name} {q}", child_slug, r))
        words = list(vocabulary.words)
        rng.shuffle(words)
        self._words = words
        self._cum_weights = list(_cumulative(1.0 / (k + 2) for k in range(len(words))))
        self._until = until
        self._span_s = 3 * 365 * 24 * 3600
        self._lines = max(1, products // 100)
        self._brand_codes = [slugify(b).upper().replace("-", "")[:3].ljust(3, "X") for b in vocabulary.brands]
        self._root_codes = [slug.upper().replace("-", "")[:3].ljust(3, "X") for _, slug in self.roots]

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[Row]:
        """Rows number `start` to `stop - 1`.

        Rows come in blocks of BLOCK with a random stream of their own, so a row depends only on
        (seed, its number), whatever slices the caller asks for.
        """
        stop = self.products if stop is None else min(stop, self.products)
        for block in range(start // BLOCK, (stop + BLOCK - 1) // BLOCK):
            rng = random.Random(self.seed * 1_000_003 + block)
            for i in range(block * BLOCK, min((block + 1) * BLOCK, self.products)):
                row = self._row(rng, i)
                if start <= i < stop:
                    yield row

    def _row(self, rng: random.Random, i: int) -> Row:
        v = self.vocabulary
        b = rng.randrange(len(v.brands))
        child = rng.randrange(len(self.children))
        adjective, noun = rng.choice(v.adjectives), rng.choice(v.nouns)
        name = f"{v.brands[b]} {line_word(i % self._lines).title()} {adjective.title()} {noun.title()}"
        body = rng.choices(self._words, cum_weights=self._cum_weights, k=rng.randint(12, 30))
        description = f"{' '.join(body).capitalize()}. A {adjective} {noun} by {v.brands[b]}."
        price = min(max(math.exp(rng.gauss(4.2, 1.1)), 0.5), 99_999.0)
        # Row i is created in the i-th slice of the three years: ids follow creation time as in a
        # live shop (the heap is then in created_at order, like a table filled by real inserts).
        created = self._until - timedelta(seconds=self._span_s * (1 - (i + rng.random()) / self.products))
        deleted = created + timedelta(days=1) if rng.random() < 0.005 else None
        stock = 0 if rng.random() < 0.10 else rng.randint(1, 500)
        return Row(
            created_at=created,
            deleted_at=deleted,
            name=name,
            slug=f"{name.lower().replace(' ', '-')}-{i + 1}",  # every word is ASCII letters/digits
            sku=f"{self._root_codes[self.children[child][2]]}-{self._brand_codes[b]}-{i + 1:07d}",
            description=description,
            brand=v.brands[b],
            price=f"{price:.2f}",
            stock=stock,
            child=child,
            is_active=rng.random() >= 0.01,
        )


def _cumulative(weights) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total


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
        progress = tqdm(total=generator.products, unit="product", disable=opts["no_progress"], smoothing=0.1)
        with progress:
            if use_copy:
                self._copy(generator, category_ids, progress, jobs=opts["jobs"])
            else:
                self._orm(generator, category_ids, progress)
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
    def _orm(generator: CatalogGenerator, category_ids: list[int], progress: tqdm, batch: int = 2_000) -> None:
        for start in range(0, generator.products, batch):
            rows = generator.rows(start, min(start + batch, generator.products))
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
                    )
                    for r in rows
                ]
            )
            progress.update(min(batch, generator.products - start))
        # auto_now_add overwrote created_at: put the generated spread back in one pass per batch.
        _restore_created_at(generator)

    def _copy(self, generator: CatalogGenerator, category_ids: list[int], progress: tqdm, jobs: int) -> None:
        """COPY the rows with explicit ids (deterministic whatever the parallelism).

        Large loads drop the table's secondary indexes first and rebuild them after, and split
        the rows over `jobs` connections: the server-side work of a row (generated tsvector
        columns, unique checks) is what limits the load, and it then runs on several cores.
        """
        table = Product._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET statement_timeout = 0")  # the app's per-statement limit is for requests
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            first_id = cursor.fetchone()[0] + 1
            large = generator.products >= 50_000 and not connection.in_atomic_block
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            indexes = cursor.fetchall() if large else []
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
            try:
                if large and jobs > 1:
                    bounds = [generator.products * k // jobs for k in range(jobs + 1)]
                    bounds = [b - b % BLOCK for b in bounds[:-1]] + [generator.products]
                    with ThreadPoolExecutor(max_workers=jobs) as pool:
                        futures = [
                            pool.submit(_copy_range, generator, category_ids, first_id, start, stop, progress, None)
                            for start, stop in itertools.pairwise(bounds)
                        ]
                        for future in futures:
                            future.result()
                else:
                    _copy_range(generator, category_ids, first_id, 0, generator.products, progress, cursor.cursor)
            finally:
                if indexes:
                    progress.write(f"Building {len(indexes)} indexes on {jobs} connections...")
                    _build_indexes(indexes, jobs, progress)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
            # VACUUM sets the visibility map (index-only scans); it cannot run inside a transaction.
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM ANALYZE'} {table}")
            cursor.execute("SET synchronous_commit = on")
            cursor.execute("RESET statement_timeout")


def _build_indexes(indexes: list[tuple[str, str]], jobs: int, progress: tqdm) -> None:
    """Create the indexes on `jobs` connections at once, the slow GIN ones first (one each)."""
    ordered = sorted(indexes, key=lambda item: " gin " not in item[1].lower())
    lanes = [ordered[k::jobs] for k in range(max(jobs, 1))]

    def build(lane: list[tuple[str, str]]) -> None:
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as own:
            own.execute("SET statement_timeout = 0")
            own.execute("SET maintenance_work_mem = '512MB'")
            for name, definition in lane:
                began = time.monotonic()
                own.execute(definition)
                progress.write(f"  {name}: {time.monotonic() - began:.1f}s")

    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for future in [pool.submit(build, lane) for lane in lanes if lane]:
            future.result()


def _copy_range(generator, category_ids, first_id, start, stop, progress, cursor, batch: int = 10_000) -> None:
    """COPY rows start..stop-1 through `cursor`, or through a connection of its own when cursor is None."""
    own = None
    if cursor is None:
        own = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        cursor = own.cursor()
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET statement_timeout = 0")
    try:
        columns = ", ".join(("id", *_COPY_COLUMNS))
        with cursor.copy(f"COPY {Product._meta.db_table} ({columns}) FROM STDIN") as copy:
            for begin in range(start, stop, batch):
                end = min(begin + batch, stop)
                copy.write(_copy_chunk(generator.rows(begin, end), category_ids, first_id + begin))
                progress.update(end - begin)
    finally:
        if own is not None:
            own.close()


def _copy_chunk(rows: Iterator[Row], category_ids: list[int], first_id: int) -> bytes:
    """Rows in COPY's text format, ids from `first_id` (the generator never emits tabs, newlines or backslashes)."""
    out = io.StringIO()
    for n, r in enumerate(rows, start=first_id):
        created = r.created_at.isoformat()
        deleted = r.deleted_at.isoformat() if r.deleted_at else "\\N"
        out.write(
            f"{n}\t{created}\t{created}\t{deleted}\t{r.name}\t{r.slug}\t{r.sku}\t{r.description}\t{r.brand}\t"
            f"{r.price}\t{r.stock}\t{category_ids[r.child]}\t{'t' if r.is_active else 'f'}\t\\N\t0\n"
        )
    return out.getvalue().encode()


def _restore_created_at(generator: CatalogGenerator) -> None:
    by_sku = {r.sku: r.created_at for r in generator.rows()}
    products = list(Product.objects.filter(sku__in=list(by_sku)).only("pk", "sku", "created_at", "updated_at"))
    for product in products:
        product.created_at = product.updated_at = by_sku[product.sku]
    Product.objects.bulk_update(products, ["created_at", "updated_at"], batch_size=1_000)
