"""Booking, moving and cancelling a consultation call; the feed's private link.

The link's token is 256 random bits; only its SHA-256 is stored (as for proposals).
Nothing here commits: the view commits, and a second booking of the same slot fails
that commit (or the flush before it) on the unique index of intake.consultation.models.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import secrets
import zoneinfo

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .. import pipeline
from ..extensions import db
from ..models import MAIL_CANCELLED, MAIL_QUEUED, OutboxMessage, Submission, utcnow
from ..practice import Practice, time_zone_of
from ..security import hash_token, new_private_token
from . import members, slots
from .models import BOOKED, CANCELLED, Booking

MAX_TOKEN_CHARS = 100
# bookings further back than this cannot clash with a slot offered now
_LOOK_BACK = dt.timedelta(days=1)


class NotOffered(Exception):
    """The time chosen is not (or no longer) one of the free slots."""


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The IANA zones a prospect may choose, by name."""
    return tuple(
        sorted(
            name
            for name in zoneinfo.available_timezones()
            if "/" in name
            and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
        + ["UTC"]
    )


def valid_zone(name: str | None, fallback: str) -> str:
    return name if isinstance(name, str) and name in time_zones() else fallback


def by_token(token: str) -> Booking | None:
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return db.session.scalar(
        sa.select(Booking).where(Booking.token_hash == hash_token(token))
    )


def active_for(submission_id: int) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking)
        .where(Booking.submission_id == submission_id, Booking.status == BOOKED)
        .order_by(Booking.start_at.desc())
        .limit(1)
    )


def latest_for(submission_id: int) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking)
        .where(Booking.submission_id == submission_id)
        .order_by(Booking.id.desc())
        .limit(1)
    )


def upcoming(now: dt.datetime, until: dt.datetime | None = None) -> list[Booking]:
    """Active calls from a day before `now` (to `until`), earliest first."""
    query = sa.select(Booking).where(
        Booking.status == BOOKED, Booking.start_at >= now - _LOOK_BACK
    )
    if until is not None:
        query = query.where(Booking.start_at < until)
    return list(db.session.scalars(query.order_by(Booking.start_at)))


def feed_calls(
    since: dt.datetime, limit: int, member_id: int | None = None
) -> list[tuple[Booking, str]]:
    """Active calls from `since` (one member's, or all), each with the prospect's
    name (one query)."""
    query = (
        sa.select(Booking, Submission.name, Submission.business, Submission.id)
        .join(Submission, Submission.id == Booking.submission_id)
        .where(Booking.status == BOOKED, Booking.start_at >= since)
    )
    if member_id is not None:
        query = query.where(Booking.member_id == member_id)
    rows = db.session.execute(query.order_by(Booking.start_at).limit(limit)).all()
    return [(b, Submission.name_to_show(n, biz, sid)) for b, n, biz, sid in rows]


def _free_of(
    host: members.Host, practice: Practice, now: dt.datetime, calls, limit
) -> list[slots.Slot]:
    busy = [(b.start_at, b.end_at) for b in calls if b.member_id == host.id]
    return slots.free_slots(
        host.availability,
        time_zone=time_zone_of(practice),
        now=now,
        booked=busy,
        limit=limit,
    )


def _hosts(practice: Practice, moving: Booking | None) -> list[members.Host]:
    """A call being moved stays with its member; a new one goes to the takers."""
    if moving is not None:
        host = members.host_of(practice, moving.member_id)
        return [host] if host else []
    return members.takers(practice)


def free(
    practice: Practice,
    now: dt.datetime,
    *,
    moving: Booking | None = None,
    limit: int | None = None,
) -> list[slots.Slot]:
    """The slots open now, of whoever takes the call (each start once); a call being
    moved does not block its own neighbours."""
    calls = [b for b in upcoming(now) if moving is None or b is not moving]
    found: dict[dt.datetime, slots.Slot] = {}
    for host in _hosts(practice, moving):
        for slot in _free_of(host, practice, now, calls, limit):
            found.setdefault(slot.start, slot)
    out = sorted(found.values(), key=lambda s: s.start)
    return out if limit is None else out[:limit]


def may_book(submission: Submission, practice: Practice) -> bool:
    """The thank-you page offers slots: booking is on and the verdict is one the
    practice offers them to."""
    av = practice.availability
    return av.enabled and submission.verdict in av.offer_to


