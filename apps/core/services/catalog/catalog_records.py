"""Reading and checking DummyJSON product records for the catalog import (see catalog_import's docstring)."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from apps.core.exceptions import InvalidInputError
from apps.core.models.catalog import Category, Product

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
