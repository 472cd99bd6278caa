"""`manage.py load_demo_checkout`: demo shipping methods, tax rates, the WELCOME10 voucher and address books."""

from django.core.management.base import BaseCommand

from apps.core.management.demo_checkout import load_demo_checkout


class Command(BaseCommand):
    help = "Create the demo checkout data (shipping methods, tax rates, WELCOME10, demo address books) once."

    def handle(self, *args, **options) -> None:
        load_demo_checkout(self.stdout)
