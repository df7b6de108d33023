"""Dates and times in words: the one place that says how intake writes them.

Pure (standard library only): the proposal's content, the e-mails and the pages all
use these functions, and templates reach them as filters (intake.templating), never
through `strftime`. Month and day names are English whatever the server's locale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)


def _utc(value: dt.datetime) -> dt.datetime:
    """A stored time (naive means UTC) in UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def long_date(day: dt.date | None) -> str:
    """'4 December 2026': what a prospect reads (proposal, e-mails, their pages)."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def long_moment(value: dt.datetime | None) -> str:
    """'4 December 2026 at 09:30 UTC': a time a prospect or a record reads."""
    if value is None:
        return ""
    value = _utc(value)
    return f"{long_date(value)} at {value:%H:%M} UTC"


def weekday_date(day: dt.date | None) -> str:
    """'Friday 4 December 2026'."""
    if day is None:
        return ""
    return f"{WEEKDAYS[day.weekday()]} {long_date(day)}"


def weekday_day_month(day: dt.date | None) -> str:
    """'Friday 4 December': a day in a list of this month's and next month's times."""
    if day is None:
        return ""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def day_month_time(value: dt.datetime | None) -> str:
    """'4 December 09:30 UTC' (the digest's "since")."""
    if value is None:
        return ""
    value = _utc(value)
    return f"{value.day} {MONTHS[value.month - 1]} {value:%H:%M} UTC"


def short_date(day: dt.date | None) -> str:
    """'04 Dec 2026': the workspace's dates, in columns."""
    return f"{day:%d} {MONTHS[day.month - 1][:3]} {day.year}" if day else ""


def short_moment(value: dt.datetime | None) -> str:
    """'04 Dec 2026 09:30': the workspace's times (UTC), in columns."""
    return f"{short_date(value)} {value:%H:%M}" if value else ""


def short_day_time(value: dt.datetime | None) -> str:
    """'04 Dec 09:30': a time this week or next (the Outbox's sent and due times)."""
    return f"{value:%d} {MONTHS[value.month - 1][:3]} {value:%H:%M}" if value else ""


def exact_moment(value: dt.datetime | None) -> str:
    """'2026-12-04 09:30:05': a record's time to the second (UTC)."""
    return f"{value:%Y-%m-%d %H:%M:%S}" if value else ""


def time_of_day(value: dt.datetime | dt.time | None) -> str:
    """'09:30'."""
    return f"{value:%H:%M}" if value else ""


def datetime_attr(value: dt.datetime | None) -> str:
    """A valid HTML `datetime` value in UTC, to the minute (no microseconds)."""
    if value is None:
        return ""
    return f"{_utc(value):%Y-%m-%dT%H:%MZ}"


def day_month(value: dt.datetime | dt.date | None, today: dt.date | None = None) -> str:
    """'3 Nov' this year, '3 Nov 2025' another year."""
    if value is None:
        return ""
    today = today or dt.datetime.now(dt.UTC).date()
    text = f"{value.day} {MONTHS[value.month - 1][:3]}"
    return text if value.year == today.year else f"{text} {value.year}"


def age(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long ago, in the largest whole unit: 'just now', '5 hours ago', '3 days ago'."""
    if value is None:
        return ""
    now = now or dt.datetime.now(dt.UTC)
    seconds = max(0, (now - _utc(value)).total_seconds())
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400 * 7, "week"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def zone_of(name: str | None) -> dt.tzinfo:
    """The zone of an IANA name; UTC for an empty, unknown or malformed one."""
    try:
        return ZoneInfo(name) if name else dt.UTC
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # OSError: too long
        return dt.UTC


def in_zone(value: dt.datetime, zone: str | None) -> dt.datetime:
    """A stored time (naive means UTC) on the wall clock of `zone`."""
    return _utc(value).astimezone(zone_of(zone))


# how local_time writes a time: the workspace's column styles, and one in words
LOCAL_STYLES: dict[str, Callable[[dt.datetime], str]] = {
    "short": short_moment,  # '04 Dec 2026 10:30'
    "day_time": short_day_time,  # '04 Dec 10:30'
    "date": short_date,  # '04 Dec 2026'
    "day": lambda value: day_month(value, None),  # '4 Dec' this year, '4 Dec 2025'
    # '4 December 2026 at 10:30 CET': the zone's abbreviation, where a time stands alone
    "long": lambda value: f"{long_date(value)} at {value:%H:%M} {value.tzname()}",
}


def local_time(
    value: dt.datetime | None, zone: str | None, style: str = "short"
) -> str:
    """A stored time as the practice reads it: on the wall clock of `zone` (the
    practice's time zone, intake.practice.time_zone_of), written in `style` (one of
    LOCAL_STYLES). The web layer wraps it in <time> with the UTC time as its title
    (intake.site's `local_time` filter)."""
    if value is None:
        return ""
    return LOCAL_STYLES.get(style, short_moment)(in_zone(value, zone))


# the template filters (intake.templating registers them under these names)
FILTERS = (
    long_date,
    long_moment,
    weekday_date,
    weekday_day_month,
    day_month_time,
    short_date,
    short_moment,
    short_day_time,
    exact_moment,
    time_of_day,
    datetime_attr,
    day_month,
    age,
)
