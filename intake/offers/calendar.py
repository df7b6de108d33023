"""The review rhythm as an iCalendar file: one recurring event per review. Pure code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from dateutil.relativedelta import relativedelta
from icalendar import Calendar, Event

from ..text import clean_text

# what the .ics is sent as: the file is UTF-8 (a practice's name may be "Zoë's")
CONTENT_TYPE = "text/calendar; charset=utf-8"

# cadence -> (RRULE, the first review after the start date)
RHYTHM: dict[str, tuple[dict[str, object], relativedelta]] = {
    "weekly": ({"FREQ": "WEEKLY"}, relativedelta(weeks=1)),
    "monthly": ({"FREQ": "MONTHLY"}, relativedelta(months=1)),
    "quarterly": ({"FREQ": "MONTHLY", "INTERVAL": 3}, relativedelta(months=3)),
    "annual": ({"FREQ": "YEARLY"}, relativedelta(years=1)),
}


def reviews_calendar(
    *,
    reviews: Iterable[Mapping[str, str]],
    start: dt.date,
    practice_name: str,
    uid_prefix: str,
    host: str,
    now: dt.datetime,
) -> bytes:
    """An .ics with each review (cadence, name, when, purpose) as an all-day recurring
    event; the first falls one period after the agreed start date."""
    # one line: the identifier properties take no line break (a name saved with one
    # made every acceptance fail here)
    practice_name = clean_text(practice_name)
    calendar = Calendar()
    calendar.add("prodid", f"-//{practice_name}//Review rhythm//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Reviews with {practice_name}")
    for review in reviews:
        cadence = review.get("cadence", "")
        if cadence not in RHYTHM:
            continue
        rule, offset = RHYTHM[cadence]
        event = Event()
        event.add("uid", f"{uid_prefix}-{cadence}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", start + offset)
        event.add(
            "summary", f"{review.get('name') or cadence.title()}: {practice_name}"
        )
        event.add(
            "description",
            " ".join(
                v for v in (review.get("when", ""), review.get("purpose", "")) if v
            ),
        )
        event.add("rrule", rule)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
