"""The money rules of checkout (apps/core/services/shopping/pricing.py), figure by figure."""

from decimal import Decimal

import pytest

from apps.core.services.shopping.pricing import LineInput, money, price, spread, tax_of

D = Decimal


def test_money_rounds_half_up():
    assert money(D("0.005")) == D("0.01")
    assert money(D("0.015")) == D("0.02")
    assert money(D("2.675")) == D("2.68")  # a float would say 2.67


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        (D("10.00"), [D("30.00"), D("70.00")], [D("3.00"), D("7.00")]),
        (
            D("0.10"),
            [D("1.00"), D("1.00"), D("1.00")],
            [D("0.04"), D("0.03"), D("0.03")],
        ),  # remainder on the first largest
        (D("1.00"), [D("3.33"), D("3.33"), D("3.34")], [D("0.33"), D("0.33"), D("0.34")]),
        (D("0.00"), [D("5.00")], [D("0.00")]),
    ],
)
def test_spread_adds_up_exactly(amount, weights, expected):
    shares = spread(amount, weights)
    assert shares == expected
    assert sum(shares) == amount


def test_tax_exclusive_and_inclusive():
    assert tax_of(D("10.00"), D("0.2000"), included=False) == D("2.00")
    assert tax_of(D("12.00"), D("0.2000"), included=True) == D("2.00")
    assert tax_of(D("9.99"), D("0.0725"), included=False) == D("0.72")  # 0.724275 -> 0.72


def test_price_exclusive_of_tax_with_discount_and_shipping():
    quote = price(
        [LineInput(1, 2, D("19.99")), LineInput(2, 1, D("5.00"))],
        discount=D("4.50"),
        shipping=D("4.99"),
        tax_rate=D("0.2000"),
        currency="USD",
    )
    assert quote.subtotal == D("44.98")
    assert [line.line_total for line in quote.lines] == [D("39.98"), D("5.00")]
    assert [line.discount for line in quote.lines] == [D("4.00"), D("0.50")]  # 4.0000.. and 0.5002..
    assert [line.tax_amount for line in quote.lines] == [D("7.20"), D("0.90")]
    assert quote.shipping_tax == D("1.00")
    assert quote.tax_total == D("9.10")
    assert quote.total == D("44.98") - D("4.50") + D("4.99") + D("9.10")
    assert quote.total == quote.subtotal - quote.discount_total + quote.shipping_total + quote.tax_total


def test_price_inclusive_of_tax_adds_nothing():
    quote = price(
        [LineInput(1, 1, D("12.00"))], shipping=D("6.00"), tax_rate=D("0.2000"), prices_include_tax=True, currency="EUR"
    )
    assert quote.tax_total == D("3.00")  # 2.00 in the line, 1.00 in the shipping
    assert quote.total == D("18.00")


def test_discount_never_exceeds_the_subtotal():
    quote = price([LineInput(1, 1, D("3.00"))], discount=D("10.00"), currency="USD")
    assert (quote.discount_total, quote.total) == (D("3.00"), D("0.00"))
