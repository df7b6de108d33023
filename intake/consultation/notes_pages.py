"""The consultation notes on the prospect's page (a route of the workspace blueprint):
what was agreed in the call, pre-filled from the answers, saved on its own."""

from __future__ import annotations

import datetime as dt
import logging

from flask import abort, flash, g, redirect, url_for
from flask_login import current_user

from .. import submissions
from ..extensions import db
from ..models import Submission, utcnow
from ..practice import time_zone_of
from ..practice_store import current_practice
from ..workspace import audit
from ..workspace.views import bp, submission_detail
from . import agreement, notes, service, slots
from .forms import NotesForm

log = logging.getLogger(__name__)


def _call_day(submission: Submission) -> dt.date:
    """The day of the latest call (in the practice's zone), else today."""
    zone = slots.zone(time_zone_of(current_practice()))
    latest = service.latest_for(submission.id)
    today = utcnow().astimezone(zone).date()
    if latest is None or not latest.is_active:
        return today
    return min(latest.start_at.astimezone(zone).date(), today)


def _area_names(submission: Submission) -> dict[str, str]:
    practice = current_practice()
    questionnaire = submissions.questionnaire_of(submission).localised(
        practice.questionnaire_words, practice.currency
    )
    return agreement.area_names(questionnaire)


def notes_section(submission: Submission) -> dict:
    """The notes form (the posted one when it has errors) and whether notes exist."""
    record = notes.record_for(submission.id)
    form = g.pop("consultation_notes_form", None)  # once: for this page only
    if form is None:
        agreed = (
            agreement.Agreed.from_dict(record.data, record.call_date)
            if record is not None
            else agreement.prefill(
                submissions.questionnaire_of(submission),
                submission.answers or {},
                _call_day(submission),
            )
        )
        form = NotesForm.of(agreed)
    return {
        "form": form.for_questionnaire(_area_names(submission)),
        "record": record,
    }


def call_suggestion(submission: Submission) -> dict | None:
    """Before sending: a call is suggested while no consultation notes are recorded
    (None when they are, when the practice switched it off, or after acceptance)."""
    practice = current_practice()
    if not practice.availability.suggest_booking or submission.status == "won":
        return None
    if notes.record_for(submission.id) is not None:
        return None
    booked = service.active_for(submission.id)
    when = (
        slots.describe(booked.start_at, booked.end_at, time_zone_of(practice))
        if booked is not None
        else ""
    )
    return {"when": when}


@bp.post("/submissions/<id:submission_id>/consultation-notes")
def save_consultation_notes(submission_id: int):
    """Record what was agreed in the call; the proposal is rebuilt from it."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.is_draft:
        abort(404)
    form = NotesForm(prefix="cn").for_questionnaire(_area_names(submission))
    if not form.validate_on_submit():
        g.consultation_notes_form = form  # shown again with its errors, nothing lost
        flash("The consultation notes were not saved: see the notes below.", "error")
        return submission_detail(submission_id), 422
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
