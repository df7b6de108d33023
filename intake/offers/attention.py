"""What needs the consultant's attention: a prospect not answered within the reply
promise, a proposal unopened after a few days, a proposal past its validity."""

from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa

from ..extensions import db
from ..models import LISTED_SQL, Submission, utcnow
from ..practice import Practice
from .models import SENT, Offer

UNOPENED_DAYS = 3  # a proposal nobody opened for this many days is worth a nudge
HOURS_PER_DAY = 8  # the reply promise is in working hours (8 = one business day)


def business_days_before(now: dt.datetime, days: int) -> dt.datetime:
    """`now` moved back by `days` working days (Saturdays and Sundays skipped)."""
    when = now
    while days > 0:
        when -= dt.timedelta(days=1)
        if when.weekday() < 5:
            days -= 1
    return when


def business_days_after(when: dt.datetime, days: int) -> dt.datetime:
    """`when` moved on by `days` working days (Saturdays and Sundays skipped)."""
    while days > 0:
        when += dt.timedelta(days=1)
        if when.weekday() < 5:
            days -= 1
    return when


def reply_days(practice: Practice) -> int:
    """The reply promise in whole working days (at least one)."""
    return max(1, math.ceil(practice.standards.reply_hours / HOURS_PER_DAY))


def _unanswered(practice: Practice, now: dt.datetime) -> sa.ColumnElement[bool]:
    """A prospect not answered within the reply promise (a condition on Submission)."""
    return (Submission.status == "new") & (
        Submission.submitted_at < business_days_before(now, reply_days(practice))
    )


def _offer_needs_attention(now: dt.datetime) -> sa.ColumnElement[bool]:
    """A sent proposal unopened after a few days, or past its validity (on Offer)."""
    unopened = (
        (Offer.open_count == 0)
        & (Offer.created_at < now - dt.timedelta(days=UNOPENED_DAYS))
        & (Offer.expires_at > now)
    )
    return (Offer.state == SENT) & (unopened | (Offer.expires_at <= now))


def needs_attention(practice: Practice, now: dt.datetime) -> sa.ColumnElement[bool]:
    """The condition on Submission (a WHERE clause) for the three cases."""
    offer = (
        sa.select(Offer.id)
        .where(Offer.submission_id == Submission.id, _offer_needs_attention(now))
        .exists()
    )
    return sa.or_(_unanswered(practice, now), offer)


# the list's summary strip counts no further than this and shows "99+" beyond it: a
# count of every row needing attention read them all (0.5-1.9 s at 1,000,000 rows,
# bench/README.md), a capped one reads at most this many index entries per branch
ATTENTION_CAP = 99


def attention_count(
    practice: Practice, now: dt.datetime | None = None, cap: int | None = None
) -> int:
    """How many listed prospects need attention; with `cap`, counted no further than
    `cap + 1` (a result above `cap` means "more than `cap`", see `capped_label`).

    Two statements, each stopping at its limit: the unanswered prospects (a range of
    ix_submission_status_submitted), then the ones with a proposal needing attention
    that the first did not count (driven by the sent offers, ix_offer_sent). One
    statement with OR, or a UNION of the two, reads every listed row before a limit.
    """
    now = now or utcnow()
    limit = None if cap is None else cap + 1
    unanswered = _count(
        sa.select(sa.literal(1))
        .select_from(Submission)
        .where(_unanswered(practice, now)),
        limit,
    )
    if limit is not None and unanswered >= limit:
        return unanswered
    answered = sa.or_(
        Submission.status != "new",
        Submission.submitted_at.is_(None),
        Submission.submitted_at >= business_days_before(now, reply_days(practice)),
    )
    offered = _count(
        sa.select(sa.literal(1))
        .select_from(Submission)
        .where(
            Submission.id.in_(
                sa.select(Offer.submission_id).where(_offer_needs_attention(now))
            ),
            sa.text(LISTED_SQL),
            answered,
        ),
        None if limit is None else limit - unanswered,
    )
    return unanswered + offered


def _count(rows: sa.Select, limit: int | None) -> int:
    if limit is not None:
        rows = rows.limit(limit)
    return db.session.execute(
        sa.select(sa.func.count()).select_from(rows.subquery())
    ).scalar_one()


def capped_label(count: int, cap: int) -> str:
    """The count as shown: exact up to `cap`, "99+" (for a cap of 99) beyond it."""
    return f"{cap}+" if count > cap else str(count)
