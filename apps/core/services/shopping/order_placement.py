"""Placing an order from a priced checkout: the order's inputs, snapshots, figures and lines.

The order is built FROM the checkout's quote (`CheckoutService.quote`, the money rules of
apps/core/services/shopping/pricing.py), never priced a second way, so the order answers the
quote's figures exactly for the same cart and inputs. `OrderService.place_order` calls these
helpers inside its transaction, with the cart row locked.
"""

from dataclasses import dataclass

from apps.core.exceptions import InvalidInputError
from apps.core.models.shopping import OrderLine
from apps.core.services.catalog import option_map
from apps.core.services.shipping import AddressInput
from apps.core.services.shopping.checkout import Checkout, CheckoutInput

# The address API's object without `id` and the `is_default_*` flags.
ADDRESS_SNAPSHOT_FIELDS = (
    "full_name",
    "company",
    "line1",
    "line2",
    "city",
    "postal_code",
    "region",
    "country",
    "phone",
)


@dataclass(frozen=True)
class OrderInput:
    """What the customer chose at checkout; every field is optional unless a line requires shipping.

    Attributes:
        shipping_address: an id of the user's address book, or a whole address, or None.
        billing_address: the same kinds; None means "the shipping address".
        shipping_method: a shipping method id, or None.
        voucher_code: a voucher code (any case), or None.
    """

    shipping_address: int | AddressInput | None = None
    billing_address: int | AddressInput | None = None
    shipping_method: int | None = None
    voucher_code: str | None = None

    def checkout_input(self) -> CheckoutInput:
        """The quote's input for the same choices (the billing address does not change figures)."""
        return CheckoutInput(
            shipping_address=self.shipping_address,
            shipping_method=self.shipping_method,
            voucher_code=self.voucher_code,
        )


def address_snapshot(address: AddressInput | None) -> dict:
    """An address as an order keeps it: `{full_name, company, line1, line2, city, postal_code, region,
    country, phone}` (strings; phone E.164 or ""), or `{}` for none."""
    if address is None:
        return {}
    return {name: getattr(address, name) for name in ADDRESS_SNAPSHOT_FIELDS}


def require_shipping(shipped: bool, data: OrderInput) -> None:
    """Refuse a cart with a line that requires shipping (`shipped`) when the address or the method is missing.

    (That the method serves the address's country is checked by the quote.)

    Raises:
        InvalidInputError: code "shipping_required", attr "shipping_address" (checked first) or "shipping_method".
    """
    if not shipped:
        return
    missing = [name for name in ("shipping_address", "shipping_method") if getattr(data, name) is None]
    if missing:
        raise InvalidInputError(
            f"The cart holds products that are shipped: {' and '.join(missing)} required.",
            code="shipping_required",
            attr=missing[0],
        )


def order_fields(checkout: Checkout, billing: AddressInput | None) -> dict:
    """The Order model's fields from a checkout: figures (Decimal, shop currency) and snapshots.

    Args:
        billing: the billing address; None means the shipping address.
    """
    quote, voucher = checkout.quote, checkout.voucher
    shipping = address_snapshot(checkout.address)
    return {
        "subtotal": quote.subtotal,
        "discount_total": quote.discount_total,
        "shipping_total": quote.shipping_total,
        "tax_total": quote.tax_total,
        "total": quote.total,
        "currency": quote.currency,
        "shipping_address": shipping,
        "billing_address": address_snapshot(billing) if billing is not None else dict(shipping),
        "shipping_method_id": checkout.shipping_method_id,
        "shipping_method_name": checkout.shipping_method_name,
        "voucher": voucher,
        "voucher_code": voucher.code if voucher else "",
    }


def order_lines(checkout: Checkout) -> list[OrderLine]:
    """Unsaved order lines, one per cart line, with the quote's figures and the variants' snapshots (SKU, options)."""
    return [
        OrderLine(
            product=item.product,
            variant_id=item.variant_id,
            variant_options=option_map(item.variant),
            product_name=item.product.name,
            sku=item.variant.sku,
            unit_price=line.unit_price,
            quantity=line.quantity,
            line_total=line.line_total,
            discount_amount=line.discount,
            tax_rate=line.tax_rate,
            tax_amount=line.tax_amount,
        )
        for item, line in zip(checkout.items, checkout.quote.lines, strict=True)
    ]
