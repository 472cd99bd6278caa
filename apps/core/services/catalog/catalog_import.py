"""Import a product catalog in the DummyJSON products format (`manage.py load_catalog PATH`).

The format is DummyJSON's `products.json`: a JSON array of product objects, or the API's
`{"products": [...], "total": ..., ...}` wrapper. Per record the importer reads:

| key                  | becomes                                                          |
| -------------------- | ---------------------------------------------------------------- |
| `sku` (required)     | `Product.sku`, the import key: a re-run updates the same row     |
| `title` (required)   | `Product.name` (the slug is generated from it on creation)       |
| `category` (required)| a `Category` with that slug; created with a readable name        |
| `price` (required)   | `Product.price`, Decimal in the shop's currency, rounded to cents|
| `stock`              | `Product.stock` (units on hand; default 0)                       |
| `description`        | `Product.description`                                            |
| `brand`              | `Product.brand`                                                  |
| `availabilityStatus` | checked to be a string; informational, `stock` is authoritative  |

Every other key (images, reviews, dimensions...) is ignored. A malformed record is reported
with its 0-based index in the array and skipped; the rest still load.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.text import slugify

from apps.core.exceptions import InvalidInputError
from apps.core.models.catalog import Category, Product
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.catalog.slugs import unique_slug

SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
MAX_PRICE = Decimal("99999999.99")  # Product.price is Decimal(10, 2)
MAX_STOCK = 2_147_483_647
CENT = Decimal("0.01")

_NAME_MAX = Product._meta.get_field("name").max_length
_SKU_MAX = Product._meta.get_field("sku").max_length
_BRAND_MAX = Product._meta.get_field("brand").max_length
_CATEGORY_SLUG_MAX = Category._meta.get_field("slug").max_length
_CATEGORY_NAME_MAX = Category._meta.get_field("name").max_length


class MalformedRecordError(ValueError):
    """One record of the file cannot be imported; the message says why."""


@dataclass(frozen=True)
class ImportIssue:
    """A skipped record: its 0-based index in the file, its SKU when readable, and why."""

    index: int
    sku: str | None
    reason: str

    def __str__(self) -> str:
        sku = f" (sku {self.sku})" if self.sku else ""
        return f"record {self.index}{sku}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        created / updated / unchanged / skipped: products created, changed by SKU, already
            identical to their record (not written), and records skipped.
        kept: products whose SKU exists, left as they are by an insert-only import.
        categories_created: categories the file introduced (revived soft-deleted ones included).
        issues: one entry per skipped record, in file order.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    kept: int = 0
    categories_created: int = 0
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Records read from the file."""
        return self.created + self.updated + self.unchanged + self.skipped + self.kept


@dataclass(frozen=True)
class CatalogRecord:
    """One validated product record; price is Decimal in the shop's currency."""

    sku: str
    name: str
    category_slug: str
    price: Decimal
    stock: int
    description: str
    brand: str


def readable_category_name(slug: str) -> str:
    """A display name for a DummyJSON category slug: `kitchen-accessories` -> `Kitchen Accessories`."""
    words = re.split(r"[-_\s]+", slug.strip())
    return " ".join(w[:1].upper() + w[1:] for w in words if w)[:_CATEGORY_NAME_MAX]


def parse_record(raw: object) -> CatalogRecord:
    """Validate one DummyJSON product object.

    Raises:
        MalformedRecordError: the record is not an object or a field is missing or invalid.
    """
    if not isinstance(raw, Mapping):
        raise MalformedRecordError(f"expected a JSON object, got {type(raw).__name__}")
    sku = _text(raw, "sku", required=True, max_length=_SKU_MAX)
    if not SKU_PATTERN.match(sku):
        raise MalformedRecordError("sku: use letters, digits, dots, dashes and underscores")
    name = _text(raw, "title", required=True, max_length=_NAME_MAX)
    category_value = _text(raw, "category", required=True, max_length=_CATEGORY_SLUG_MAX)
    category_slug = slugify(category_value)
    if not category_slug:
        raise MalformedRecordError("category: must contain letters or digits")
    _text(raw, "availabilityStatus", required=False, max_length=64)
    return CatalogRecord(
        sku=sku,
        name=name,
        category_slug=category_slug,
        price=_price(raw.get("price")),
        stock=_stock(raw.get("stock", 0)),
        description=_text(raw, "description", required=False, max_length=None),
        brand=_text(raw, "brand", required=False, max_length=_BRAND_MAX),
    )


def _text(raw: Mapping, key: str, *, required: bool, max_length: int | None) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            raise MalformedRecordError(f"{key}: missing")
        return ""
    if not isinstance(value, str):
        raise MalformedRecordError(f"{key}: expected a string, got {type(value).__name__}")
    value = value.strip()
    if "\x00" in value:
        raise MalformedRecordError(f"{key}: contains a NUL character")
    if required and not value:
        raise MalformedRecordError(f"{key}: empty")
    if max_length is not None and len(value) > max_length:
        raise MalformedRecordError(f"{key}: longer than {max_length} characters")
    return value


def _price(value: object) -> Decimal:
    if value is None:
        raise MalformedRecordError("price: missing")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MalformedRecordError(f"price: expected a number, got {type(value).__name__}")
    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        raise MalformedRecordError(f"price: not a number: {value!r}") from None
    if not price.is_finite():
        raise MalformedRecordError(f"price: not a finite number: {value!r}")
    price = price.quantize(CENT, rounding=ROUND_HALF_UP)
    if price < 0:
        raise MalformedRecordError(f"price: negative ({value})")
    if price > MAX_PRICE:
        raise MalformedRecordError(f"price: above {MAX_PRICE}")
    return price


