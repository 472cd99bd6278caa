"""Seed data of the contract-fuzzing server: a small catalog, a customer and an admin.

Run inside the fuzz server's environment: `manage.py shell -c "from tests.contract.seed import seed; seed()"`.
"""

from decimal import Decimal

from apps.core.models.accounts import User
from apps.core.models.catalog import Category, Product
from apps.core.services.catalog.variant_sync import create_missing_default_variants

CUSTOMER = ("fuzz-customer@example.com", "Fuzz-customer-2026!")
ADMIN = ("fuzz-admin@example.com", "Fuzz-admin-2026!")


def seed() -> None:
    """Create 3 categories (one nested), 12 products (one inactive, one soft-deleted) and two accounts."""
    root = Category.objects.create(name="Electronics", slug="electronics", description="Gadgets")
    laptops = Category.objects.create(name="Laptops", slug="laptops", parent=root)
    Category.objects.create(name="Books", slug="books")
    for n in range(1, 13):
        Product.objects.create(
            name=f"Fuzz product {n}",
            slug=f"fuzz-product-{n}",
            sku=f"FUZZ-{n:03d}",
            description="A product for contract fuzzing.",
            price=Decimal(f"{n * 10}.99"),
            stock=0 if n % 4 == 0 else n,
            category=laptops if n % 2 else root,
            is_active=n != 11,
            requires_shipping=False,  # digital: the fuzzer's and live tests' checkouts need no address
        )
    Product.objects.filter(sku="FUZZ-012").update(deleted_at="2026-01-01T00:00:00Z")
    create_missing_default_variants()
    User.objects.create_user(email=CUSTOMER[0], password=CUSTOMER[1], first_name="Cus", last_name="Tomer")
    User.objects.create_superuser(email=ADMIN[0], password=ADMIN[1], first_name="Ad", last_name="Min")
