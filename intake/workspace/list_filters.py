"""The list's filters from its query string, checked without a form object.

A GET of the list builds no WTForms form (its fields cost ~0.2-0.3 ms a page,
bench/profiles.md round 3): the filters arrive as query arguments, each checked
here with the rules and the messages of the form it replaces (`ListFilterForm`,
still used for the page number of other lists; tests/integration/test_list_filters.py
compares the two). A value that fails its check is reported and ignored; the
others apply. No Flask import: `args` is any mapping with `getlist`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from ..models import PIPELINE
from ..questionnaire.scoring import VERDICTS
from ..text import clean_text
from .queries import SORTS, ListFilters

MAX_Q = 100
MAX_PAGE = 100_000
LARGEST = 10**15  # forms.BoundedIntegerField: a larger number is out of range
VERDICT_CHOICES = (("", "Any verdict"), *((v, v.capitalize()) for v in VERDICTS))
STATUS_CHOICES = (("", "Any status"), *PIPELINE.items())
# each filter's label, which its message starts with
LABELS = {
    "q": "Search",
    "verdict": "Verdict",
    "status": "Status",
    "date_from": "Submitted from",
    "date_to": "to",
    "sort": "Sort",
    "direction": "Direction",
    "attention": "Needs attention only",
    "page": "Page",
}
NOT_A_CHOICE = "Not a valid choice."
NOT_A_DATE = "Not a valid date value."
NOT_A_NUMBER = "Not a valid integer value."
OUT_OF_RANGE = f"Number must be between 1 and {MAX_PAGE}."
TOO_LONG = f"Field cannot be longer than {MAX_Q} characters."
ENDS_BEFORE = "The end date is before the start date."


class Args(Protocol):
    def getlist(self, key: str) -> list[str]: ...


def parse(args: Args) -> tuple[ListFilters, dict[str, list[str]]]:
    """The filters of `args`, and the messages of the values that failed their
    check, by name (those values are left out of the filters)."""
    errors: dict[str, list[str]] = {}
    q = _text(args, "q")
    if q and len(q) > MAX_Q and _given(args, "q"):
        errors["q"] = [TOO_LONG]
    verdict = _choice(args, "verdict", (v for v, _ in VERDICT_CHOICES), errors)
    status = _choice(args, "status", (s for s, _ in STATUS_CHOICES), errors)
    date_from = _date(args, "date_from", errors)
    date_to = _date(args, "date_to", errors)
    if date_to and date_from and date_to < date_from:
        errors["date_to"] = [ENDS_BEFORE]
    sort = _text(args, "sort")
    direction = _text(args, "direction")
    attention = args.getlist("attention")
    page = _page(args, errors)
    return (
        ListFilters(
            q=("" if "q" in errors else q) or "",
            verdict=verdict,
            status=status,
            date_from=None if "date_from" in errors else date_from,
            date_to=None if "date_to" in errors else date_to,
            sort=sort if sort in SORTS else "submitted",
            direction=direction if direction in ("asc", "desc") else "desc",
            page=page or 1,
            attention=bool(attention) and attention[0] not in ("false", ""),
        ),
        errors,
    )


def _given(args: Args, name: str) -> bool:
    """True when the first value is not blank (WTForms' Optional() otherwise)."""
    values = args.getlist(name)
    return bool(values) and bool(values[0].strip())


def _text(args: Args, name: str) -> str | None:
    values = args.getlist(name)
    return clean_text(values[0]) if values else None


def _choice(
    args: Args, name: str, choices: Iterable[str], errors: dict[str, list[str]]
) -> str:
    values = args.getlist(name)
    if not values:
        return ""
    if values[0] in set(choices):
        return values[0]
    errors[name] = [NOT_A_CHOICE]
    return ""


def _date(args: Args, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    values = args.getlist(name)
    if not values:
        return None
    try:
        return dt.datetime.strptime(" ".join(values), "%Y-%m-%d").date()
    except (ValueError, TypeError):
        if _given(args, name):
            errors[name] = [NOT_A_DATE]
        return None


def _page(args: Args, errors: dict[str, list[str]]) -> int | None:
    values = args.getlist("page")
    if not values or not _given(args, "page"):
        return None
    try:
        number: int | None = int(values[0])
    except (ValueError, TypeError):
        errors["page"] = [NOT_A_NUMBER, OUT_OF_RANGE]
        return None
    if number is not None and abs(number) > LARGEST:
        number = None
    if number is None or not 1 <= number <= MAX_PAGE:
        errors["page"] = [OUT_OF_RANGE]
        return None
    return number
