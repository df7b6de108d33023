"""The consultant's workspace: lists, one submission, settings, export (the blueprint;
its one guard: guard.py; sign-in: auth.py)."""

from __future__ import annotations

import csv
import io
import logging

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from .. import pipeline, submissions
from ..documents import render as proposal_render
from ..documents import service as proposal_service
from ..documents.render import ProposalTooLarge
from ..extensions import db
from ..forms import ActionForm
from ..models import (
    PIPELINE,
    Consultant,
    Note,
    Submission,
    utcnow,
)
from ..offers import views as offer_views
from ..practice_store import current_practice, save_practice
from ..proposal.content import Edits
from . import (
    audit,
    call_sections,
    detail,
    export,
    kept,
    list_filters,
    listing,
    queries,
    settings_form,
    triage,
)
from .forms import (
    DeleteForm,
    NoteForm,
    OverrideForm,
    ProposalEditsForm,
    StatusForm,
)

bp = Blueprint("workspace", __name__, url_prefix="/workspace")
log = logging.getLogger(__name__)
LISTED = "intake.listed"  # the list's page read with the consultant, in request.environ


@bp.get("/")
def dashboard():
    """The submitted prospects: summary strip, filters, sortable table, pages."""
    # read with the consultant (list_with_consultant), when the session was checked
    listed = request.environ.pop(LISTED, None)
    if listed is None:
        filters, errors = list_filters.parse(request.args)
        page = queries.submissions_for_dashboard(filters)
    else:
        filters, errors, page = listed
    return render_template(
        "workspace/dashboard.html",
        filters=filters,
        errors=listing.filter_errors(errors, request.args),
        verdict_choices=list_filters.VERDICT_CHOICES,
        status_choices=list_filters.STATUS_CHOICES,
        page=page,
        rows_html=listing.list_rows_html(
            page.rows, queries.knockouts_of(page.rows), back=listing.list_url()
        ),
        summary=listing.summary_view(queries.summary_for_dashboard()),
        links=listing.ListLinks(filters),
        attention_count=offer_views.attention_count(),
    )


def list_with_consultant(me: sa.Select, values: dict[str, int]) -> Consultant | None:
    """The signed-in consultant read with the list's page, in one statement (for a
    GET of the list, auth.FOLDED; guard.py registers it): the page is kept with this
    request (not on `g`, which a test's app context keeps between requests) for the
    view when the session is current."""
    filters, errors = list_filters.parse(request.args)
    page, consultant = queries.dashboard_for(me, values, filters)
    if consultant is not None:
        request.environ[LISTED] = (filters, errors, page)
    return consultant


