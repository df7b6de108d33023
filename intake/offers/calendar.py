"""The review schedule as an iCalendar file: one timed meeting per review. Pure code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vText

from ..practice import Practice
from ..proposal.schedule import Review, review_schedule
from ..text import clean_text

# what the .ics is sent as: the file is UTF-8 (a practice's name may be "Zoë's")
CONTENT_TYPE = "text/calendar; charset=utf-8"


def chosen_schedule(
    content: Mapping[str, Any], option: str, start: dt.date, practice: Practice
) -> list[Review]:
    """The reviews of the option the client chose (the package's own, stored in the
    offer's page content when it was sent), from the agreed start date."""
    options = [o for o in content.get("options") or () if isinstance(o, Mapping)]
    chosen = next((o for o in options if o.get("name") == option), None)
    if chosen is not None and "cadences" in chosen:
        cadences = chosen.get("cadences") or ()
    else:  # an offer sent before options carried their reviews
        cadences = [r.get("cadence", "") for r in content.get("reviews") or ()]
    try:  # a project: the reviews stop at its end
        until = dt.date.fromisoformat(str(content.get("schedule_until") or ""))
    except ValueError:
        until = None
    return review_schedule(cadences, start, practice, until)


def first_of_each(schedule: Iterable[Review]) -> list[Review]:
    """The first review of each kind, in date order: what the acceptance page lists."""
    seen: dict[str, Review] = {}
    for review in schedule:
        seen.setdefault(review.kind, review)
    return sorted(seen.values(), key=lambda r: r.start)


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    return address


def _description(review: Review, purpose: str) -> str:
    agenda = "\n".join(f"- {item}" for item in review.agenda)
    return "\n\n".join(x for x in (purpose, f"Agenda:\n{agenda}") if x)


def reviews_calendar(
    *,
    schedule: Iterable[Review],
    purposes: Mapping[str, str],
    practice_name: str,
    organizer: tuple[str, str],
    attendee: tuple[str, str],
    uid_prefix: str,
    host: str,
    now: dt.datetime,
) -> bytes:
    """An .ics with every review of the schedule (see proposal.schedule) as a timed
    meeting that blocks the time: in the practice's time zone, with the review's
    purpose and agenda, the consultant as organizer and the client as attendee.
    `organizer` and `attendee` are (e-mail, name)."""
    # one line: the identifier properties take no line break (a name saved with one
    # made every acceptance fail here)
    practice_name = clean_text(practice_name)
    calendar = Calendar()
    calendar.add("prodid", f"-//{practice_name}//Review rhythm//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Reviews with {practice_name}")
    for review in schedule:
        event = Event()
        event.add("uid", f"{uid_prefix}-{review.kind}-{review.date:%Y%m%d}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", review.start)
        event.add("dtend", review.end)
        event.add("summary", f"{review.name}: {practice_name}")
        event.add("description", _description(review, purposes.get(review.kind, "")))
        if organizer[0]:
            event.add("organizer", _address(*organizer))
        if attendee[0]:
            event.add("attendee", _address(*attendee))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
