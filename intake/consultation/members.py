"""Who takes the consultation calls (issue 24): each team member's own hours, and the
owner's choice of who takes new prospects: one member, in turn ("round_robin") or
whoever is free first ("first_free").

The practice-wide settings (times offered or not, to which verdicts, how to join) stay
the practice's; a member's own entry gives the hours, days off, length, break, notice
and horizon. The owner without an entry of their own has the practice's hours (the
hours set before per-member calendars: migration 0017 copied them to the owner)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Consultant
from ..practice import Availability, Practice
from .models import Booking

ROUND_ROBIN, FIRST_FREE = "round_robin", "first_free"


@dataclass(frozen=True)
class Host:
    """A member who takes calls (id 0: the practice, before any account exists)."""

    id: int
    name: str
    email: str
    availability: Availability


def members() -> list[Consultant]:
    """The active members, owners first, then by id."""
    return list(
        db.session.scalars(
            sa.select(Consultant)
            .where(Consultant.active.is_(True))
            .order_by(Consultant.role != "owner", Consultant.id)
        )
    )


def owner_id(people: list[Consultant]) -> int:
    owners = [m.id for m in people if m.is_owner]
    return owners[0] if owners else (people[0].id if people else 0)


def own_hours(practice: Practice, member_id: int, owner: int) -> Availability | None:
    """The member's hours as stored (the owner's default to the practice's)."""
    own = practice.member_availability.get(str(member_id))
    if own is None and member_id == owner:
        own = practice.availability
    return own


def _host(practice: Practice, person: Consultant | None, owner: int) -> Host | None:
    member_id = person.id if person else 0
    own = own_hours(practice, member_id, owner)
    if own is None:
        return None
    base = practice.availability
    merged = dataclasses.replace(
        own,
        enabled=base.enabled,
        offer_to=base.offer_to,
        details=base.details,
        feed_token_hash="",
    )
    if person is None:
        return Host(0, "", "", merged)
    return Host(person.id, person.name or "", person.email, merged)


def takers(practice: Practice) -> list[Host]:
    """Who may take a new prospect's call, by the owner's choice (in that order)."""
    people = members()
    owner = owner_id(people)
    if not people:
        alone = _host(practice, None, 0)
        return [alone] if alone is not None else []
    hosts = [h for h in (_host(practice, p, owner) for p in people) if h is not None]
    choice = practice.new_prospects_to
    if choice in (ROUND_ROBIN, FIRST_FREE):
        return hosts
    chosen = [h for h in hosts if str(h.id) == choice]
    return chosen or [h for h in hosts if h.id == owner]


def host_of(practice: Practice, member_id: int) -> Host | None:
    """The member of a booked call (a removed member still hosts their calls)."""
    person = db.session.get(Consultant, member_id) if member_id else None
    owner = owner_id(members())
    host = _host(practice, person, owner)
    if host is None and person is not None:  # no hours any more: theirs were kept
        base = practice.availability
        host = Host(person.id, person.name or "", person.email, base)
    return host


def in_turn(candidates: list[Host]) -> list[Host]:
    """The candidates, whoever was given a call longest ago (or never) first."""
    last = dict(
        db.session.execute(
            sa.select(Booking.member_id, sa.func.max(Booking.created_at))
            .where(Booking.member_id.in_([h.id for h in candidates]))
            .group_by(Booking.member_id)
        ).all()
    )
    return sorted(candidates, key=lambda h: (h.id in last, last.get(h.id), h.id))
