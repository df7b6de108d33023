"""Outcomes in the database: recording one, a client's check-ins, what is due, and the
clients the report reads (their answers, scores and latest outcome). No commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import StatusChange, Submission, utcnow
from .due import due_check_in
from .models import ClientOutcome
from .report import ENDED, ClientRecord, OutcomeRow, latest_per_client

WON = "won"  # intake.models.PIPELINE: the status of a client
# clients won longer ago than this are no longer prompted for (a 12-month check-in
# stays due for a year); the query stays bounded however long the practice runs
PROMPT_FOR = dt.timedelta(days=730)
LIMIT = 1000  # won clients read for Today


def won_at_sql():
    """When each client became one: their last move to "won" (a correlated subquery)."""
    return (
        sa.select(sa.func.max(StatusChange.created_at))
        .where(
            StatusChange.submission_id == Submission.id,
            StatusChange.to_status == WON,
        )
        .scalar_subquery()
    )


def won_at_of(submission: Submission) -> dt.datetime | None:
    """When the client became one (their last move to "won"); None if not a client."""
    if submission.status != WON:
        return None
    at = db.session.scalar(
        sa.select(sa.func.max(StatusChange.created_at)).where(
            StatusChange.submission_id == submission.id,
            StatusChange.to_status == WON,
        )
    )
    return _aware(at) if at else submission.updated_at


def _aware(at: dt.datetime) -> dt.datetime:
    """An aggregate skips the column's type: SQLite gives the stored naive UTC back."""
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def outcomes_for_client(submission_id: int) -> list[ClientOutcome]:
    return list(
        db.session.scalars(
            sa.select(ClientOutcome)
            .where(ClientOutcome.submission_id == submission_id)
            .order_by(ClientOutcome.checkpoint)
        )
    )


def record_outcome(
    submission: Submission,
    *,
    checkpoint: int,
    rating: str,
    note: str,
    author_id: int | None,
    author_name: str,
    demo: bool = False,
    now: dt.datetime | None = None,
) -> ClientOutcome:
    """The client's outcome at this check-in, new or corrected. No commit."""
    outcome = db.session.scalar(
        sa.select(ClientOutcome).where(
            ClientOutcome.submission_id == submission.id,
            ClientOutcome.checkpoint == checkpoint,
        )
    )
    if outcome is None:
        outcome = ClientOutcome(submission_id=submission.id, checkpoint=checkpoint)
        db.session.add(outcome)
    outcome.rating = rating
    outcome.note = note
    outcome.author_id = author_id
    outcome.author_name = author_name
    outcome.demo = demo
    outcome.recorded_at = now or utcnow()
    return outcome


@dataclass(frozen=True)
class DueCheckIn:
    """A client whose check-in is due: who, which one, since when."""

    id: int
    name: str | None
    business: str | None
    email: str | None
    months: int
    due_at: dt.datetime


def check_ins_due(now: dt.datetime | None = None) -> list[DueCheckIn]:
    """Won clients whose 3-, 6- or 12-month check-in is due and not recorded (two
    queries: the clients won in the last PROMPT_FOR, then their outcomes)."""
    now = now or utcnow()
    won_at = won_at_sql().label("won_at")
    clients = db.session.execute(
        sa.select(
            Submission.id,
            Submission.name,
            Submission.business,
            Submission.email,
            won_at,
        )
        .where(Submission.status == WON)
        .where(sa.func.coalesce(won_at_sql(), Submission.updated_at) > now - PROMPT_FOR)
        .order_by(Submission.id)
        .limit(LIMIT)
    ).all()
    if not clients:
        return []
    recorded: dict[int, list[tuple[int, str]]] = {}
    for sid, months, rating in db.session.execute(
        sa.select(
            ClientOutcome.submission_id, ClientOutcome.checkpoint, ClientOutcome.rating
        ).where(ClientOutcome.submission_id.in_([c.id for c in clients]))
    ):
        recorded.setdefault(sid, []).append((months, rating))
    due = []
    for c in clients:
        done = recorded.get(c.id, [])
        ended = any(rating == ENDED for _m, rating in done)
        start = _aware(c.won_at) if c.won_at else None
        found = start and due_check_in(start, [m for m, _r in done], now, ended=ended)
        if found:
            due.append(DueCheckIn(c.id, c.name, c.business, c.email, *found))
    return due


def clients_for_report() -> list[ClientRecord]:
    """Every client with an outcome: answers, scores and their latest outcome."""
    rows = db.session.execute(
        sa.select(
            ClientOutcome.submission_id,
            ClientOutcome.checkpoint,
            ClientOutcome.rating,
            ClientOutcome.recorded_at,
            ClientOutcome.demo,
        )
    ).all()
    demo = {r.submission_id for r in rows if r.demo}
    latest = latest_per_client(OutcomeRow(*r[:4]) for r in rows)
    if not latest:
        return []
    subs = db.session.execute(
        sa.select(
            Submission.id,
            Submission.answers,
            Submission.fit,
            Submission.chemistry,
            Submission.boundaries,
            Submission.overall,
        ).where(Submission.id.in_(list(latest)))
    ).all()
    return [
        ClientRecord(
            s.answers or {},
            {
                "fit": s.fit,
                "chemistry": s.chemistry,
                "boundaries": s.boundaries,
                "overall": s.overall,
            },
            latest[s.id].rating,
            s.id in demo,
        )
        for s in subs
    ]
