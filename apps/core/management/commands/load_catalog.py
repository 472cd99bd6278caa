"""`manage.py load_catalog PATH [--insert-only]`: import a DummyJSON products file (create or update by SKU)."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import InvalidInputError


class Command(BaseCommand):
    help = (
        "Import products in the DummyJSON products format (e.g. ../shared/data/dummyjson/products.json). "
        "Re-running updates products by SKU (--insert-only: creates missing ones and leaves existing ones alone); "
        "malformed records are reported with their index and skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="A DummyJSON products.json file.")
        parser.add_argument(
            "--insert-only",
            action="store_true",
            help="Only create products whose SKU is missing; never change existing ones (stock, prices, edits).",
        )

    def handle(self, *args, path: Path, insert_only: bool = False, **options) -> None:
        service = apps.get_app_config("core").container.catalog_import_service()
        try:
            report = service.load_file(path, insert_only=insert_only)
        except InvalidInputError as exc:
            raise CommandError(exc.detail) from None
        for issue in report.issues:
            self.stderr.write(f"Skipped {issue}")
        if insert_only:
            done = (
                f"{report.created} created, {report.kept} already present (left as they are), {report.skipped} skipped"
            )
        else:
            done = (
                f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
                f"{report.skipped} skipped"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {path}: {done} ({report.total} records; {report.categories_created} new categories)."
            )
        )
