"""Messages whose time comes later: reminders to idle drafts and unopened proposals,
the daily digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import DRAFT, MailSuppression, OutboxMessage, Submission, utcnow
from ..practice_store import current_practice
from .messages import queue_digest

WON = "won"  # the status of a client (intake.models.STATUSES)


@dataclass(frozen=True)
class Decision:
    """Not now: `cancel` it, or try again at `later`; `reason` goes into the record."""

    reason: str
    cancel: bool = True
    later: dt.datetime | None = None


# (why not now, or try again later) | None, for a kind queued by a package above this
# one: each registers its own at start-up (intake.offers.views.init_app registers the
# unopened proposal's), so the mail package imports none of them
Check = Callable[[OutboxMessage, object], tuple[str, dt.datetime | None] | None]
CHECKS: dict[str, Check] = {}


def register_check(kinds: tuple[str, ...], check: Check) -> None:
    for kind in kinds:
        CHECKS[kind] = check


def recheck(row: OutboxMessage) -> Decision | None:
    """Whether a claimed message should still go; None means send it now."""
    if row.kind == "reminder":
        return _reminder_decision(row)
    check = CHECKS.get(row.kind)
    return _registered_decision(check, row) if check else None


def _registered_decision(check: Check, row: OutboxMessage) -> Decision | None:
    why = check(row, current_practice())
    if why is None:
        return None
    reason, later = why
    return Decision(reason, cancel=later is None, later=later)


def _reminder_decision(row: OutboxMessage) -> Decision | None:
    draft = db.session.get(Submission, row.submission_id) if row.submission_id else None
    if draft is None or draft.status != DRAFT:
        return Decision("the questionnaire was sent or deleted")
    if draft.token_expires_at <= utcnow():
        return Decision("the link has expired")
    if draft.email_key != row.to_addr.lower():
        return Decision("the prospect changed their e-mail address")
    if db.session.get(MailSuppression, draft.email_key) is not None:
        return Decision("the prospect unsubscribed")
    if is_a_client(draft.email_key):
        return Decision("the prospect is a client now")
    due = draft.updated_at + dt.timedelta(days=current_app.config["REMINDER_DAYS"])
    # a consultant asked for it now: it goes, unless the prospect came back since
    asked_now = row.nudged_at is not None and draft.updated_at <= row.nudged_at
    if due > utcnow() and not asked_now:
        return Decision(
            "the prospect came back; waiting again", cancel=False, later=due
        )
    return None


def is_a_client(email_key: str) -> bool:
    """Whether someone writing from this address has become a client (won)."""
    if not email_key:
        return False
    count = db.session.scalar(
        sa.select(sa.func.count(Submission.id)).where(
            Submission.email_key == email_key, Submission.status == WON
        )
    )
    return bool(count)


def queue_digest_if_due(now: dt.datetime | None = None) -> int:
    """Queue today's digest once its hour (UTC) has come, when the practice chose it;
    returns the number of submissions it lists. Safe with many workers: the digest's
    once_key makes a second copy fail, and that worker simply moves on."""
    now = now or utcnow()
    if current_practice().new_submission_mail != "daily":
        return 0
    if now.hour < current_app.config["DIGEST_HOUR"]:
        return 0
    today = f"digest:{now.date().isoformat()}:"
    if db.session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.once_key.startswith(today))
    ):
        db.session.rollback()
        return 0
    count = queue_digest(now)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another worker queued it first
        db.session.rollback()
        return 0
    return count
