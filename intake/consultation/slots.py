"""The free times for a consultation call: pure code (standard library only).

Slots follow the practice's wall clock: a call at 10:00 in London stays at 10:00 on
either side of a daylight-saving change, whatever that is in UTC. A wall-clock time
that does not exist that day (the hour skipped in spring) is not offered; a time that
happens twice (the hour repeated in autumn) is offered once, at its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..practice import WEEKDAYS, Availability

UTC = dt.UTC
# a slot's value in a form: its start in UTC, to the minute
SLOT_FORMAT = "%Y-%m-%dT%H:%MZ"


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # aware, UTC
    end: dt.datetime

    @property
    def value(self) -> str:
        return self.start.strftime(SLOT_FORMAT)


def zone(name: str) -> ZoneInfo:
    """The zone of an IANA name; UTC for an unknown or malformed one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # OSError: too long
        return ZoneInfo("UTC")


def parse_value(text: str) -> dt.datetime | None:
    """A slot's start from its form value; None for anything else."""
    try:
        return dt.datetime.strptime(str(text)[:40], SLOT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _minutes(text: str) -> int | None:
    try:
        hours, minutes = str(text).split(":")
        value = int(hours) * 60 + int(minutes)
    except ValueError:
        return None
    return value if 0 <= value <= 24 * 60 else None


def _at(day: dt.date, minutes: int, tz: ZoneInfo) -> dt.datetime | None:
    """The UTC instant of a wall-clock time on a day, None when it does not exist
    (skipped by a change to summer time)."""
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    local = naive.replace(tzinfo=tz, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return instant


def day_slots(av: Availability, day: dt.date, tz: ZoneInfo) -> list[Slot]:
    """Every slot of one day by the weekly hours, ignoring notice and bookings."""
    if day.isoformat() in av.days_off or av.call_minutes <= 0:
        return []
    weekday = WEEKDAYS[day.weekday()]
    step = av.call_minutes + max(av.buffer_minutes, 0)
    length = dt.timedelta(minutes=av.call_minutes)
    found: dict[dt.datetime, Slot] = {}
    for name, start_text, end_text in av.hours:
        start, end = _minutes(start_text), _minutes(end_text)
        if name != weekday or start is None or end is None:
            continue
        for minutes in range(start, end - av.call_minutes + 1, step):
            instant = _at(day, minutes, tz)
            if instant is not None:
                found.setdefault(instant, Slot(instant, instant + length))
    return sorted(found.values(), key=lambda s: s.start)


def _clashes(
    slot: Slot, busy: list[tuple[dt.datetime, dt.datetime]], gap: dt.timedelta
) -> bool:
    return any(slot.start < end + gap and start < slot.end + gap for start, end in busy)


def free_slots(
    av: Availability,
    *,
    time_zone: str,
    now: dt.datetime,
    booked: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    limit: int | None = None,
) -> list[Slot]:
    """The slots a prospect may book now: within the weekly hours in the practice's
    `time_zone`, not on a day off, at least `notice_hours` from `now`, at most
    `horizon_days` ahead (by the practice's calendar), and clear of every booked
    call by the buffer; the first `limit` of them when given."""
    tz = zone(time_zone)
    today = now.astimezone(tz).date()
    earliest = now + dt.timedelta(hours=max(av.notice_hours, 0))
    gap = dt.timedelta(minutes=max(av.buffer_minutes, 0))
    busy = sorted(booked)
    out: list[Slot] = []
    for offset in range(max(av.horizon_days, 0) + 1):
        for slot in day_slots(av, today + dt.timedelta(days=offset), tz):
            if slot.start >= earliest and not _clashes(slot, busy, gap):
                out.append(slot)
        if limit is not None and len(out) >= limit:
            return out[:limit]
    return out


def by_day(
    slots: Iterable[Slot], time_zone: str
) -> list[tuple[dt.date, list[tuple[Slot, dt.datetime]]]]:
    """The slots grouped by their day in `time_zone`, each with its local start:
    [(date, [(slot, local start), ...]), ...] in time order."""
    tz = zone(time_zone)
    days: dict[dt.date, list[tuple[Slot, dt.datetime]]] = {}
    for slot in sorted(slots, key=lambda s: s.start):
        local = slot.start.astimezone(tz)
        days.setdefault(local.date(), []).append((slot, local))
    return list(days.items())


def describe(start: dt.datetime, end: dt.datetime, time_zone: str) -> str:
    """'Tuesday 10 March 2026, 10:00–10:45 (Europe/London time)'."""
    tz = zone(time_zone)
    a, b = start.astimezone(tz), end.astimezone(tz)
    return f"{a:%A} {a.day} {a:%B %Y}, {a:%H:%M}–{b:%H:%M} ({tz.key.replace('_', ' ')} time)"
