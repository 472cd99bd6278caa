"""`manage.py load_demo`: the demo data behind `make run`."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.core.management.demo_images import add_demo_images
from apps.core.management.demo_orders import create_demo_orders
from apps.core.management.demo_variants import add_demo_variants
from apps.core.models.accounts import User
from apps.core.models.catalog import Product

DUMMYJSON_DIR = Path(settings.DUMMYJSON_DIR)  # $NEXUS_SHARED_DIR/data/dummyjson
DEMO_ADMIN = ("admin@nexus.example", "admin-Demo-2026")
DEMO_CUSTOMER = ("customer@nexus.example", "customer-Demo-2026")


class Command(BaseCommand):
    help = "Load a demo catalog (DummyJSON when ../shared is present, else generated) and demo accounts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DUMMYJSON_DIR, help="Folder holding products.json.")
        parser.add_argument("--products", type=int, default=200, help="Products to generate without the folder.")

    def handle(self, *args, data_dir: Path, products: int, **options) -> None:
        started = time.perf_counter()
        catalog = data_dir / "products.json"
        if catalog.exists():
            # Insert-only: a second `make run` must not undo sales and admin edits of the demo shop.
            call_command("load_catalog", str(catalog), insert_only=True, stdout=self.stdout)
        elif not Product.objects.exists():
            call_command("seed_catalog", products=products, stdout=self.stdout)
        self.stdout.write(f"Demo variants: {add_demo_variants()}")
        self.stdout.write(f"Demo images: {add_demo_images()}")
        admin = self._account(*DEMO_ADMIN, is_staff=True, is_superuser=True)
        customer = self._account(*DEMO_CUSTOMER)
        self.stdout.write(f"Demo admin: {admin.email} / {DEMO_ADMIN[1]}")
        self.stdout.write(f"Demo customer: {customer.email} / {DEMO_CUSTOMER[1]}")
        call_command("load_demo_checkout", stdout=self.stdout)  # shipping, tax, WELCOME10, addresses
        orders = create_demo_orders(customer, data_dir / "carts.json")
        if orders:
            summary = ", ".join(f"{o.number} ({o.status})" for o in orders)
            self.stdout.write(f"Demo orders for {customer.email}: {summary}")
        self.stdout.write(f"Demo data loaded in {time.perf_counter() - started:.1f} s")

    @staticmethod
    def _account(email: str, password: str, **flags) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, **flags)
        return user
