"""The money rules of checkout, written once: the quote and the order use the same function.

Rules (README, "Money"):
* Money is Decimal in the shop's currency, rounded half-up to the cent; each line is rounded,
  then lines are summed (never the other way round).
* `line_total = unit_price × quantity`; `subtotal = Σ line_total`.
* A voucher's discount comes off before tax and is spread over the lines in proportion to their
  totals; the rounding remainder goes to the largest line (the first such line on a tie).
* Shipping is the method's price, free at or above its `free_over` (compared with the subtotal
  after the discount), and free with a `free_shipping` voucher.
* Tax is computed per line (on the line total less its share of the discount) and on shipping, at
  the destination's rate. With `prices_include_tax` the amounts already hold the tax:
  `tax = amount × rate / (1 + rate)`; else `tax = amount × rate` and it is added.
* `total = subtotal − discount_total + shipping_total (+ tax_total when prices exclude tax)`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(amount: Decimal) -> Decimal:
    """`amount` rounded half-up to the cent (the shop's one rounding rule)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineInput:
    """A cart line to price: what it is (`ref`, the product id; `variant`, its variant id), how many, at what price."""

    ref: int
    quantity: int
    unit_price: Decimal
    variant: int | None = None


@dataclass(frozen=True)
class PricedLine:
    """A priced line; every amount is Decimal in the shop's currency, `tax_rate` a fraction."""

    ref: int
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    discount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    variant: int | None = None


@dataclass(frozen=True)
class Quote:
    """The figures of a checkout; identical for a quote and the order placed from the same inputs."""

    lines: list[PricedLine]
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    shipping_tax: Decimal
    tax_total: Decimal
    total: Decimal
    currency: str


def spread(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` split over `weights` in proportion, each share rounded half-up; the remainder on the largest.

    The shares always add up to `amount` exactly.
    """
    total = sum(weights, ZERO)
    if not weights or total == 0 or amount == 0:
        return [ZERO for _ in weights]
    shares = [money(amount * w / total) for w in weights]
    largest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    shares[largest] += amount - sum(shares, ZERO)
    return shares


def tax_of(amount: Decimal, rate: Decimal, *, included: bool) -> Decimal:
    """The tax on `amount` at `rate`, half-up to the cent; `included`: `amount` already holds it."""
    if rate == 0 or amount == 0:
        return ZERO
    return money(amount * rate / (1 + rate)) if included else money(amount * rate)


def price(
    lines: Sequence[LineInput],
    *,
    discount: Decimal = ZERO,
    shipping: Decimal = ZERO,
    tax_rate: Decimal = Decimal("0"),
    prices_include_tax: bool = False,
    currency: str,
) -> Quote:
    """Price a checkout (see the module's rules).

    Args:
        lines: the cart's lines.
        discount: what the voucher takes off the subtotal (already capped at it), Decimal.
        shipping: the shipping price after `free_over` and free-shipping vouchers, Decimal.
        tax_rate: the destination's rate as a fraction (0 when no address or no rate).
        prices_include_tax: PRICES_INCLUDE_TAX.
        currency: ISO 4217 code of the shop.
    """
    totals = [money(line.unit_price * line.quantity) for line in lines]
    subtotal = sum(totals, ZERO)
    discount = min(money(discount), subtotal)
    shares = spread(discount, totals)
    priced = [
        PricedLine(
            ref=line.ref,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=total,
            discount=share,
            tax_rate=tax_rate,
            tax_amount=tax_of(total - share, tax_rate, included=prices_include_tax),
            variant=line.variant,
        )
        for line, total, share in zip(lines, totals, shares, strict=True)
    ]
    shipping = money(shipping)
    shipping_tax = tax_of(shipping, tax_rate, included=prices_include_tax)
    tax_total = sum((p.tax_amount for p in priced), ZERO) + shipping_tax
    total = subtotal - discount + shipping + (ZERO if prices_include_tax else tax_total)
    return Quote(priced, subtotal, discount, shipping, shipping_tax, tax_total, total, currency)
