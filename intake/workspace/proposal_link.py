"""The workspace's side of a proposal sent by private link: send it, withdraw it,
countersign the accepted one, download the signed copy. The link's pages are the
prospect's (intake/offers/views.py)."""

from __future__ import annotations

import io
import logging

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user

from .. import pipeline
from ..dates import local_time
from ..documents.render import ProposalTooLarge
from ..extensions import db
from ..forms import ActionForm
from ..models import Submission, utcnow
from ..offers import mails, service, signed
from ..offers.forms import CountersignForm, SendForm
from ..offers.views import MAX_USER_AGENT
from ..practice import time_zone_of
from ..practice_store import current_practice
from . import audit, kept
from .views import _submission_or_404, bp

log = logging.getLogger(__name__)


def _panel_of(submission: Submission) -> str:
    """Where each action here returns: the prospect's proposal panel."""
    return url_for(".submission_detail", submission_id=submission.id) + "#send"


@bp.post("/submissions/<id:submission_id>/send-proposal")
def send_proposal(submission_id: int):
    """Send the proposal by private link; the status moves to "proposal sent"."""
    submission = _submission_or_404(submission_id)
    back = _panel_of(submission)
    form = SendForm()
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back)
    refused = _not_replacing(submission, form)
    if refused:  # the message stays in its form (kept.py), not sent
        flash(refused, "error")
        kept.keep_posted(url_for(".submission_detail", submission_id=submission.id))
        return redirect(back)
    try:
        offer, token = service.send(
            submission,
            current_practice(),
            message=form.message.data.strip(),
            sent_by=current_user.display_name,
            base_url=request.url_root,
        )
    except (service.CannotSend, ProposalTooLarge) as exc:
        flash(str(exc), "error")
        return redirect(back)
    mails.queue_sent(submission, offer, token)
    audit.record("send_proposal", submission_id=submission.id)
    db.session.commit()
    log.info(
        "action=send_proposal consultant=%s submission=%s",
        current_user.id,
        submission.id,
    )
    flash(f"Proposal sent to {submission.email}.", "success")
    return redirect(back)


def _not_replacing(submission: Submission, form: SendForm) -> str:
    """Why this send is refused: a proposal is open and the box to replace it was
    not ticked (a second tab, a double click, a send the consultant did not mean);
    "" when it may go."""
    previous = service.latest_for(submission.id)
    if previous is None or not service.is_open(previous) or form.replace.data:
        return ""
    when = local_time(previous.created_at, time_zone_of(current_practice()), "long")
    return (
        f"Nothing was sent: a proposal went to {submission.email} on {when} and its "
        "link still works. To send this one instead, tick “Replace the proposal "
        "sent” and send again; your message is still here."
    )


@bp.post("/submissions/<id:submission_id>/withdraw-proposal")
def withdraw_proposal(submission_id: int):
    """Withdraw the proposal sent: the prospect's link shows it is no longer open."""
    submission = _submission_or_404(submission_id)
    back = _panel_of(submission)
    if not ActionForm().validate_on_submit():
        flash("The proposal was not withdrawn: please try again.", "error")
        return redirect(back)
    if pipeline.withdraw(submission):
        audit.record("withdraw_proposal", submission_id=submission.id)
        db.session.commit()
        log.info(
            "action=withdraw_proposal consultant=%s submission=%s",
            current_user.id,
            submission.id,
        )
        flash("Proposal withdrawn: its link no longer accepts anything.", "success")
    else:
        flash("There is no open proposal to withdraw.", "error")
    return redirect(back)


@bp.post("/submissions/<id:submission_id>/countersign")
def countersign(submission_id: int):
    """Countersign the proposal the prospect accepted: the final copy (both
    signatures) is stored once and e-mailed to the prospect and the team."""
    submission = _submission_or_404(submission_id)
    back = _panel_of(submission)
    form = CountersignForm()
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back)
    offer = service.latest_for(submission.id)
    try:
        service.check_can_countersign(offer)
    except service.CannotCountersign as exc:
        flash(str(exc), "error")
        return redirect(back)
    if not _countersign(offer, submission, form.full_name.data):
        flash("This proposal was countersigned meanwhile: nothing changed.", "error")
        return redirect(back)
    flash(
        f"Countersigned: the final copy is on its way to {submission.email}.", "success"
    )
    return redirect(back)


def _countersign(offer, submission: Submission, name: str) -> bool:
    """Lay out the final copy, record the countersignature, queue the mails, commit."""
    practice = current_practice()
    counter = signed.Countersignature(
        name=name,
        at=utcnow(),
        ip=request.remote_addr or "",
        user_agent=(request.user_agent.string or "")[:MAX_USER_AGENT],
        practice=practice.name,
    )
    final = signed.final_copy(
        offer, submission, practice, counter, base_url=request.url_root
    )
    done = service.countersign(
        offer,
        name=counter.name,
        by=current_user.display_name,
        ip=counter.ip,
        user_agent=counter.user_agent,
        final_pdf=final,
        now=counter.at,
    )
    if not done:
        db.session.rollback()
        return False
    mails.queue_countersigned(submission, offer)
    audit.record("countersign_proposal", submission_id=submission.id)
    db.session.commit()
    log.info(
        "action=countersign_proposal consultant=%s submission=%s",
        current_user.id,
        submission.id,
    )
    return True


@bp.get("/submissions/<id:submission_id>/signed.pdf")
def signed_pdf(submission_id: int):
    """The stored final copy of the accepted proposal (both signatures) once it is
    countersigned, before that the copy the prospect signed."""
    offer = service.latest_for(submission_id)
    data = offer and (offer.final_pdf or offer.signed_pdf)
    if not data or offer is None:
        abort(404)
    name = "Signed agreement" if offer.final_pdf else "Signed proposal"
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{name} {submission_id}.pdf",
        max_age=0,
    )
