"""The follow-up of a proposal (issue 24): one polite reminder to a prospect who has
not opened it after the practice's number of days (the team told at the same time),
and a welcome e-mail with the practice's first steps once it is accepted.

The reminder is queued when the proposal is sent, to go `proposal_reminder_days` later;
when its time comes the mail worker asks `decision` again (intake.mail.schedule): an
opened, accepted, declined, withdrawn, replaced or expired proposal, an unsubscribed
address, or a setting switched off cancels it. Nothing here carries a score or verdict.
"""

from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..mail.links import public_url
from ..mail.outbox import queue_mail
from ..mail.private_mail_links import unsubscribe_url
from ..mail.recipients import team_recipients
from ..models import MailSuppression, OutboxMessage, Submission, utcnow
from ..practice import Practice
from ..practice_store import current_practice
from ..text import greeting_name
from .models import SENT, Offer

REMINDER, TEAM = "proposal_reminder", "proposal_reminder_team"
KINDS = frozenset({REMINDER, TEAM})
_KEY = "proposal-reminder:"


def _key(offer_id: int, member_id: int | None = None) -> str:
    return f"{_KEY}{offer_id}" + (f":{member_id}" if member_id else "")


def _offer_id(once_key: str | None) -> int | None:
    try:
        return int((once_key or "")[len(_KEY) :].split(":")[0])
    except ValueError:
        return None


def _who(submission: Submission) -> str:
    names = [n for n in (submission.name, submission.business) if n]
    return ", ".join(names) or f"prospect #{submission.id}"


def queue_unopened_reminder(submission: Submission, offer: Offer, token: str) -> None:
    """Queue the one reminder (and the team's word) for `proposal_reminder_days`
    after sending; nothing when the setting is 0 or the prospect left no address."""
    practice = current_practice()
    days = int(practice.proposal_reminder_days or 0)
    if days <= 0 or not submission.email:
        return
    if offer.id is None:
        db.session.flush()  # the reminder names the offer by its id
    due = offer.created_at + dt.timedelta(days=days)
    unsubscribe = unsubscribe_url(submission.email)
    queue_mail(
        to=submission.email,
        template=REMINDER,
        kind=REMINDER,
        subject=f"In case it went astray: your proposal from {practice.name}",
        context={
            "name": greeting_name(submission.name),
            "link": public_url("offer.page", token=token),
            "valid_until": offer.content.get("valid_until", ""),
            "unsubscribe": unsubscribe,
        },
        submission_id=submission.id,
        reply_to=practice.email or "",
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        send_after=due,
        once_key=_key(offer.id),
        private=True,
    )
    link = public_url("workspace.submission_detail", submission_id=submission.id)
    for member in team_recipients():
        queue_mail(
            to=member.email,
            template=TEAM,
            kind=TEAM,
            subject=f"Proposal not opened after {days} days: {_who(submission)}",
            context={"s": submission, "days": days, "link": link},
            submission_id=submission.id,
            reply_to=submission.email,
            send_after=due,
            once_key=_key(offer.id, member.id),
        )


def decision(row: OutboxMessage, practice: Practice, now: dt.datetime | None = None):
    """Why the reminder (or the team's word) should not go now: (reason, later) with
    `later` None to cancel it; None to send it."""
    now = now or utcnow()
    offer_id = _offer_id(row.once_key)
    offer = db.session.get(Offer, offer_id) if offer_id else None
    if offer is None or offer.state != SENT:
        return "the proposal was answered, withdrawn or replaced", None
    if offer.first_opened_at is not None:
        return "the prospect opened the proposal", None
    if offer.expires_at <= now:
        return "the proposal's link has expired", None
    days = int(practice.proposal_reminder_days or 0)
    if days <= 0:
        return "the practice switched the reminder off", None
    submission = db.session.get(Submission, offer.submission_id)
    if submission is None or not submission.email:
        return "the prospect has no address", None
    if db.session.get(MailSuppression, submission.email.lower()) is not None:
        return "the prospect unsubscribed", None
    due = offer.created_at + dt.timedelta(days=days)
    if due > now:
        return "the practice allows more days", due
    return None


def queue_welcome(submission: Submission, offer: Offer) -> None:
    """After acceptance: a welcome, the start date, the practice's first steps."""
    if not submission.email:
        return
    practice = current_practice()
    queue_mail(
        to=submission.email,
        template="welcome",
        subject=f"Welcome to {practice.name}: what happens next",
        context={
            "name": greeting_name(submission.name),
            "offer": offer,
            "steps": [s for s in practice.first_steps if s.strip()],
        },
        submission_id=submission.id,
        reply_to=practice.email or "",
    )
