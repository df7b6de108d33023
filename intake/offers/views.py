"""The prospect's proposal page behind a private link, and the workspace panel's data
(the workspace's "Send" and signed copy: intake/workspace/proposal_link.py)."""

from __future__ import annotations

import io
import logging

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from .. import throttle
from ..cache import Cache
from ..extensions import db
from ..mail import schedule
from ..mail.links import public_host
from ..models import Note, Submission, utcnow
from ..practice_store import current_practice
from ..proposal.recommendation import Recommendation
from . import attention, calendar, followup, mails, openings, service, signed
from .forms import AcceptForm, CountersignForm, DeclineForm, QuestionForm, SendForm
from .models import ACCEPTED, SUPERSEDED, WITHDRAWN, Offer

bp = Blueprint("offer", __name__, url_prefix="/proposal")
log = logging.getLogger(__name__)
NOINDEX = "noindex, nofollow"
# the browser's own name on the signed record: enough to tell browsers apart, and
# bounded (a 3,000-character one held a worker for 28 s in the PDF's layout)
MAX_USER_AGENT = 300
# each question e-mails every consultant: a link's holder may ask this many (25 posts
# made 50 e-mails); what they typed stays on the page when it is refused
QUESTIONS_PER_LINK = "5 per hour; 20 per day"
TOO_MANY_QUESTIONS = (
    "You have sent us several questions in a short time; we will answer those first. "
    "Please send this one a little later (it is still here)."
)


@bp.after_request
def _private(response: Response) -> Response:
    """A private link: never indexed, cached or told to another site."""
    response.headers["X-Robots-Tag"] = NOINDEX
    response.headers["Referrer-Policy"] = "no-referrer"
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def _problem(kind: str, status: int):
    return render_template("offer/problem.html", kind=kind), status


def _offer(token: str) -> tuple[Offer | None, object]:
    """The offer of a working link, or (None, the page explaining why not)."""
    offer = service.by_token(token)
    if offer is None:
        return None, _problem("unknown", 404)
    if offer.state == SUPERSEDED:
        return None, _problem("superseded", 410)
    if offer.state == WITHDRAWN:  # nothing is accepted, declined or asked any more
        return None, _problem("withdrawn", 410)
    if offer.state != ACCEPTED and offer.expires_at <= utcnow():
        return None, _problem("expired", 410)
    return offer, None


def _accept_form(offer: Offer, **kw) -> AcceptForm:
    form = AcceptForm(**kw)
    form.option.choices = [(o["name"], o["name"]) for o in offer.content["options"]]
    if len(form.option.choices) == 1 and not form.option.data:
        form.option.data = form.option.choices[0][0]
    return form


def _page(offer: Offer, status: int = 200, **forms):
    submission = db.session.get(Submission, offer.submission_id)
    forms.setdefault("accept_form", _accept_form(offer, formdata=None))
    forms.setdefault("decline_form", DeclineForm(formdata=None))
    forms.setdefault("question_form", QuestionForm(formdata=None))
    return (
        render_template(
            "offer/page.html",
            offer=offer,
            c=offer.content,
            submission=submission,
            is_open=service.is_open(offer),
            token=request.view_args["token"],
            **forms,
        ),
        status,
    )


@bp.get("/<token>")
def page(token: str):
    """The proposal as a web page, its PDF, and the answers: accept, decline, ask."""
    offer, problem = _offer(token)
    if offer is None:
        return problem
    if openings.is_a_persons_view(request.method, request.headers, request.args):
        service.record_open(offer)
        db.session.commit()
    return _page(offer)


@bp.get("/<token>/<any(proposal, signed):kind>.pdf")
def pdf(token: str, kind: str):
    """The exact PDF sent (or, once accepted, the signed copy; once countersigned,
    the final copy): stored bytes."""
    offer, problem = _offer(token)
    if offer is None:
        return problem
    data: bytes | None
    if kind == "proposal":
        data, name = offer.pdf, "Proposal.pdf"
    elif offer.final_pdf:  # countersigned: the copy both sides keep
        data, name = offer.final_pdf, "Signed agreement.pdf"
    else:
        data, name = offer.signed_pdf, "Signed proposal.pdf"
    if data is None:
        abort(404)
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", download_name=name, max_age=0
    )


@bp.post("/<token>/accept")
def accept(token: str):
    offer, problem = _offer(token)
    if offer is None:
        return problem
    if not service.is_open(offer):
        return redirect(url_for(".page", token=token))
    form = _accept_form(offer)
    if not form.validate_on_submit():
        return _page(offer, 422, accept_form=form)
    if form.pdf_sha256.data != offer.pdf_sha256:
        return _problem("changed", 409)
    submission = db.session.get_one(Submission, offer.submission_id)
    acceptance = service.Acceptance(
        name=form.full_name.data,
        option=form.option.data,
        start_date=form.start_date.data,
        ip=request.remote_addr or "",
        user_agent=(request.user_agent.string or "")[:MAX_USER_AGENT],
        pdf_sha256=offer.pdf_sha256,
    )
    now = utcnow()
    record = signed.details(
        acceptance=acceptance,
        at=now,
        content=offer.content,
        submission=submission,
        practice=current_practice(),
    )
    copy = signed.document(
        record,
        proposal_html=offer.html,
        proposal_pdf=offer.pdf,
        base_url=request.url_root,
    )
    if not service.accept(offer, submission, acceptance, signed_pdf=copy, now=now):
        return redirect(url_for(".page", token=token))
    mails.queue_accepted(submission, offer, _calendar(offer, submission))
    db.session.commit()
    log.info("action=accept_proposal submission=%s offer=%s", submission.id, offer.id)
    return redirect(_after_action(token))


