"""The review schedule of a package: the one place its dates come from. Pure code.

The proposal's grid, the acceptance page and the calendar file all read
`review_schedule`, so a prospect sees the same reviews on the same days everywhere.
Reviews fall on the practice's office days (never on a day it does not work), inside
its office hours and in its time zone, at a set time for each kind of review, with an
agenda drawn from what the review is for.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, available_timezones

from ..practice import CADENCES, WEEKDAYS, Package, Practice, time_zone_of

HORIZON_MONTHS = 12  # the schedule covers the first year

# each kind of review: (minutes after the office opens, length in minutes); one after
# the other, so reviews falling on the same day never overlap
SLOTS = {
    "weekly": (0, 30),
    "monthly": (30, 60),
    "quarterly": (90, 90),
    "annual": (180, 240),
}
# the months (0 = the start month) of the monthly-rhythm reviews; weekly is by week
_MONTHS = {
    "monthly": range(HORIZON_MONTHS),
    "quarterly": (2, 5, 8, 11),
    "annual": (11,),
}
AGENDAS = {
    "weekly": (
        "This week's priorities",
        "Anything waiting on a decision or blocked",
        "What is coming up next week",
    ),
    "monthly": (
        "Deliverables and deadlines of the month ahead",
        "What we can prepare before you need it",
        "Timeframes to agree",
    ),
    "quarterly": (
        "Where the business stands",
        "The strategy and a few realistic indicators",
        "How far we may act on your behalf",
    ),
    "annual": (
        "How the partnership is going: autonomy, delivery under pressure, judgement "
        "and anticipation",
        "Which new responsibilities to hand over next",
        "The package and the rhythm for the year ahead",
    ),
}
# when each review falls, in words
DAY_WORDS = {
    "weekly": "the first working day of each week",
    "monthly": "the last working day of each month",
    "quarterly": "the last working day of every third month",
    "annual": "the last working day of the twelfth month",
}


@dataclass(frozen=True)
class Review:
    kind: str  # "weekly" | "monthly" | "quarterly" | "annual"
    name: str  # "Monthly operational review"
    date: dt.date
    start: dt.datetime  # aware, in the practice's time zone
    end: dt.datetime
    agenda: tuple[str, ...]


def zone(practice: Practice) -> ZoneInfo:
    """The practice's time zone; UTC when its name is unknown."""
    name = time_zone_of(practice)
    return ZoneInfo(name if is_time_zone(name) else "UTC")


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """An IANA zone name this machine knows: looked up in the list, never opened as a
    file (a name of 300 characters was an OSError, 'America' a directory)."""
    return isinstance(name, str) and name in _zone_names()


def _office_days(practice: Practice) -> frozenset[int]:
    days = {WEEKDAYS.index(d) for d in practice.standards.office_days if d in WEEKDAYS}
    return frozenset(days or range(5))


def _clock(text: str, default: dt.time) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except (TypeError, ValueError):
        return default


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _slot(kind: str, practice: Practice) -> tuple[dt.time, dt.time]:
    """The review's time inside office hours: its slot, moved earlier (and shortened
    at most to the office day) when the day ends sooner."""
    std = practice.standards
    opens = _minutes(_clock(std.office_start, dt.time(9)))
    closes = _minutes(_clock(std.office_end, dt.time(17)))
    closes = closes if closes > opens else min(opens + 8 * 60, 24 * 60 - 1)
    offset, length = SLOTS[kind]
    length = min(length, closes - opens)
    begin = min(opens + offset, closes - length)
    return (
        dt.time(begin // 60, begin % 60),
        dt.time((begin + length) // 60, (begin + length) % 60),
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _last_office_day(first: dt.date, days: frozenset[int]) -> dt.date:
    """The last office day of the month starting on `first`."""
    day = _add_months(first, 1) - dt.timedelta(days=1)
    while day.weekday() not in days:
        day -= dt.timedelta(days=1)
    return day


def _weekly_dates(
    start: dt.date, end: dt.date, days: frozenset[int]
) -> Iterator[dt.date]:
    """The first office day of each week, from the start date, before `end`."""
    monday = start - dt.timedelta(days=start.weekday())
    while monday < end:
        week = [monday + dt.timedelta(days=i) for i in range(7)]
        day = next((d for d in week if d.weekday() in days and d >= start), None)
        if day is not None and day < end:
            yield day
        monday += dt.timedelta(weeks=1)


def _dates(
    kind: str, start: dt.date, days: frozenset[int], until: dt.date | None = None
) -> list[dt.date]:
    first = start.replace(day=1)
    end = _add_months(first, HORIZON_MONTHS)
    if until is not None:  # a project: the reviews stop when it ends
        end = min(end, until + dt.timedelta(days=1))
    if kind == "weekly":
        return list(_weekly_dates(start, end, days))
    found = (_last_office_day(_add_months(first, m), days) for m in _MONTHS[kind])
    return [d for d in found if start <= d < end]


def cadences_of(package: Package | Iterable[str], practice: Practice) -> list[str]:
    """The package's reviews that the practice holds, in the canonical order."""
    held = package.reviews if isinstance(package, Package) else tuple(package)
    return [c for c in CADENCES if c in held and c in practice.standards.cadences]


def review_schedule(
    package: Package | Iterable[str],
    start_date: dt.date,
    practice: Practice,
    until: dt.date | None = None,
) -> list[Review]:
    """Every review of the package's first year from `start_date` (or until the end
    date of a project, when sooner), in date order.

    `package` is a Package or its review cadences. Each review is a timed meeting on
    an office day, in office hours, in the practice's time zone.
    """
    tz = zone(practice)
    days = _office_days(practice)
    out = []
    for kind in cadences_of(package, practice):
        begins, ends = _slot(kind, practice)
        for day in _dates(kind, start_date, days, until):
            out.append(
                Review(
                    kind=kind,
                    name=CADENCES[kind],
                    date=day,
                    start=dt.datetime.combine(day, begins, tz),
                    end=dt.datetime.combine(day, ends, tz),
                    agenda=AGENDAS[kind],
                )
            )
    return sorted(out, key=lambda r: (r.start, list(CADENCES).index(r.kind)))


def schedule_start(start: dt.date | None, today: dt.date) -> dt.date:
    """When the reviews start: the prospect's start date when it is still ahead,
    else the first day of next month."""
    if start is not None and start >= today:
        return start
    return _add_months(today.replace(day=1), 1)
