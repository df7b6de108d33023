"""Today: who needs the consultant now and why, the longest waiting first, each with
its one next action (the workspace's home).

The reasons are the ones of intake.offers.attention (a reply overdue, a proposal
unopened or past its validity), plus new prospects, proposals about to expire and
unfinished questionnaires that reached the review page and stopped, consultation
calls today or tomorrow, calls held without notes, and notes of a call with no proposal
sent since. Six queries, each bounded, whatever the size of the pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa
from flask import render_template, request, url_for

from .. import registry
from ..consultation.models import BOOKED, Booking, ConsultationNotes
from ..consultation.slots import zone
from ..dates import long_date, weekday_date
from ..extensions import db
from ..forms import ActionForm
from ..mail.messages import reminder_key_sql
from ..models import DRAFT, LISTED_SQL, MAIL_QUEUED, OutboxMessage, Submission, utcnow
from ..offers.attention import (
    UNOPENED_DAYS,
    business_days_after,
    business_days_before,
    reply_days,
)
from ..offers.models import SENT, Offer
from ..outcomes.store import check_ins_due
from ..practice import Practice, time_zone_of
from ..practice_store import current_practice
from .views import bp

EXPIRING_DAYS = 3  # a proposal this close to its end is worth a word
REVIEW_IDLE = dt.timedelta(days=1)  # a draft at the review page this long has stopped
DRAFTS_SINCE = dt.timedelta(days=30)  # older unfinished questionnaires are let go
LIMIT = 200  # rows read for each kind of reason: the page stays quick at any size

# the chips: what each shows (kinds of reason)
CHIPS = {
    "all": ("All", None),
    "new": ("New", {"new"}),
    "overdue": ("Replies overdue", {"overdue"}),
    "proposals": ("Proposals", {"unopened", "expiring", "expired"}),
    "unfinished": ("Unfinished", {"unfinished"}),
    "calls": ("Calls", {"call", "held", "agreed"}),
    "check_ins": ("Check-ins", {"check_in"}),
}
# one row per prospect: the most pressing reason wins
PRIORITY = (
    "call",
    "held",
    "overdue",
    "expired",
    "expiring",
    "unopened",
    "agreed",
    "new",
    "unfinished",
    "check_in",
)
OPEN_STATUSES = ("new", "reviewing", "booked", "proposal_sent")
HELD_SINCE = dt.timedelta(days=30)  # older calls without notes are let go
NEW_WORDS = {
    "strong fit": "New strong fit",
    "possible fit": "New possible fit",
    "not a fit": "New, not a fit",
}


@dataclass(frozen=True)
class Item:
    """One prospect who needs the consultant, why, and the one thing to do."""

    id: int
    kind: str  # one of PRIORITY
    name: str
    business: str
    email: str
    since: dt.datetime  # when the wait began: the order of the list
    reason: str
    action: str  # reply, send, remind, notes, open or record (a client's outcome)
    draft: bool = False


def span(delta: dt.timedelta) -> str:
    """'3 days', '1 day', '5 hours', 'less than an hour'."""
    seconds = max(0, int(delta.total_seconds()))
    days, hours = seconds // 86400, seconds // 3600
    if days:
        return f"{days} day{'' if days == 1 else 's'}"
    if hours:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    return "less than an hour"


def span_days(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"


def _ago(delta: dt.timedelta) -> str:
    words = span(delta)
    return "less than an hour ago" if words.startswith("less") else f"{words} ago"


# ---- the queries -----------------------------------------------------------------

_PERSON = (
    Submission.id,
    Submission.name,
    Submission.business,
    Submission.email,
)


def _new_items(practice: Practice, now: dt.datetime) -> list[Item]:
    """New prospects: waiting, or past the reply promise (attention.py's rule)."""
    days = reply_days(practice)
    cutoff = business_days_before(now, days)
    rows = db.session.execute(
        sa.select(*_PERSON, Submission.submitted_at, Submission.verdict)
        .where(sa.text(LISTED_SQL), Submission.status == "new")
        .order_by(Submission.submitted_at, Submission.id)
        .limit(LIMIT)
    ).all()
    items = []
    for r in rows:
        if r.submitted_at < cutoff:
            late = now - business_days_after(r.submitted_at, days)
            reason = (
                f"Reply promised within {days} business day{'' if days == 1 else 's'}: "
                f"overdue by {span(late)}"
            )
            items.append(_item(r, "overdue", r.submitted_at, reason, "reply"))
            continue
        words = NEW_WORDS.get(r.verdict or "", "New")
        reason = f"{words}, waiting {span(now - r.submitted_at)}"
        action = {"strong fit": "send", "not a fit": "open"}.get(r.verdict, "reply")
        items.append(_item(r, "new", r.submitted_at, reason, action))
    return items


def _offer_items(now: dt.datetime) -> list[Item]:
    """Open proposals unopened for days, about to expire, or expired unanswered."""
    soon = now + dt.timedelta(days=EXPIRING_DAYS)
    unopened = (
        (Offer.open_count == 0)
        & (Offer.created_at < now - dt.timedelta(days=UNOPENED_DAYS))
        & (Offer.expires_at > now)
    )
    rows = db.session.execute(
        sa.select(*_PERSON, Offer.created_at, Offer.expires_at, Offer.open_count)
        .join(Offer, Offer.submission_id == Submission.id)
        .where(sa.text("submission." + LISTED_SQL), Offer.state == SENT)
        .where(unopened | (Offer.expires_at <= soon))
        .order_by(Offer.created_at, Offer.id)
        .limit(LIMIT)
    ).all()
    return [_offer_item(r, now) for r in rows]


def _offer_item(r, now: dt.datetime) -> Item:
    sent = f"Proposal sent {_ago(now - r.created_at)}"
    if r.expires_at <= now:
        reason = f"Proposal expired {_ago(now - r.expires_at)} without an answer"
        return _item(r, "expired", r.created_at, reason, "send")
    not_opened = ", not opened" if not r.open_count else ""
    if r.expires_at <= now + dt.timedelta(days=EXPIRING_DAYS):
        days = (r.expires_at.date() - now.date()).days  # calendar days
        when = {0: "today", 1: "tomorrow"}.get(days, f"in {span_days(days)}")
        reason = f"Proposal expires {when}{not_opened}"
        return _item(r, "expiring", r.created_at, reason, "reply")
    return _item(r, "unopened", r.created_at, sent + not_opened, "reply")


def _draft_items(now: dt.datetime) -> list[Item]:
    """Questionnaires that reached the review page and stopped, with their reminder
    (the one the prospect asked for) in the same query."""
    steps = len(registry.active().steps)
    reminder = sa.orm.aliased(OutboxMessage)
    rows = db.session.execute(
        sa.select(
            *_PERSON,
            Submission.updated_at,
            reminder.status.label("reminder_status"),
            reminder.nudged_at.label("reminder_nudged"),
        )
        .outerjoin(
            reminder,
            reminder.once_key == reminder_key_sql(Submission.id),
        )
        .where(
            Submission.status == DRAFT,
            Submission.steps_done >= steps,
            Submission.updated_at < now - REVIEW_IDLE,
            Submission.updated_at > now - DRAFTS_SINCE,
        )
        .order_by(Submission.updated_at, Submission.id)
        .limit(LIMIT)
    ).all()
    items = []
    for r in rows:
        can_remind = r.reminder_status == MAIL_QUEUED and r.reminder_nudged is None
        action = "remind" if can_remind else ("reply" if r.email else "open")
        reason = f"Reached the review page {_ago(now - r.updated_at)} and stopped"
        items.append(_item(r, "unfinished", r.updated_at, reason, action, draft=True))
    return items


def _call_items(practice: Practice, now: dt.datetime) -> list[Item]:
    """Consultation calls still to come today or tomorrow (the practice's days)."""
    tz = zone(time_zone_of(practice))
    today = now.astimezone(tz).date()
    end = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(), tzinfo=tz)
    rows = db.session.execute(
        sa.select(*_PERSON, Booking.start_at, Booking.created_at)
        .join(Booking, Booking.submission_id == Submission.id)
        .where(Booking.status == BOOKED, Booking.start_at > now)
        .where(Booking.start_at < end.astimezone(dt.UTC))
        .order_by(Booking.start_at)
        .limit(LIMIT)
    ).all()
    items = []
    for r in rows:
        local = r.start_at.astimezone(tz)
        day = "today" if local.date() == today else "tomorrow"
        reason = f"Call {day} at {local:%H:%M}"
        items.append(_item(r, "call", r.created_at, reason, "open"))
    return items


