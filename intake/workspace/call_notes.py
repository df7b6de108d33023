"""The consultation notes on the prospect's page (a route of the workspace blueprint):
what was agreed in the call, pre-filled from the answers, saved on its own."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from ..consultation import notes
from ..consultation.forms import NotesForm
from ..extensions import db
from ..models import Submission
from . import audit, call_sections
from .views import bp, submission_page

log = logging.getLogger(__name__)


@bp.post("/submissions/<id:submission_id>/consultation-notes")
def save_consultation_notes(submission_id: int):
    """Record what was agreed in the call; the proposal is rebuilt from it."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.is_draft:
        abort(404)
    form = NotesForm(prefix="cn").for_questionnaire(
        call_sections.area_names(submission)
    )
    if not form.validate_on_submit():
        flash("The consultation notes were not saved: see the notes below.", "error")
        # shown again with its errors, nothing lost
        return submission_page(submission, notes_form=form), 422
    notes.save(submission, form.agreed(), current_user.display_name)
    audit.record("consultation_notes", submission_id=submission.id)
    db.session.commit()
    log.info(
        "action=consultation_notes consultant=%s submission=%s",
        current_user.id,
        submission.id,
    )
    flash("Consultation notes saved: the proposal now follows them.", "success")
    return redirect(
        url_for(".submission_detail", submission_id=submission.id) + "#agreed"
    )
