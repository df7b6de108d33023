"""Outcomes in the workspace: the form on a client's page, and the report of which
answers and scores went with good and poor outcomes (any member: the report shows
counts, never a client's name; the suggested point changes are for the questionnaire's
editor, an owner's page)."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from .. import registry
from ..extensions import db
from ..outcomes import store
from ..outcomes.panel import OutcomeForm
from ..outcomes.report import MAX_WIDTH, MIN_CHOSEN, RATINGS, build_report
from ..outcomes.suggest import suggest_point_changes
from . import audit
from .views import _submission_or_404, bp

log = logging.getLogger(__name__)


@bp.post("/submissions/<id:submission_id>/outcomes")
def record_outcome(submission_id: int):
    """Record (or correct) how a client's relationship went at a check-in."""
    submission = _submission_or_404(submission_id)
    back = url_for(".submission_detail", submission_id=submission.id) + "#outcomes"
    if store.won_at_of(submission) is None:
        flash(
            "Outcomes are recorded for clients: set the status to Won first.", "error"
        )
        return redirect(back)
    form = OutcomeForm()
    if not form.validate_on_submit():
        problems = [e for errors in form.errors.values() for e in errors]
        flash(problems[0] if problems else "The outcome was not saved.", "error")
        return redirect(back)
    store.record_outcome(
        submission,
        checkpoint=form.checkpoint.data,
        rating=form.rating.data,
        note=form.note.data or "",
        author_id=current_user.id,
        author_name=current_user.display_name,
    )
    audit.record(
        "outcome", submission_id=submission.id, detail=f"{form.checkpoint.data} months"
    )
    db.session.commit()
    log.info(
        "action=record_outcome consultant=%s submission=%s checkpoint=%s",
        current_user.id,
        submission.id,
        form.checkpoint.data,
    )
    flash(
        f"{form.checkpoint.data}-month outcome saved: {RATINGS[form.rating.data]}.",
        "success",
    )
    return redirect(back)


@bp.get("/outcomes")
def outcome_report():
    """Which answers and scores went with good and poor outcomes, once there are enough."""
    questionnaire = registry.active()
    report = build_report(questionnaire, store.clients_for_report())
    return render_template(
        "workspace/outcomes.html",
        report=report,
        changes=suggest_point_changes(questionnaire, report),
        questionnaire=questionnaire,
        min_chosen=MIN_CHOSEN,
        max_width=round(MAX_WIDTH * 100),
    )