def _stock(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedRecordError(f"stock: expected a whole number, got {value!r}")
    if not 0 <= value <= MAX_STOCK:
        raise MalformedRecordError(f"stock: must be between 0 and {MAX_STOCK}")
    return value


def read_catalog_file(path: Path) -> list[Any]:
    """Read the records of a DummyJSON products file (an array, or an object with `products`).

    Raises:
        InvalidInputError: the file is missing, unreadable, not UTF-8 JSON, or holds no product array.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file.", code="not_found", attr="path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc}.", code="unreadable", attr="path") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid JSON: {exc}.", code="bad_json", attr="path") from None
    if isinstance(data, dict) and isinstance(data.get("products"), list):
        return data["products"]
    if isinstance(data, list):
        return data
    raise InvalidInputError(
        f"{path}: expected a JSON array of products or an object with a 'products' array.",
        code="bad_format",
        attr="path",
    )


class CatalogImportService:
    """Creates or updates products (keyed by SKU) and their categories from DummyJSON records.

    Args:
        catalog_cache: category and product reads are invalidated once the import commits.
    """

    def __init__(self, catalog_cache: CatalogCache) -> None:
        self._catalog_cache = catalog_cache

    def load_file(self, path: Path, *, insert_only: bool = False) -> ImportReport:
        """Import every valid record of a DummyJSON products file (see `load_records`).

        Raises:
            InvalidInputError: the file cannot be read as a product array (nothing is imported).
        """
        return self.load_records(read_catalog_file(path), insert_only=insert_only)

    @transaction.atomic
    def load_records(self, records: Sequence[object], *, insert_only: bool = False) -> ImportReport:
        """Import records in one transaction, each in its own savepoint.

        A product whose SKU exists (soft-deleted ones included) is updated: name, description,
        brand, price, stock and category; its slug, `is_active` and `deleted_at` are left as
        an admin set them. With `insert_only` (demo data) it is left entirely as it is, sales and
        admin edits included, and counted as `kept`. New products are active. Existing categories
        keep their name; a soft-deleted category a created or updated product needs is revived.

        Returns:
            The counts and the skipped records with their 0-based index and reason.
        """
        report = ImportReport()
        parsed: list[tuple[int, CatalogRecord]] = []
        for index, raw in enumerate(records):
            try:
                parsed.append((index, parse_record(raw)))
            except MalformedRecordError as exc:
                self._skip(report, index, raw, str(exc))
        categories = {c.slug: c for c in Category.objects.filter(slug__in={r.category_slug for _, r in parsed})}
        products = {p.sku: p for p in Product.objects.filter(sku__in={r.sku for _, r in parsed})}
        for index, record in parsed:
            if insert_only and record.sku in products:
                report.kept += 1
                continue
            try:
                with transaction.atomic():
                    category, category_created = self._category(record.category_slug, categories)
                    outcome = self._upsert(record, category, products)
            except DatabaseError as exc:  # e.g. a unique race: skip the record, keep the import
                # The savepoint rolled back: reload the rows it may have touched in memory.
                slug = record.category_slug
                self._reload(products, record.sku, Product.objects.filter(sku=record.sku).first())
                self._reload(categories, slug, Category.objects.filter(slug=slug).first())
                self._skip(report, index, record.sku, "rejected by the database: " + " ".join(str(exc).split()))
                continue
            report.categories_created += category_created
            setattr(report, outcome, getattr(report, outcome) + 1)
        report.issues.sort(key=lambda issue: issue.index)
        if report.created or report.updated or report.categories_created:  # something was written
            self._catalog_cache.categories_changed()
        return report

    @staticmethod
    def _category(slug: str, known: dict[str, Category]) -> tuple[Category, bool]:
        """The category with `slug` (created or revived when needed) and whether the file introduced it."""
        category = known.get(slug)
        if category is None:
            category = Category.objects.create(name=readable_category_name(slug), slug=slug)
            known[slug] = category
            return category, True
        if category.deleted_at is not None:
            category.deleted_at = None
            category.save(update_fields=["deleted_at", "updated_at"])
            return category, True
        return category, False

    @staticmethod
    def _upsert(record: CatalogRecord, category: Category, known: dict[str, Product]) -> str:
        """Create or update the product with the record's SKU.

        Returns:
            "created", "updated" or "unchanged" (nothing differed, nothing written).
        """
        product = known.get(record.sku)
        creating = product is None
        if creating:
            product = Product(sku=record.sku)
        values = {
            "name": record.name,
            "description": record.description,
            "brand": record.brand,
            "price": record.price,
            "stock": record.stock,
            "category_id": category.pk,
        }
        if not creating and all(getattr(product, k) == v for k, v in values.items()):
            return "unchanged"
        for name, value in values.items():
            setattr(product, name, value)
        if creating:
            product.slug = unique_slug(Product, record.name, max_length=280)
        product.save()
        known[record.sku] = product
        return "created" if creating else "updated"

    @staticmethod
    def _reload(known: dict, key: str, row) -> None:
        if row is None:
            known.pop(key, None)
        else:
            known[key] = row

    @staticmethod
    def _skip(report: ImportReport, index: int, raw: object, reason: str) -> None:
        sku = raw if isinstance(raw, str) else raw.get("sku") if isinstance(raw, Mapping) else None
        report.issues.append(ImportIssue(index=index, sku=sku if isinstance(sku, str) else None, reason=reason))
        report.skipped += 1
