"""Words for the prospect: lists joined in a sentence, money, hours and days, the
names of the weekdays and the currencies. One format each, for every page, e-mail and
document. Pure code (no Flask), shared by the practice, the questionnaire and the
proposal."""

from __future__ import annotations

from collections.abc import Iterable

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
# the currencies a practice can choose: code -> the symbol written before an amount
# ("" writes the code after it: "1,250 CHF")
CURRENCIES = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "CHF": "",
}


def join_words(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def format_money(amount: float, currency: str) -> str:
    """'$1,250', 'NZ$99.50', '1,250 CHF': whole amounts without cents, others with two.

    The one money format of the product (PDF, pages, gaps); a currency not in
    CURRENCIES is written after the amount.
    """
    cents = round(float(amount) * 100)
    text = f"{cents // 100:,d}" if cents % 100 == 0 else f"{cents / 100:,.2f}"
    symbol = CURRENCIES.get((currency or "").upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency or ''}".strip()


def describe_hours(hours: int | float) -> str:
    """'1 hour', '4 working hours', '1 business day', '2 business days'."""
    hours = float(hours)
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    if hours < 8:
        whole = round(hours)
        return "1 hour" if whole == 1 else f"{whole} working hours"
    days = round(hours / 8, 1)
    n: int | float = int(days) if days == int(days) else days
    return "1 business day" if n == 1 else f"{n} business days"


def describe_days(days: tuple[str, ...]) -> str:
    """'Monday to Friday', or a list when the days are not consecutive."""
    idx = sorted(WEEKDAYS.index(d) for d in days if d in WEEKDAYS)
    if not idx:
        return "no set days"
    if len(idx) > 2 and idx == list(range(idx[0], idx[-1] + 1)):
        return (
            f"{WEEKDAY_NAMES[WEEKDAYS[idx[0]]]} to {WEEKDAY_NAMES[WEEKDAYS[idx[-1]]]}"
        )
    return ", ".join(WEEKDAY_NAMES[WEEKDAYS[i]] for i in idx)