def _after_action(token: str) -> str:
    """The page again after a POST: the same visit, so not counted as an opening."""
    return url_for(".page", token=token, **{openings.AFTER_ACTION: 1}) + "#done"


def _calendar(offer: Offer, submission: Submission) -> bytes:
    practice = current_practice()
    reviews = calendar.chosen_schedule(
        offer.content, offer.accepted_option, offer.start_date, practice
    )
    return calendar.reviews_calendar(
        schedule=reviews,
        purposes={
            r.get("cadence", ""): r.get("purpose", "")
            for r in offer.content.get("reviews", [])
        },
        practice_name=practice.name,
        organizer=(practice.email, practice.consultant_name or practice.name),
        attendee=(submission.email or "", submission.name or ""),
        uid_prefix=f"offer-{offer.id}",
        host=public_host(),
        now=utcnow(),
    )


@bp.post("/<token>/decline")
def decline(token: str):
    offer, problem = _offer(token)
    if offer is None:
        return problem
    form = DeclineForm()
    if not service.is_open(offer):
        return redirect(url_for(".page", token=token))
    if not form.validate_on_submit():
        return _page(offer, 422, decline_form=form)
    submission = db.session.get_one(Submission, offer.submission_id)
    reason = (form.reason.data or "").strip()
    if service.decline(offer, submission, reason):
        _history(submission, "declined the proposal", reason)
        mails.queue_to_consultants(
            submission,
            template="proposal_declined",
            subject="Proposal declined",
            text=reason,
        )
        db.session.commit()
    return redirect(_after_action(token))


@bp.post("/<token>/question")
def question(token: str):
    offer, problem = _offer(token)
    if offer is None:
        return problem
    form = QuestionForm()
    if not form.validate_on_submit():
        return _page(offer, 422, question_form=form)
    if not throttle.may_send(link=(QUESTIONS_PER_LINK, str(offer.id))):
        form.question.errors = [TOO_MANY_QUESTIONS]
        return _page(offer, 429, question_form=form)
    submission = db.session.get_one(Submission, offer.submission_id)
    text = form.question.data.strip()
    _history(submission, "asked a question about the proposal", text)
    mails.queue_to_consultants(
        submission,
        template="proposal_question",
        subject="A question about the proposal",
        text=text,
    )
    db.session.commit()
    return render_template("offer/asked.html", offer=offer, token=token, text=text)


def _history(submission: Submission, what: str, text: str) -> None:
    """What the prospect did, in the submission's notes."""
    who = submission.name or "The prospect"
    body = f"{who} {what} (through the proposal link)."
    db.session.add(
        Note(
            submission_id=submission.id,
            author_id=None,
            author_name=f"{who} (prospect)",
            body=f"{body}\n\n{text}" if text else body,
        )
    )


def panel(submission: Submission, recommendation: Recommendation | None) -> dict:
    """What the submission page's "Send the proposal" panel shows (`recommendation`:
    the one the page computed)."""
    offer = service.latest_for(submission.id)
    problem = ""
    try:
        service.check_can_send(submission, recommendation)
    except service.CannotSend as exc:
        problem = str(exc)
    message = mails.default_message(submission)
    return {
        "offer": offer,
        "is_open": bool(offer and service.is_open(offer)),
        "status": service.status_words(offer) if offer else "",
        "problem": problem,
        "form": SendForm(formdata=None, message=message),
        "default_message": message,
        "countersign_form": CountersignForm(formdata=None),
        "practice_name": current_practice().name,
    }


# a count over every listed row on each list page (~45 % of the page, bench/profiles.md):
# kept briefly per process like the list's other counts, cleared by a write's commit
_attention_cache = Cache(
    "attention", ttl_setting="COUNTS_CACHE_SECONDS", cleared_by=(Submission, Offer)
)


def attention_count() -> str:
    """How many prospects need attention as the list's summary strip shows it: the
    number up to attention.ATTENTION_CAP, "99+" beyond (counted no further)."""
    practice = current_practice()
    cap = attention.ATTENTION_CAP
    return _attention_cache.get(
        (practice.standards.reply_hours, cap),
        lambda: attention.capped_label(
            attention.attention_count(practice, cap=cap), cap
        ),
    )


def init_app(app: Flask) -> None:
    """The prospect's proposal pages (the workspace's views call `panel` and
    `attention_count` and pass what they return to their templates)."""
    app.register_blueprint(bp)
    schedule.register_check(
        ("proposal_reminder", "proposal_reminder_team"), followup.decision
    )