def _held_items(practice: Practice, now: dt.datetime) -> list[Item]:
    """Calls held (in the last 30 days) with no consultation notes recorded."""
    tz = zone(time_zone_of(practice))
    rows = db.session.execute(
        sa.select(*_PERSON, Booking.start_at, Booking.end_at)
        .join(Booking, Booking.submission_id == Submission.id)
        .outerjoin(ConsultationNotes, ConsultationNotes.submission_id == Submission.id)
        .where(Booking.status == BOOKED, ConsultationNotes.id.is_(None))
        .where(Booking.end_at <= now, Booking.end_at > now - HELD_SINCE)
        .where(Submission.status.in_(OPEN_STATUSES))
        .order_by(Booking.end_at)
        .limit(LIMIT)
    ).all()
    return [
        _item(
            r,
            "held",
            r.end_at,
            f"Call held {weekday_date(r.start_at.astimezone(tz).date())}: "
            "no notes of what was agreed",
            "notes",
        )
        for r in rows
    ]


def _agreed_items(now: dt.datetime) -> list[Item]:
    """Consultation notes recorded with no proposal sent since."""
    later = sa.exists().where(
        Offer.submission_id == Submission.id,
        Offer.created_at >= ConsultationNotes.updated_at,
    )
    rows = db.session.execute(
        sa.select(*_PERSON, ConsultationNotes.updated_at, ConsultationNotes.call_date)
        .join(ConsultationNotes, ConsultationNotes.submission_id == Submission.id)
        .where(Submission.status.in_(OPEN_STATUSES), ~later)
        .order_by(ConsultationNotes.updated_at)
        .limit(LIMIT)
    ).all()
    return [
        _item(
            r,
            "agreed",
            r.updated_at,
            f"Notes of the call on {long_date(r.call_date)} recorded "
            f"{_ago(now - r.updated_at)}: no proposal sent since",
            "send",
        )
        for r in rows
    ]


