"""`manage.py load_catalog PATH`: import a DummyJSON products file (create or update by SKU)."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import InvalidInputError


class Command(BaseCommand):
    help = (
        "Import products in the DummyJSON products format (e.g. ../shared/data/dummyjson/products.json). "
        "Re-running updates products by SKU; malformed records are reported with their index and skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="A DummyJSON products.json file.")

    def handle(self, *args, path: Path, **options) -> None:
        service = apps.get_app_config("core").container.catalog_import_service()
        try:
            report = service.load_file(path)
        except InvalidInputError as exc:
            raise CommandError(exc.detail) from None
        for issue in report.issues:
            self.stderr.write(f"Skipped {issue}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {path}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.skipped} skipped "
                f"({report.total} records; {report.categories_created} new categories)."
            )
        )
