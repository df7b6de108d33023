"""The pipeline: the one way a prospect moves from one status to another.

The workspace's status form and board, sending a proposal, and the prospect's answer
to it (accepted, declined) all call `move_status`, so that every move is kept in the
history and a move to "Declined by us" or "Lost" withdraws the open proposal.
No commit: the caller's request commits.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .extensions import db, rows_changed
from .models import (
    MAIL_CANCELLED,
    MAIL_QUEUED,
    OutboxMessage,
    StatusChange,
    Submission,
    utcnow,
)
from .offers.models import SENT, WITHDRAWN, Offer

# moving a prospect to these statuses withdraws the proposal they have not answered
WITHDRAWING_STATUSES = frozenset({"lost", "not_a_fit"})


def move_status(
    submission: Submission, to: str, *, author: str, now: dt.datetime | None = None
) -> int:
    """The one way a prospect moves through the pipeline (the workspace's status form,
    sending, the prospect's answer): the move is kept in the history, and a move to
    "Declined by us" or "Lost" withdraws the open proposal. Returns how many offers
    were withdrawn (0 or 1). No commit."""
    now = now or utcnow()
    if submission.status == to:
        return 0
    db.session.add(
        StatusChange(
            submission_id=submission.id,
            from_status=submission.status,
            to_status=to,
            author_name=author,
            created_at=now,
        )
    )
    submission.status = to
    submission.updated_at = now
    if to == "won":
        cancel_reminders_of_a_client(submission)
    if to in WITHDRAWING_STATUSES:
        return withdraw(submission)
    return 0


def cancel_reminders_of_a_client(submission: Submission) -> None:
    """A client gets no "finish your questionnaire" reminder for a draft they left
    under the same address: cancelled now, so the Outbox shows it as not needed (the
    worker checks again when it comes to send one)."""
    if not submission.email:
        return
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.kind == "reminder",
            sa.func.lower(OutboxMessage.to_addr) == submission.email.lower(),
            OutboxMessage.status == MAIL_QUEUED,
        )
        .values(status=MAIL_CANCELLED, last_error="The prospect is a client now.")
        .execution_options(synchronize_session=False)
    )


def withdraw(submission: Submission) -> int:
    """Close the prospect's open proposal: its link then shows that it is no longer
    open and accepts nothing; the proposal e-mail (or any reminder of it) still
    queued for the prospect is cancelled. Returns how many offers were withdrawn."""
    withdrawn = rows_changed(
        sa.update(Offer)
        .where(Offer.submission_id == submission.id, Offer.state == SENT)
        .values(state=WITHDRAWN)
        .execution_options(synchronize_session="fetch")
    )
    if withdrawn and submission.email:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.submission_id == submission.id,
                OutboxMessage.kind.startswith("proposal"),
                sa.func.lower(OutboxMessage.to_addr) == submission.email.lower(),
                OutboxMessage.status == MAIL_QUEUED,
            )
            .values(status=MAIL_CANCELLED, last_error="The proposal was withdrawn.")
            .execution_options(synchronize_session=False)
        )
    return withdrawn
