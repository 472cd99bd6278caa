"""The synthetic catalog behind `manage.py seed_catalog`: vocabulary, names, prices, rows (deterministic per seed).

See the command's docstring for what a catalog looks like. This module only generates rows; the
command writes them (ORM for small catalogs, COPY for large ones).
"""

import json
import math
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

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
BLOCK = 1_000  # rows per random stream: any range of rows can be generated alone
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


SIZES = ("XS", "S", "M", "L", "XL", "XXL")  # option type `size`, in this order
COLORS = ("Black", "White", "Grey", "Navy", "Red", "Blue", "Green", "Beige")  # option type `color`
MAX_VARIANTS = 6  # per product (explicit variant ids are allotted in strides of this)


@dataclass(frozen=True)
class VariantRow:
    """One generated variant: `size`/`color` index SIZES/COLORS (None: the variant has no such option).

    `price` is a decimal string in the shop's currency, never below the product's; stock in units.
    """

    sku: str
    price: str
    stock: int
    size: int | None
    color: int | None


@dataclass
class Row:
    """One generated product; `child` indexes the generated sub-categories.

    `price` is the lowest of its variants' prices and `stock` their sum; `rating` (a "4.30" string
    or None) and `review_count` are set for a share of products; `images` is how many image rows it has.
    """

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
    variants: tuple[VariantRow, ...] = ()
    rating: str | None = None
    review_count: int = 0
    images: int = 0


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
            extra = random.Random(self.seed * 2_000_003 + block)  # variants, ratings, images: own stream
            for i in range(block * BLOCK, min((block + 1) * BLOCK, self.products)):
                row = self._row(rng, i)
                _dress(extra, row)
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


def _dress(rng: random.Random, row: Row) -> None:
    """Give a product its variants, rating and image count (drawn from `rng`, the row's own fields unchanged).

    A quarter of the products have no options (one default variant), a fifth come in 2-4 colors,
    a quarter in 3-5 consecutive sizes, the rest in 2-3 sizes times 1-2 colors: about 3 variants
    per product. The first variant costs the product's price, larger sizes a little more; the
    product's stock is split over its variants (all zero when the product is out of stock).
    """
    kind = rng.random()
    sizes: list[int | None] = [None]
    colors: list[int | None] = [None]
    if kind >= 0.25:
        if kind < 0.45:
            colors = sorted(rng.sample(range(len(COLORS)), rng.randint(2, 4)))
        elif kind < 0.70:
            n = rng.randint(3, 5)
            first = rng.randint(0, len(SIZES) - n)
            sizes = list(range(first, first + n))
        else:
            n = rng.randint(2, 3)
            first = rng.randint(0, len(SIZES) - n)
            sizes = list(range(first, first + n))
            colors = sorted(rng.sample(range(len(COLORS)), rng.randint(1, 2)))
    combos = [(size, color) for size in sizes for color in colors]
    base = Decimal(row.price)
    shares = [rng.random() for _ in combos]
    total = sum(shares)
    stocks = [int(row.stock * share / total) for share in shares]
    stocks[0] += row.stock - sum(stocks)  # the sum is exact
    variants = []
    for k, ((size, color), stock) in enumerate(zip(combos, stocks, strict=True)):
        uplift = Decimal(0) if k == 0 else base * Decimal(rng.choice((0, 0, 5, 10))) / 100
        variants.append(
            VariantRow(
                sku=row.sku if k == 0 else f"{row.sku}-{k}",
                price=f"{(base + uplift).quantize(Decimal('0.01'))}",
                stock=stock,
                size=size,
                color=color,
            )
        )
    row.variants = tuple(variants)
    if rng.random() < 0.4:  # reviewed products: ratings skewed high, as in real shops
        row.rating = f"{min(5.0, max(1.0, rng.gauss(3.9, 0.7))):.2f}"
        row.review_count = rng.randint(1, 250)
    row.images = 0 if rng.random() < 0.15 else rng.randint(1, 3)


def _cumulative(weights) -> Iterator[float]:
    total = 0.0
    for w in weights:
        total += w
        yield total
