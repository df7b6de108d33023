"""One money format and one currency table for the whole product."""

from __future__ import annotations

import pytest

from intake.practice import CURRENCIES, format_money
from intake.workspace.forms import PracticeSection


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (1250, "USD", "$1,250"),
        (1250, "NZD", "NZ$1,250"),
        (650, "EUR", "€650"),
        (2400, "GBP", "£2,400"),
        (1250, "CAD", "CA$1,250"),
        (1250, "AUD", "A$1,250"),
        (1250, "CHF", "1,250 CHF"),
        (1250, "nzd", "NZ$1,250"),  # the code's case does not matter
        (1250, "JPY", "1,250 JPY"),  # not in the table: the code after the amount
        (1250, "", "1,250"),
        # whole amounts without cents, others always with two decimals
        (100, "USD", "$100"),
        (100.0, "USD", "$100"),
        (99.5, "USD", "$99.50"),
        (62.5, "NZD", "NZ$62.50"),
        (1234567.891, "USD", "$1,234,567.89"),
        (99.999, "USD", "$100"),  # rounds to the cent first
        (0, "USD", "$0"),
        (0.05, "CHF", "0.05 CHF"),
    ],
)
def test_format_money(amount, currency, expected):
    assert format_money(amount, currency) == expected


def test_the_settings_form_offers_the_currencies_of_the_table():
    choices = PracticeSection.currency.kwargs["choices"]
    assert [c.value for c in choices] == list(CURRENCIES)
    assert list(CURRENCIES) == ["USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF"]
