"""The pipeline as a board: a column per status, a card per prospect, and one form
that moves the ticked cards to a status (by keyboard, mouse or finger: no dragging).

A move goes through intake.pipeline.move_status, the one way a prospect moves
through the pipeline (the history row and whatever else a move does), and is audited
as the prospect page's status form is."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import pipeline
from ..dates import age
from ..extensions import db
from ..forms import ActionForm
from ..models import LISTED_SQL, PIPELINE, Submission, utcnow
from . import audit
from .views import bp

log = logging.getLogger(__name__)

PER_COLUMN = 50  # cards shown per column; the rest are one link away (the list)
MAX_MOVE = 500  # prospects moved by one form at most
CLOSED = ("won", "lost", "not_a_fit")  # the latest first; the open stages oldest first


def columns(now=None) -> list[dict]:
    """Each status with its count and first cards: two queries in all."""
    now = now or utcnow()
    counts = dict(
        db.session.execute(
            sa.select(Submission.status, sa.func.count())
            .where(sa.text(LISTED_SQL))
            .group_by(Submission.status)
        ).all()
    )
    closed = Submission.status.in_(CLOSED)
    rank = (
        sa.func.row_number()
        .over(
            partition_by=Submission.status,
            order_by=(
                sa.case((closed, Submission.submitted_at)).desc(),
                Submission.submitted_at,
                Submission.id,
            ),
        )
        .label("rank")
    )
    ranked = (
        sa.select(
            Submission.id,
            Submission.name,
            Submission.business,
            Submission.submitted_at,
            Submission.status,
            rank,
        )
        .where(sa.text(LISTED_SQL))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ranked)
        .where(ranked.c.rank <= PER_COLUMN)
        .order_by(ranked.c.status, ranked.c.rank)
    ).all()
    cards: dict[str, list[dict]] = {status: [] for status in PIPELINE}
    for r in rows:
        cards.setdefault(r.status, []).append(
            {
                "id": r.id,
                "name": Submission.name_to_show(r.name, r.business, r.id),
                "business": r.business if r.name else "",
                "age": age(r.submitted_at, now),
            }
        )
    return [
        {
            "status": status,
            "label": label,
            "count": counts.get(status, 0),
            "cards": cards[status],
        }
        for status, label in PIPELINE.items()
    ]


@bp.get("/board")
def board():
    """The pipeline by status, with the bulk move form."""
    return render_template(
        "workspace/board.html",
        columns=columns(),
        statuses=list(PIPELINE.items()),
        per_column=PER_COLUMN,
        action_form=ActionForm(),
    )


def _ids(values: list[str]) -> list[int]:
    """The ticked ids, as numbers (anything else is ignored), each once."""
    ids = []
    for value in values[:MAX_MOVE]:
        if value.isdigit() and len(value) < 10 and int(value) not in ids:
            ids.append(int(value))
    return ids


def move(ids: list[int], to: str, *, author: str) -> list[Submission]:
    """Move the listed prospects among `ids` to `to`, as the prospect page does (the
    history, the audit trail); drafts and unknown ids are left alone. No commit.
    Returns the prospects moved."""
    now = utcnow()
    found = db.session.scalars(
        sa.select(Submission)
        .where(sa.text(LISTED_SQL), Submission.id.in_(ids))
        .order_by(Submission.id)
    ).all()
    moved = []
    for submission in found:
        if submission.status == to:
            continue
        audit.record(
            "status",
            submission_id=submission.id,
            detail=f"{submission.status_label} → {PIPELINE[to]}",
        )
        withdrawn = pipeline.move_status(submission, to, author=author, now=now)
        if withdrawn:  # a move that also withdrew an open proposal (where it does)
            audit.record("withdraw_proposal", submission_id=submission.id)
        moved.append(submission)
    return moved


@bp.post("/board/move")
def board_move():
    """Move every ticked card to the chosen status."""
    back = url_for(".board")
    to = request.form.get("status", "")
    ids = _ids(request.form.getlist("ids"))
    if not ActionForm().validate_on_submit():
        flash("The form had expired: nothing was moved. Please try again.", "error")
        return redirect(back)
    if to not in PIPELINE:
        flash("Please choose one of the statuses listed.", "error")
        return redirect(back)
    if not ids:
        flash("Please tick at least one prospect to move.", "error")
        return redirect(back)
    moved = move(ids, to, author=current_user.display_name)
    db.session.commit()
    log.info(
        "action=bulk_status consultant=%s moved=%s status=%s",
        current_user.id,
        len(moved),
        to,
    )
    n = len(moved)
    flash(
        f"Moved {n} prospect{'' if n == 1 else 's'} to {PIPELINE[to]}."
        if n
        else f"Nothing to move: the prospects ticked are already {PIPELINE[to]}.",
        "success" if n else "info",
    )
    return redirect(back)
