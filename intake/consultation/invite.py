"""The consultation call as iCalendar: the prospect's invitation (REQUEST, CANCEL) and
the consultant's subscription feed. Pure code (icalendar only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event, vCalAddress, vText


@dataclass(frozen=True)
class Call:
    """One call as a calendar event: `uid` stays the same through every change."""

    uid: str
    sequence: int
    start: dt.datetime  # aware
    end: dt.datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    return address


def _event(call: Call, now: dt.datetime) -> Event:
    event = Event()
    event.add("uid", call.uid)
    event.add("sequence", call.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", call.start)
    event.add("dtend", call.end)
    event.add("summary", call.summary)
    if call.description:
        event.add("description", call.description)
    if call.location:
        event.add("location", call.location)
    if call.url:
        event.add("url", call.url)
    return event


def invitation(
    call: Call,
    *,
    method: str,
    organizer: tuple[str, str],
    attendee: tuple[str, str],
    practice_name: str,
    now: dt.datetime,
) -> bytes:
    """The .ics sent to the prospect: METHOD:REQUEST for a new or moved call (its
    SEQUENCE one more at each change), METHOD:CANCEL when it is called off.
    `organizer` and `attendee` are (e-mail, name)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{practice_name}//Consultation call//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = _event(call, now)
    if organizer[0]:
        event.add("organizer", _address(*organizer))
    if attendee[0]:
        address = _address(*attendee)
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText(
            "ACCEPTED" if method == "REQUEST" else "DECLINED"
        )
        event.add("attendee", address)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def feed(calls: Iterable[Call], *, practice_name: str, now: dt.datetime) -> bytes:
    """The consultant's subscription: every booked call, in UTC."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{practice_name}//Consultation calls//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Consultation calls: {practice_name}")
    calendar.add("x-published-ttl", "PT1H")
    for call in calls:
        event = _event(call, now)
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