@bp.get("/export.csv")
def export_csv():
    """The current filtered list as CSV, streamed; formula-like cells neutralised."""
    filters = listing.filters_from(request.args)
    audit.record("export")
    db.session.commit()
    log.info("action=export_csv consultant=%s", current_user.id)

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(export.CSV_HEADER)
        for submission in queries.submissions_for_export(filters):
            writer.writerow(export.csv_cells(submission))
            if buffer.tell() > 16_384:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    name = f"prospects-{utcnow():%Y-%m-%d}.csv"
    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _submission_or_404(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.is_draft:
        abort(404)
    return submission


@bp.get("/submissions/<id:submission_id>")
def submission_detail(submission_id: int):
    """One prospect: answers, scores with reasons, flags, gaps, notes, status, proposal."""
    return submission_page(_submission_or_404(submission_id))


def submission_page(submission: Submission, notes_form=None) -> str:
    """The prospect's page; `notes_form`: the posted consultation notes with their
    errors (call_notes.py), else the stored or pre-filled ones."""
    # the recommendation and its gaps, computed once and passed to every panel
    shown = detail.detail_view(submission, current_practice())
    offer_panel = offer_views.panel(submission, shown["recommendation"])
    # what was being written when the session ended, back in its form (kept.py)
    text = kept.take(request.path)
    if text:
        flash("What you were writing is back in its form; it is not saved yet.", "info")
    edits_form = detail.edits_form(submission)
    if "cover_note" in text:
        edits_form.cover_note.data = text["cover_note"]
    if "message" in text:
        offer_panel["form"].message.data = text["message"]
    return render_template(
        "workspace/submission.html",
        **shown,
        offer_panel=offer_panel,
        # the consultation call's sections (call_sections.py): data, fetched here
        call_panel=call_sections.call_panel(submission),
        call_suggestion=call_sections.call_suggestion(submission),
        consultation_notes=call_sections.notes_section(submission, notes_form),
        next_action=detail.next_action(
            submission, shown["recommendation"], offer_panel
        ),
        kept_note=text.get("body", ""),
        triage=triage.triage_links(submission),
        override_form=detail.override_form(submission, current_practice()),
        edits_form=edits_form,
        note_form=NoteForm(),
        status_form=StatusForm(status=submission.status),
        delete_form=DeleteForm(),
        action_form=ActionForm(),
    )


@bp.post("/submissions/<id:submission_id>/notes")
def add_note(submission_id: int):
    """Add a timestamped note signed with the consultant's name."""
    submission = _submission_or_404(submission_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(
            form.body.errors[0] if form.body.errors else "The note was not saved.",
            "error",
        )
        return redirect(
            url_for(".submission_detail", submission_id=submission.id) + "#notes"
        )
    db.session.add(
        Note(
            submission_id=submission.id,
            author_id=current_user.id,
            author_name=current_user.display_name,
            body=form.body.data,
        )
    )
    audit.record("note", submission_id=submission.id)
    db.session.commit()
    log.info(
        "action=add_note consultant=%s submission=%s", current_user.id, submission.id
    )
    flash("Note added.", "success")
    return redirect(
        url_for(".submission_detail", submission_id=submission.id) + "#notes"
    )


@bp.post("/submissions/<id:submission_id>/status")
def change_status(submission_id: int):
    """Move the prospect through the pipeline, keeping the history."""
    submission = _submission_or_404(submission_id)
    form = StatusForm()
    if form.validate_on_submit() and form.status.data != submission.status:
        audit.record(
            "status",
            submission_id=submission.id,
            detail=f"{submission.status_label} → {PIPELINE[form.status.data]}",
        )
        withdrawn = pipeline.move_status(
            submission, form.status.data, author=current_user.display_name
        )
        if withdrawn:
            audit.record("withdraw_proposal", submission_id=submission.id)
        db.session.commit()
        log.info(
            "action=change_status consultant=%s submission=%s status=%s",
            current_user.id,
            submission.id,
            submission.status,
        )
        flash(
            f"Status changed to {submission.status_label}."
            + (" The proposal sent was withdrawn." if withdrawn else ""),
            "success",
        )
    elif form.errors:
        flash("Please choose one of the statuses listed.", "error")
    return redirect(url_for(".submission_detail", submission_id=submission.id))


@bp.post("/submissions/<id:submission_id>/delete")
def delete_submission(submission_id: int):
    """Delete everything about the prospect; keep only that a deletion happened."""
    submission = _submission_or_404(submission_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        flash(
            form.confirm.errors[0] if form.confirm.errors else "Nothing was deleted.",
            "error",
        )
        return redirect(
            url_for(".submission_detail", submission_id=submission.id) + "#delete"
        )
    audit.record("delete", submission_id=submission.id)
    submissions.delete(submission, deleted_by=current_user.email)
    db.session.commit()
    log.info(
        "action=delete consultant=%s submission=%s", current_user.id, submission_id
    )
    flash(
        f"Submission #{submission_id} and everything about it were deleted.", "success"
    )
    return redirect(url_for(".dashboard"))


# ---- proposals ---------------------------------------------------------------

PREVIEW_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def _to_the_letter(submission, exc: Exception):
    """Refuse a proposal to a not-a-fit prospect: back to the panel with the letter."""
    flash(f"{exc}.", "error")
    return redirect(
        url_for(".submission_detail", submission_id=submission.id) + "#proposal"
    )


@bp.get("/submissions/<id:submission_id>/<any(proposal, letter):kind>.pdf")
def proposal_pdf(submission_id: int, kind: str):
    """Download the proposal (or the referral letter) as a tagged PDF; cached per version."""
    submission = _submission_or_404(submission_id)
    letter = kind == "letter"
    try:
        pdf, cached = proposal_service.pdf_for(
            submission, current_practice(), letter=letter, base_url=request.url_root
        )
    except ProposalTooLarge as exc:
        abort(422, str(exc))
    except proposal_service.NotAFit as exc:
        return _to_the_letter(submission, exc)
    audit.record("download", submission_id=submission.id, detail=kind)
    db.session.commit()
    log.info(
        "action=download consultant=%s kind=%s submission=%s cache=%s",
        current_user.id,
        kind,
        submission.id,
        "hit" if cached else "miss",
    )
    return send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=proposal_service.download_name(submission, letter=letter),
        max_age=0,
    )


@bp.get("/submissions/<id:submission_id>/<any(proposal, letter):kind>")
def proposal_preview(submission_id: int, kind: str):
    """The same document as HTML, to read in the browser before downloading."""
    submission = _submission_or_404(submission_id)
    try:
        html = proposal_service.html_for(
            submission,
            current_practice(),
            letter=kind == "letter",
            css_url=url_for(".proposal_css"),
        )
    except ProposalTooLarge as exc:
        abort(422, str(exc))
    except proposal_service.NotAFit as exc:
        return _to_the_letter(submission, exc)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


@bp.get("/proposal.css")
def proposal_css():
    """The proposal's print stylesheet, for the HTML preview."""
    css = proposal_render.STYLESHEET.read_text(encoding="utf-8")
    response = Response(css, mimetype="text/css")
    response.cache_control.max_age = 300
    return response


@bp.post("/submissions/<id:submission_id>/package")
def choose_package(submission_id: int):
    """Override the recommended package (or go back to the recommendation)."""
    submission = _submission_or_404(submission_id)
    form = OverrideForm()
    form.package.choices = detail.package_choices(current_practice())
    if form.validate_on_submit():
        submission.package_override = form.package.data or None
        audit.record(
            "package",
            submission_id=submission.id,
            detail=form.package.data or "back to the recommendation",
        )
        db.session.commit()
        log.info(
            "action=set_package consultant=%s submission=%s",
            current_user.id,
            submission.id,
        )
        flash(
            f"The proposal will offer {form.package.data}."
            if form.package.data
            else "The proposal follows the recommendation again.",
            "success",
        )
    else:
        flash("Please choose one of your packages.", "error")
    return redirect(
        url_for(".submission_detail", submission_id=submission.id) + "#proposal"
    )


@bp.post("/submissions/<id:submission_id>/proposal-edits")
def edit_proposal(submission_id: int):
    """Save the consultant's cover note, sections left out and options offered."""
    submission = _submission_or_404(submission_id)
    form = ProposalEditsForm()
    if form.validate_on_submit():
        edits = Edits(
            cover_note=form.cover_note.data or "",
            leave_out=frozenset(form.leave_out.data or ()),
            offer=form.offer.data,
        )
        submission.proposal_edits = edits.to_dict()
        db.session.commit()
        log.info(
            "action=edit_proposal consultant=%s submission=%s",
            current_user.id,
            submission.id,
        )
        flash("The proposal follows your changes.", "success")
    else:
        errors = [e for f in form for e in f.errors]
        flash(errors[0] if errors else "The changes were not saved.", "error")
    return redirect(
        url_for(".submission_detail", submission_id=submission.id) + "#proposal"
    )


@bp.get("/settings")
def settings():
    """The practice's settings, in sections, each with its own Save."""
    saved = request.args.get("saved", "")
    return _settings_page(saved=saved if saved in settings_form.SECTIONS else "")


def _settings_page(posted=None, saved: str = ""):
    return render_template(
        "workspace/settings.html",
        sections=settings_form.SECTIONS,
        forms=settings_form.section_forms(current_practice(), posted),
        posted=posted[0] if posted else "",
        error_links=settings_form.error_links(posted[1]) if posted else [],
        has_errors=settings_form.has_errors,
        saved=saved,
        availability_section=call_sections.availability_section(),
        followup_section=call_sections.followup_section(),
    )


@bp.post("/settings/<section>")
def save_settings(section: str):
    """Save one section of the settings; the others stay as stored."""
    part = settings_form.SECTIONS.get(section)
    form_class = part.form if part is not None else None
    save = part.save if part is not None else None
    if form_class is None or save is None:
        abort(404)
    practice = current_practice()
    form = form_class()
    if form.validate_on_submit() and (updated := save(form, practice)) is not None:
        save_practice(updated)
        audit.record("settings", detail=section)
        db.session.commit()
        log.info(
            "action=change_settings consultant=%s section=%s", current_user.id, section
        )
        return redirect(url_for(".settings", saved=section, _anchor=section))
    return _settings_page(posted=(section, form)), 422
