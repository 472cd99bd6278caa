"""Demo checkout data: shipping methods (domestic, EU, worldwide), tax rates, the WELCOME10 voucher,
and address books for the demo accounts. Idempotent: a second `make run` finds and keeps them.

`demo_order_input` gives the demo orders (apps/core/management/demo_orders.py) an address, a
shipping method and, for the first order, the voucher, so `make run` shows a complete order.
"""

from decimal import Decimal

from django_countries import countries

from apps.core.models.accounts import User
from apps.core.models.promotions import Voucher, VoucherType
from apps.core.models.shipping import Address, ShippingMethod, TaxRate
from apps.core.services.shipping import AddressInput, AddressService
from apps.core.services.shopping.order_placement import OrderInput

EU = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
      "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]  # fmt: skip
DOMESTIC = "Standard (domestic)"
SHIPPING_METHODS = (
    # name, price, free_over, countries, min_days, max_days (prices in the shop's currency)
    (DOMESTIC, Decimal("4.99"), Decimal("50.00"), ["US"], 2, 5),
    ("EU Standard", Decimal("14.99"), Decimal("150.00"), EU, 4, 9),
    ("Worldwide Express", Decimal("29.99"), None, None, 3, 7),  # None: every country
)
TAX_RATES = (
    ("US", "CA", Decimal("0.0725")),
    ("US", "NY", Decimal("0.0400")),
    ("US", "TX", Decimal("0.0625")),
    ("GB", "", Decimal("0.2000")),
    ("DE", "", Decimal("0.1900")),
    ("FR", "", Decimal("0.2000")),
)
WELCOME = "WELCOME10"
ADDRESSES = {
    "customer@nexus.example": [
        AddressInput(full_name="Casey Customer", line1="1 Infinite Loop", city="Cupertino", region="CA",
                     postal_code="95014", country="US", phone="+14085551234",
                     is_default_shipping=True, is_default_billing=True),
        AddressInput(full_name="Casey Customer", company="Nexus GmbH", line1="Unter den Linden 1", city="Berlin",
                     postal_code="10117", country="DE"),
    ],
    "admin@nexus.example": [
        AddressInput(full_name="Alex Admin", line1="350 Fifth Avenue", city="New York", region="NY",
                     postal_code="10118", country="US", is_default_shipping=True, is_default_billing=True),
    ],
}  # fmt: skip


def load_demo_checkout(stdout=None) -> None:
    """Create the demo shipping methods, tax rates, WELCOME10 voucher and address books (once each)."""
    every_country = [code for code, _ in countries]
    for name, price, free_over, served, min_days, max_days in SHIPPING_METHODS:
        ShippingMethod.objects.alive().get_or_create(
            name=name,
            defaults={
                "price": price,
                "free_over": free_over,
                "countries": served or every_country,
                "min_days": min_days,
                "max_days": max_days,
            },
        )
    for country, region, rate in TAX_RATES:
        TaxRate.objects.get_or_create(country=country, region=region, defaults={"rate": rate})
    if not Voucher.objects.filter(code__iexact=WELCOME).exists():
        Voucher.objects.create(
            code=WELCOME, type=VoucherType.PERCENTAGE, value=Decimal("10"), usage_limit_per_customer=1
        )
    addresses = AddressService()
    for email, entries in ADDRESSES.items():
        user = User.objects.filter(email=email).first()
        if user is None or Address.objects.filter(user=user).exists():
            continue
        for entry in entries:
            addresses.create(user, entry)
    if stdout is not None:
        stdout.write(f"Demo checkout: {len(SHIPPING_METHODS)} shipping methods, {len(TAX_RATES)} tax rates, {WELCOME}")


def demo_order_input(customer: User, *, with_voucher: bool) -> OrderInput:
    """The customer's default address (a demo one is created when they have none), the cheapest method
    serving it and, if asked, WELCOME10."""
    address = Address.objects.filter(user=customer).order_by("-is_default_shipping", "id").first()
    if address is None:
        address = AddressService().create(customer, ADDRESSES["customer@nexus.example"][0])
    country = str(address.country)
    methods = [m for m in ShippingMethod.objects.alive().order_by("price", "id") if country in m.countries]
    return OrderInput(
        shipping_address=address.pk,
        shipping_method=methods[0].pk if methods else None,
        voucher_code=WELCOME if with_voucher else None,
    )