# ---- clients' check-ins (issue 26: intake/outcomes) -------------------------------


def _check_in_items(now: dt.datetime) -> list[Item]:
    """Won clients whose 3-, 6- or 12-month check-in is due: record how it is going."""
    items = []
    for due in check_ins_due(now):
        name = Submission.name_to_show(due.name, due.business, due.id)
        reason = (
            f"{due.months}-month check-in with {name} due "
            f"(since {long_date(due.due_at)})"
        )
        items.append(_item(due, "check_in", due.due_at, reason, "record"))
    return items


def _item(r, kind: str, since, reason: str, action: str, draft: bool = False) -> Item:
    if r.name or r.business:
        name = Submission.name_to_show(r.name, r.business, r.id)
    else:
        name = "Name not given yet" if draft else f"Prospect #{r.id}"
    return Item(
        id=r.id,
        kind=kind,
        name=name,
        business=r.business if r.name else "",
        email=r.email or "",
        since=since,
        reason=reason,
        action=action,
        draft=draft,
    )


def needs_attention_for_today(
    practice: Practice, now: dt.datetime | None = None
) -> list[Item]:
    """Everyone who needs the consultant now, one row each (the most pressing
    reason), the longest waiting first. Six queries (check-ins: two more)."""
    now = now or utcnow()
    found = [
        *_call_items(practice, now),
        *_held_items(practice, now),
        *_agreed_items(now),
        *_new_items(practice, now),
        *_offer_items(now),
        *_draft_items(now),
        *_check_in_items(now),
    ]
    rank = {kind: n for n, kind in enumerate(PRIORITY)}
    best: dict[int, Item] = {}
    for item in found:
        kept = best.get(item.id)
        if kept is None or rank[item.kind] < rank[kept.kind]:
            best[item.id] = item
    return sorted(best.values(), key=lambda i: (i.since, i.id))


def chip_counts(items: list[Item]) -> dict[str, int]:
    return {
        key: sum(1 for i in items if kinds is None or i.kind in kinds)
        for key, (_label, kinds) in CHIPS.items()
    }


def shown(items: list[Item], chip: str) -> list[Item]:
    kinds = CHIPS[chip][1]
    return [i for i in items if kinds is None or i.kind in kinds]


def mailto(email: str) -> str:
    return "mailto:" + quote(email, safe="@+.-_")


# ---- the page --------------------------------------------------------------------


@bp.get("/today")
def today():
    """Who needs the consultant now and why, oldest first, with chips to narrow it."""
    chip = request.args.get("show", "all")
    if chip not in CHIPS:
        chip = "all"
    items = needs_attention_for_today(current_practice())
    return render_template(
        "workspace/today.html",
        chip=chip,
        chips=[(key, label) for key, (label, _kinds) in CHIPS.items()],
        counts=chip_counts(items),
        items=shown(items, chip),
        back=url_for(".today", show=chip) if chip != "all" else url_for(".today"),
        mailto=mailto,
        action_form=ActionForm(),
    )
