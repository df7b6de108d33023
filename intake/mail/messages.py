"""The e-mails the service writes, each queued in the caller's transaction.

Prospects' messages never carry a score, verdict or flag; the consultant's do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import InstrumentedAttribute

from ..dates import long_date
from ..extensions import db
from ..models import (
    DRAFT,
    MAIL_CANCELLED,
    MAIL_QUEUED,
    Consultant,
    MailUnsubscribe,
    OutboxMessage,
    Submission,
    utcnow,
)
from ..practice_store import current_practice
from ..security import hash_token
from ..text import greeting_name
from .links import public_url
from .outbox import queue_mail
from .private_mail_links import unsubscribe_url
from .recipients import team_recipients

# (submission, practice, now) -> the call offered in the e-mail, or None
CallFor = Callable[[Submission, Any, dt.datetime], dict | None]

UNSUBSCRIBE_SALT = "intake-mail-unsubscribe"  # the links sent before revision 0011


def _first_name(submission: Submission) -> str:
    # what a prospect typed as their name greets them only when it looks like one: a
    # stranger's "https://phish.example" must not greet a victim under our name
    return greeting_name(submission.name)


def _reply_to() -> str:
    return current_practice().email or ""


def queue_resume_link(submission: Submission, token: str) -> OutboxMessage:
    """'Your link to continue', to the address the prospect gave."""
    return queue_mail(
        to=submission.email,
        template="resume_link",
        subject=f"Your link to continue the questionnaire for {current_practice().name}",
        context={
            "name": _first_name(submission),
            "link": public_url("prospect.resume", token=token),
            "expires": long_date(submission.token_expires_at),
            "ttl_days": current_app.config["DRAFT_TTL_DAYS"],
            "reminder": has_reminder(submission),
            "reminder_days": current_app.config["REMINDER_DAYS"],
        },
        submission_id=submission.id,
        reply_to=_reply_to(),
        private=True,
    )


REMINDER_KEY_PREFIX = "reminder:"


def reminder_key(submission_id: int) -> str:
    """The once_key of a draft's reminder: one reminder per draft, ever."""
    return f"{REMINDER_KEY_PREFIX}{submission_id}"


def reminder_key_sql(
    submission_id: sa.ColumnElement[int] | InstrumentedAttribute[int],
) -> sa.ColumnElement[str]:
    """`reminder_key` in SQL, to join a draft to its reminder in one query."""
    return sa.literal(REMINDER_KEY_PREFIX) + sa.cast(submission_id, sa.String)


def has_reminder(submission: Submission) -> bool:
    """Whether a reminder was ever queued for this draft (one at most)."""
    return (
        db.session.scalar(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.once_key == reminder_key(submission.id)
            )
        )
        is not None
    )


def queue_reminder(submission: Submission, token: str) -> OutboxMessage | None:
    """One reminder, due when the draft has been left REMINDER_DAYS; None if queued before.

    The worker checks again when it is due: a draft sent, deleted, expired, with another
    address, unsubscribed, or touched since (then it waits again) gets none.
    """
    if has_reminder(submission):
        return None
    days = current_app.config["REMINDER_DAYS"]
    unsubscribe = unsubscribe_url(submission.email)
    return queue_mail(
        to=submission.email,
        template="reminder",
        subject=f"Your questionnaire for {current_practice().name} is waiting for you",
        context={
            "name": _first_name(submission),
            "link": public_url("prospect.resume", token=token),
            "expires": long_date(submission.token_expires_at),
            "unsubscribe": unsubscribe,
            "days": days,
        },
        kind="reminder",
        submission_id=submission.id,
        reply_to=_reply_to(),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        send_after=submission.updated_at + dt.timedelta(days=days),
        once_key=reminder_key(submission.id),
        private=True,
    )


