"""`manage.py rebuild_search_words`: rebuild the name words behind search typo tolerance."""

from django.core.management.base import BaseCommand, CommandError

from apps.core.services.catalog.product_queries import uses_postgres
from apps.core.services.catalog.product_search import rebuild_search_words


class Command(BaseCommand):
    help = (
        "Rebuild core_search_word (the words of product names that search typos are corrected to) from the "
        "public products. Triggers keep it current on writes; this drops words of deleted or renamed products."
    )

    def handle(self, *args, **options) -> None:
        if not uses_postgres():
            raise CommandError("Typo tolerance needs PostgreSQL; SQLite searches with a plain contains.")
        added, removed = rebuild_search_words()
        self.stdout.write(self.style.SUCCESS(f"Search words rebuilt: {added} added, {removed} removed."))
