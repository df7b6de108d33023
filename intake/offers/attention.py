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


def needs_attention(practice: Practice, now: dt.datetime) -> sa.ColumnElement[bool]:
    """The condition on Submission (a WHERE clause) for the three cases."""
    unanswered = (Submission.status == "new") & (
        Submission.submitted_at < business_days_before(now, reply_days(practice))
    )
    open_offer = sa.select(Offer.id).where(
        Offer.submission_id == Submission.id, Offer.state == SENT
    )
    unopened = open_offer.where(
        Offer.open_count == 0,
        Offer.created_at < now - dt.timedelta(days=UNOPENED_DAYS),
        Offer.expires_at > now,
    ).exists()
    expired = open_offer.where(Offer.expires_at <= now).exists()
    return sa.or_(unanswered, unopened, expired)


def attention_count(practice: Practice, now: dt.datetime | None = None) -> int:
    return db.session.execute(
        sa.select(sa.func.count(Submission.id))
        .where(sa.text(LISTED_SQL))
        .where(needs_attention(practice, now or utcnow()))
    ).scalar_one()
