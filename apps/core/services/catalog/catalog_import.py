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

from collections.abc import Mapping, Sequence
from pathlib import Path

from django.db import DatabaseError, transaction

from apps.core.models.catalog import Category, Product
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.catalog.catalog_records import (  # noqa: F401 - re-exported
    CatalogRecord,
    ImportIssue,
    ImportReport,
    MalformedRecordError,
    parse_record,
    read_catalog_file,
    readable_category_name,
)
from apps.core.services.catalog.slugs import unique_slug
from apps.core.services.catalog.variant_sync import sync_default_variant


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
        sync_default_variant(product)
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
