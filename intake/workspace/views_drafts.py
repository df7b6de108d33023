"""Unfinished questionnaires to act on: who, how far, their answers so far, a reminder
(where the prospect asked for one), and where drafts stop."""

from __future__ import annotations

import logging
from collections import Counter
from itertools import groupby

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import registry, submissions
from ..extensions import db, rows_changed
from ..forms import ActionForm
from ..mail.messages import reminder_key
from ..models import DRAFT, MAIL_QUEUED, OutboxMessage, Submission, utcnow
from ..security import is_safe_next
from . import audit, queries
from .forms import ListFilterForm
from .today import REVIEW_IDLE  # the same "stopped" as Today's
from .views import bp

log = logging.getLogger(__name__)


def reminders_of(ids: list[int]) -> dict[int, OutboxMessage]:
    """The queued-or-done reminder of each draft that asked for one, in one query."""
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.once_key.in_([reminder_key(i) for i in ids])
        )
    ).all()
    return {row.submission_id: row for row in rows if row.submission_id is not None}


def funnel() -> list[dict]:
    """How many drafts stopped at each step (steps done so far), across all drafts."""
    counts = dict(
        db.session.execute(
            sa.select(Submission.steps_done, sa.func.count())
            .where(Submission.status == DRAFT)
            .group_by(Submission.steps_done)
        ).all()
    )
    total = len(registry.active().steps)
    peak = max([1, *counts.values()])
    return [
        {
            "done": n,
            "count": counts.get(n, 0),
            "percent": round(100 * counts.get(n, 0) / peak),
        }
        for n in range(0, total + 1)
    ]


REVIEW_STOPPED_SHOWN = 20


def stopped_at_review(now=None) -> list[dict]:
    """Who reached the review page and stopped (every step done, not sent, idle a day
    or more), the latest first: the funnel's last row, by name."""

    now = now or utcnow()
    steps = len(registry.active().steps)
    rows = db.session.scalars(
        sa.select(Submission)
        .where(
            Submission.status == DRAFT,
            Submission.steps_done >= steps,
            Submission.updated_at < now - REVIEW_IDLE,
        )
        .order_by(Submission.updated_at.desc(), Submission.id.desc())
        .limit(REVIEW_STOPPED_SHOWN)
    ).all()
    return [
        {
            "id": s.id,
            "name": s.display_name if (s.name or s.business) else "Name not given",
            "email": s.email,
            "updated": s.updated_at,
        }
        for s in rows
    ]


def _reminder_state(row: OutboxMessage | None) -> str:
    if row is None:
        return "none"  # the prospect did not ask for reminders
    if row.status == MAIL_QUEUED and row.nudged_at is None:
        return "can_send"
    return {"sent": "sent", "cancelled": "cancelled"}.get(row.status, "asked")


def _draft_view(s: Submission, reminder: OutboxMessage | None) -> dict:
    questionnaire = submissions.questionnaire_of(s)
    total = len(questionnaire.steps)
    reached = (
        questionnaire.steps[min(s.steps_done, total) - 1] if s.steps_done else None
    )
    return {
        "id": s.id,
        "name": s.display_name if (s.name or s.business) else "Name not given yet",
        "business": s.business if s.name else "",
        "email": s.email,
        "steps_done": s.steps_done,
        "total": total,
        "reached": reached.title if reached else "",
        "percent": round(100 * s.steps_done / total) if total else 0,
        "started": s.created_at,
        "updated": s.updated_at,
        "reminder": _reminder_state(reminder),
    }


def _groups(rows: list[Submission], reminders: dict) -> list[dict]:
    """The page's drafts by person: the same e-mail in any capitals is one person."""
    views = [_draft_view(s, reminders.get(s.id)) for s in rows]
    keyed = sorted(
        zip([s.email_key or f"#{s.id}" for s in rows], views, strict=True),
        key=lambda kv: kv[0],
    )
    groups = [
        {"key": key, "drafts": [v for _, v in items]}
        for key, items in groupby(keyed, key=lambda kv: kv[0])
    ]
    for group in groups:
        group["drafts"].sort(key=lambda v: v["updated"], reverse=True)
    groups.sort(key=lambda g: g["drafts"][0]["updated"], reverse=True)
    return groups


@bp.get("/drafts")
def drafts():
    """Unfinished questionnaires by person, the latest activity first, and the funnel."""
    form = ListFilterForm(formdata=request.args)
    number = form.page.data if form.validate() and form.page.data else 1
    page = queries.drafts_for_dashboard(page=number)
    reminders = reminders_of([s.id for s in page.rows])
    return render_template(
        "workspace/drafts.html",
        page=page,
        groups=_groups(page.rows, reminders),
        people=Counter(s.email_key for s in page.rows if s.email_key),
        funnel=funnel(),
        stopped=stopped_at_review(),
        action_form=ActionForm(),
    )


def _draft_or_404(draft_id: int) -> Submission:
    draft = db.session.get(Submission, draft_id)
    if draft is None or not draft.is_draft:
        abort(404)
    return draft


@bp.get("/drafts/<id:draft_id>")
def draft_detail(draft_id: int):
    """A draft's answers so far, read-only."""
    draft = _draft_or_404(draft_id)
    questionnaire = submissions.questionnaire_of(draft)
    return render_template(
        "workspace/draft.html",
        draft=_draft_view(draft, reminders_of([draft.id]).get(draft.id)),
        steps=[
            (section.step, section.rows)
            for section in submissions.answers_by_step(
                questionnaire, draft.answers or {}
            )
        ],
        action_form=ActionForm(),
    )


@bp.post("/drafts/<id:draft_id>/remind")
def send_reminder(draft_id: int):
    """Send now the one reminder the prospect asked for (never a second one)."""
    draft = _draft_or_404(draft_id)
    back = request.form.get("next", "")  # Today's "Send reminder" returns there
    back = back if is_safe_next(back) else url_for(".drafts")
    if not ActionForm().validate_on_submit():
        return redirect(back)
    now = utcnow()
    sent = rows_changed(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.once_key == reminder_key(draft.id),
            OutboxMessage.status == MAIL_QUEUED,
            OutboxMessage.nudged_at.is_(None),
        )
        .values(send_after=now, nudged_at=now)
        .execution_options(synchronize_session=False)
    )
    if sent != 1:
        db.session.rollback()
        flash("There is no reminder to send for this questionnaire.", "error")
        return redirect(back)
    audit.record("reminder", submission_id=draft.id)
    db.session.commit()
    log.info("action=send_reminder consultant=%s draft=%s", current_user.id, draft.id)
    flash(f"The reminder to {draft.email} is on its way.", "success")
    return redirect(back)
