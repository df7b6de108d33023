"""Outcomes in the workspace: the form on a client's page, and the report of which
answers and scores went with good and poor outcomes (any member: the report shows
counts, never a client's name; the suggested point changes are for the questionnaire's
editor, an owner's page)."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from .. import registry
from ..editor import store as drafts
from ..extensions import db
from ..forms import ActionForm
from ..models import utcnow
from ..outcomes import store
from ..outcomes.panel import OutcomeForm
from ..outcomes.report import MAX_WIDTH, MIN_CHOSEN, RATINGS, build_report
from ..outcomes.suggest import suggest_point_changes
from ..questionnaire import editing
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


# under /workspace/questionnaire: the owners' (guard.OWNER_ONLY), like the editor
@bp.post("/questionnaire/from-outcomes")
def take_suggestions():
    """The suggested point changes, worked out again from the outcomes as they stand
    now (nothing posted is trusted), written into the draft of the next questionnaire
    version (started from the active one when there is none); then the editor's check
    page, where the sample prospects are scored before anything is published."""
    if not ActionForm().validate_on_submit():
        flash("The page had expired: nothing was changed. Please try again.", "error")
        return redirect(url_for(".outcome_report"))
    questionnaire = registry.active()
    report = build_report(questionnaire, store.clients_for_report())
    changes = suggest_point_changes(questionnaire, report)
    if not changes:
        flash("No change to points is suggested now: the draft is as it was.", "error")
        return redirect(url_for(".outcome_report"))
    if drafts.current_draft() is None:
        drafts.start_draft(current_user, utcnow().date())
    taken, text = _taken(drafts.draft_text_or_active(), changes)
    if not taken:
        flash(
            "The draft no longer has the answers these suggestions are about: "
            "nothing was changed.",
            "error",
        )
        return redirect(url_for(".editor_home"))
    drafts.save_draft_text(text, current_user)
    audit.record("questionnaire_draft", detail=f"{len(taken)} suggested point changes")
    db.session.commit()
    flash(
        f"{len(taken)} suggested point change{'s' if len(taken) != 1 else ''} taken "
        "into the draft. The sample prospects are scored below under the current "
        "version and the draft: nothing is published until you publish.",
        "success",
    )
    return redirect(url_for(".editor_check"))


def _taken(text: str, changes) -> tuple[list, str]:
    """The changes the draft can take (a question or answer the draft no longer has
    is left out), and the draft's text with them."""
    taken = []
    for c in changes:
        change = (c.question_id, c.choice_value, c.dimension, c.suggested_points)
        try:
            text = editing.apply_point_changes(text, [change])
        except editing.EditError:
            continue
        taken.append(c)
    return taken, text