def address_of_unsubscribe(token: str) -> str | None:
    """The address an unsubscribe token was made for; None when it was not ours.

    Links sent before revision 0011 (the address, signed) keep working."""
    if not token or len(token) > 1000:
        return None
    row = db.session.get(MailUnsubscribe, hash_token(token))
    if row is not None:
        return row.email_key
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def queue_submitted(submission: Submission, call_for: CallFor | None = None) -> None:
    """On a submission: 'we received your answers' to the prospect, and the consultant
    told at once (unless the practice chose the daily digest or no e-mail). `call`: the
    `call_for` gives the consultation call the e-mail offers
    (intake.consultation.mails.offer_for_mail, passed in by the caller: the consultation
    package sits above the mail package), asked once the submission is read again."""
    db.session.refresh(submission)  # the submit was an UPDATE statement
    cancel_reminders(submission)
    practice = current_practice()
    if submission.email:
        call = call_for(submission, practice, utcnow()) if call_for else None
        queue_mail(
            to=submission.email,
            template="received",
            subject=f"We have your answers: {practice.name}",
            context={"name": _first_name(submission), "call": call},
            submission_id=submission.id,
            reply_to=_reply_to(),
            # the links to book a time act for the prospect: not kept once sent
            private=bool(call and call.get("slots")),
        )
    if practice.new_submission_mail == "each":
        for consultant in team_recipients():
            queue_mail(
                to=consultant.email,
                template="new_submission",
                subject=f"New questionnaire: {_who(submission)}",
                context={
                    "s": submission,
                    "link": _detail_link(submission),
                    "write_link": _write_link(submission),
                },
                submission_id=submission.id,
                # no verdict, score or flag in it, and replies go to the practice (a
                # quoted reply never reaches the prospect); writing to them is a link
                reply_to=_reply_to(),
            )


def cancel_reminders(submission: Submission) -> None:
    """A reminder still waiting for this questionnaire no longer applies (it was sent):
    cancelled now, in the caller's transaction, so the Outbox shows it as not needed."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.kind == "reminder",
            OutboxMessage.submission_id == submission.id,
            OutboxMessage.status == MAIL_QUEUED,
        )
        .values(status=MAIL_CANCELLED)
        .execution_options(synchronize_session=False)
    )


def _write_link(submission: Submission) -> str:
    """A mailto: link that starts a fresh message to the prospect (nothing quoted)."""
    if not submission.email:
        return ""
    subject = quote(f"Your questionnaire for {current_practice().name}")
    return f"mailto:{quote(submission.email, safe='@')}?subject={subject}"


def _who(submission: Submission) -> str:
    names = [n for n in (submission.name, submission.business) if n]
    return ", ".join(names) or f"prospect #{submission.id}"


def _detail_link(submission: Submission) -> str:
    return public_url("workspace.submission_detail", submission_id=submission.id)


def queue_digest(now: dt.datetime | None = None) -> int:
    """Today's digest to every consultant, once, if anything came in since the last one
    (or in the last day); returns how many messages were queued. The caller commits."""
    now = now or utcnow()
    last = db.session.scalar(
        # a digest's send_after is the end of the time it covers
        sa.select(sa.func.max(OutboxMessage.send_after)).where(
            OutboxMessage.kind == "digest"
        )
    )
    since = last or now - dt.timedelta(days=1)
    rows = db.session.scalars(
        sa.select(Submission)
        .where(
            Submission.status != DRAFT,
            Submission.submitted_at > since,
            Submission.submitted_at <= now,
        )
        .order_by(Submission.submitted_at)
    ).all()
    if not rows:
        return 0
    items = [{"s": s, "link": _detail_link(s)} for s in rows]
    count = len(rows)
    for consultant in team_recipients():
        queue_mail(
            to=consultant.email,
            template="digest",
            kind="digest",
            subject=f"{count} new questionnaire{'s' if count != 1 else ''} since "
            f"{long_date(since)}",
            context={"items": items, "since": since, "list_link": _list_link()},
            send_after=now,
            once_key=f"digest:{now.date().isoformat()}:{consultant.id}",
        )
    return count


def _list_link() -> str:
    return public_url("workspace.dashboard")


def queue_password_reset(consultant: Consultant, token: str, minutes: int) -> None:
    """The link to choose a new password, to the account's own address."""
    queue_mail(
        to=consultant.email,
        template="password_reset",
        subject=f"Choose a new password for {current_practice().name}",
        context={
            "name": consultant.name,
            "link": public_url("workspace.reset_password", token=token),
            "minutes": minutes,
        },
        kind="password_reset",
        private=True,
    )