def _offered(
    practice: Practice, value: str, moving: Booking | None
) -> tuple[slots.Slot, int]:
    """The slot chosen and the member who takes it: the first free at that time, in
    turn when the owner chose so."""
    start = slots.parse_value(value)
    if start is None:
        raise NotOffered(value)
    now = utcnow()
    calls = [b for b in upcoming(now) if moving is None or b is not moving]
    hosts = _hosts(practice, moving)
    if moving is None and practice.new_prospects_to == members.ROUND_ROBIN:
        hosts = members.in_turn(hosts)
    for host in hosts:
        for slot in _free_of(host, practice, now, calls, None):
            if slot.start == start:
                return slot, host.id
    raise NotOffered(value)


def book(
    submission: Submission, value: str, time_zone: str, practice: Practice
) -> tuple[Booking, str]:
    """A new call at the slot `value` (a slot's form value); the booking and its
    link's token. Raises NotOffered; a slot taken meanwhile fails at the flush."""
    slot, member_id = _offered(practice, value, None)
    token, token_hash = new_private_token()
    now = utcnow()
    booking = Booking(
        submission_id=submission.id,
        member_id=member_id,
        start_at=slot.start,
        end_at=slot.end,
        status=BOOKED,
        token_hash=token_hash,
        sequence=0,
        time_zone=time_zone,
        created_at=now,
        updated_at=now,
    )
    db.session.add(booking)
    if submission.status in ("new", "reviewing"):
        pipeline.move_status(submission, "booked", author="The prospect (online)")
    db.session.flush()
    return booking, token


def move(booking: Booking, value: str, time_zone: str, practice: Practice) -> None:
    """The call at another free slot; its invitation's SEQUENCE goes up by one."""
    slot, _member = _offered(practice, value, booking)
    booking.start_at, booking.end_at = slot.start, slot.end
    booking.sequence += 1
    booking.time_zone = time_zone
    booking.updated_at = utcnow()
    drop_reminder(booking)
    db.session.flush()


def cancel(booking: Booking) -> None:
    booking.status = CANCELLED
    booking.sequence += 1
    booking.updated_at = utcnow()
    drop_reminder(booking)


def drop_reminder(booking: Booking) -> None:
    """The reminder still waiting for this call is not sent."""
    if booking.reminder_id is None:
        return
    message = db.session.get(OutboxMessage, booking.reminder_id)
    if message is not None and message.status == MAIL_QUEUED:
        message.status = MAIL_CANCELLED
    booking.reminder_id = None


INVITE_SALT = "consultation-invite"
INVITE_DAYS = 60  # an invitation to book works this long


def _invites() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITE_SALT)


def invite_token(submission: Submission) -> str:
    """A link's token that lets this prospect book (signed, not stored)."""
    return _invites().dumps(submission.id)


def invited(token: str) -> Submission | None:
    """The prospect of a working invitation link, or None."""
    if not token or len(token) > 4 * MAX_TOKEN_CHARS:
        return None
    try:
        submission_id = _invites().loads(token, max_age=INVITE_DAYS * 86400)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(submission_id, int) or not 0 < submission_id < 2**31:
        return None
    submission = db.session.get(Submission, submission_id)
    return None if submission is None or submission.is_draft else submission


def new_feed_token(practice: Practice, member_id: int) -> tuple[Practice, str]:
    """A new feed token for one member's calendar: their old link stops working once
    the practice is saved."""
    token, token_hash = new_private_token()
    feeds = {**practice.member_feeds, str(member_id): token_hash}
    return dataclasses.replace(practice, member_feeds=feeds), token


ALL_CALLS = -1  # the practice-wide feed made before per-member calendars: every call


def feed_scope(practice: Practice, token: str) -> int | None:
    """Whose calls a feed token shows: a member's id, ALL_CALLS, or None (no feed)."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    digest = hash_token(token)
    for member_id, stored in practice.member_feeds.items():
        if stored and secrets.compare_digest(stored, digest) and member_id.isdigit():
            return int(member_id)
    stored = practice.availability.feed_token_hash
    if stored and secrets.compare_digest(stored, digest):
        return ALL_CALLS
    return None
