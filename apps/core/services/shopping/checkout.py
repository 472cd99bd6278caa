"""Checkout figures: a cart, a destination, a shipping method and a voucher, priced by the money rules.

`CheckoutService.quote` answers `POST /api/checkout/quote/`; placing an order prices the same way
(apps/core/services/shopping/pricing.py holds the rules), so both give identical figures.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.infra.db.prepared import prepared_statements
from apps.core.models.accounts import User
from apps.core.models.promotions import Voucher, VoucherType
from apps.core.models.shopping import CartItem
from apps.core.services.promotions import VoucherService, discount_of
from apps.core.services.shipping import AddressInput, AddressService, ShippingMethodService, TaxRateService
from apps.core.services.shipping.addresses import validate_address
from apps.core.services.shopping.cart import CartService, CartView
from apps.core.services.shopping.pricing import ZERO, LineInput, Quote, money, price


@dataclass(frozen=True)
class CheckoutInput:
    """What the customer chose; every field is optional for a quote.

    Attributes:
        shipping_address: an id of the user's address book, or a whole address, or None.
        shipping_method: a shipping method id, or None.
        voucher_code: a voucher code (any case), or None.
    """

    shipping_address: int | AddressInput | None = None
    shipping_method: int | None = None
    voucher_code: str | None = None


@dataclass(frozen=True)
class Checkout:
    """A priced checkout: the figures, and what they were computed from (for the order's snapshots).

    Attributes:
        items: the cart lines (products joined), in the order of `quote.lines` (one line each).
        shipping_method_name: the chosen method's name ("" when none).
    """

    quote: Quote
    address: AddressInput | None
    voucher: Voucher | None
    shipping_method_id: int | None
    items: list[CartItem] = field(default_factory=list)
    shipping_method_name: str = ""


class CheckoutService:
    """Prices the user's cart for a destination, a shipping method and a voucher; reserves nothing.

    Args:
        carts, addresses, shipping, taxes, vouchers: the services it reads from.
        currency: SHOP_CURRENCY (ISO 4217).
        prices_include_tax: PRICES_INCLUDE_TAX.
    """

    def __init__(
        self,
        carts: CartService,
        addresses: AddressService,
        shipping: ShippingMethodService,
        taxes: TaxRateService,
        vouchers: VoucherService,
        *,
        currency: str,
        prices_include_tax: bool,
    ) -> None:
        self._carts, self._addresses, self._shipping = carts, addresses, shipping
        self._taxes, self._vouchers = taxes, vouchers
        self._currency, self._prices_include_tax = currency, prices_include_tax

    def cart(self, user: User) -> CartView:
        """The user's cart as `quote` prices it (lines with products, variants and options; see CartService.get)."""
        return self._carts.get(user)

    @prepared_statements()  # key lookups: prepared on the server (infra/db/prepared.py)
    def quote(self, user: User, data: CheckoutInput, *, cart: CartView | None = None) -> Checkout:
        """The figures of checking the user's cart out with `data` (cart prices as of now).

        Args:
            cart: the user's cart when the caller has read it already (`cart(user)`; checkout does,
                with the cart row locked); None reads it.

        Raises:
            InvalidInputError: an unknown or invalid address (attr "shipping_address" or the
                field), a shipping method that does not exist or serve the country (attr
                "shipping_method"), a refused voucher (attr "voucher_code", its own code), or a
                shipping method without an address (attr "shipping_address").
        """
        cart = cart if cart is not None else self._carts.get(user)
        lines = [LineInput(item.product_id, item.quantity, item.variant.price, item.variant_id) for item in cart.items]
        subtotal = sum((money(line.unit_price * line.quantity) for line in lines), ZERO)
        address = self.address(user, data.shipping_address, attr="shipping_address")
        voucher = self._vouchers.check(data.voucher_code, user, subtotal) if data.voucher_code else None
        discount = discount_of(voucher, subtotal) if voucher else ZERO
        shipping, method_name = ZERO, ""
        if data.shipping_method is not None:
            if address is None:
                raise InvalidInputError(
                    "A shipping method needs a shipping address.",
                    code="address_required_for_shipping",
                    attr="shipping_address",
                )
            quoted = self._shipping.quote(data.shipping_method, country=address.country, subtotal=subtotal - discount)
            shipping = ZERO if voucher and voucher.type == VoucherType.FREE_SHIPPING else quoted.price
            method_name = quoted.method.name
        rate = self._taxes.rate_for(address.country, address.region) if address else Decimal("0")
        figures = price(
            lines,
            discount=discount,
            shipping=shipping,
            tax_rate=rate,
            prices_include_tax=self._prices_include_tax,
            currency=self._currency,
        )
        return Checkout(figures, address, voucher, data.shipping_method, cart.items, method_name)

    def address(self, user: User, value: int | AddressInput | None, *, attr: str) -> AddressInput | None:
        """An address input as validated data: an id of the user's book (its fields), or a whole address validated.

        Raises:
            InvalidInputError: no such address of this user (code "does_not_exist", attr `attr`), or
                an address invalid for its country (attr the field, see `validate_address`).
        """
        if value is None:
            return None
        if isinstance(value, AddressInput):
            return validate_address(value)
        try:
            return AddressInput.of(self._addresses.get(user, value))
        except NotFoundError as exc:  # someone else's or no such address is a bad input here
            raise InvalidInputError(f"Address {value} does not exist.", code="does_not_exist", attr=attr) from exc
