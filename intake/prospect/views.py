"""The prospect's wizard: start, one page per step, review, submit, thanks, resume."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import registry, submissions
from ..consultation import views as consultation
from ..consultation.mails import offer_for_mail
from ..documents import service as proposal_service
from ..extensions import db
from ..forms import ActionForm
from ..log import note
from ..mail import messages as mail_messages
from ..mail.links import public_url
from ..practice_store import current_practice
from ..questionnaire import wizard
from . import drafts, starts
from .forms import posted_step, step_form_class
from .markup import question_items

bp = Blueprint("prospect", __name__, url_prefix="/start")

HONEYPOT_NOTICE = (
    "Please leave the field labelled \u201cLeave this field empty\u201d empty, then "
    "send the page again."
)
TOO_MANY_STARTS = (
    "Too many questionnaires were started from your network in a short time. Please "
    "try again in a few minutes; what you typed is still here."
)
NOT_SAVED_NOTICE = (
    "We could not save this page just now. Nothing was lost: what you typed is still "
    "here, and your earlier pages are saved. Please send it again in a few seconds."
)


def _draft_and_questionnaire():
    """The draft, and its questionnaire in the practice's words and currency."""
    draft = drafts.current()
    questionnaire = submissions.questionnaire_of(draft) if draft else registry.active()
    practice = current_practice()
    return draft, questionnaire.localised(
        practice.questionnaire_words, practice.currency
    )


@bp.get("/")
def start():
    """The welcome page, with a way back into a draft this browser already has."""
    draft, questionnaire = _draft_and_questionnaire()
    return render_template(
        "prospect/start.html",
        questionnaire=questionnaire,
        draft=draft,
        resume_url=_resume_url(),
        draft_email=_email_of(draft),
        form=ActionForm(),
    )


@bp.post("/restart")
def restart():
    """Leave the current draft (it stays reachable by its link) and begin afresh."""
    if ActionForm().validate_on_submit():
        drafts.forget()
    return redirect(url_for(".step", number=1))


@bp.route("/step/<int:number>", methods=["GET", "POST"])
def step(number: int):
    """One page of questions; Next saves it as a draft, Back saves what is valid."""
    if request.method == "POST" and (saved_at_once := _save_without_reading(number)):
        return saved_at_once
    draft, questionnaire = _draft_and_questionnaire()
    if not 1 <= number <= len(questionnaire.steps):
        abort(404)
    reachable = wizard.reachable_step(draft.steps_done if draft else 0)
    if number > reachable:
        return redirect(url_for(".step", number=reachable))
    step = questionnaire.steps[number - 1]
    saved = dict(draft.answers or {}) if draft else {}
    if request.method == "GET":  # the page needs no form object: the macros write it
        return _render_step(questionnaire, step, None, saved, {}, draft=draft)
    return _post_step(questionnaire, step, number, draft, saved)


def _save_without_reading(number: int):
    """The step saved into the session's stored draft by one statement, without
    reading the draft first, where nothing decided here depends on what it holds; the
    redirect, or None: the way that reads the draft decides (an unknown, sent or
    expired draft, a step out of reach, a page shown again, a contact change...)."""
    questionnaire = drafts.remembered_questionnaire()
    if questionnaire is None or not 1 <= number <= len(questionnaire.steps):
        return None
    practice = current_practice()
    questionnaire = questionnaire.localised(
        practice.questionnaire_words, practice.currency
    )
    step = questionnaire.steps[number - 1]
    if not drafts.may_save_without_reading(questionnaire, step):
        return None
    form = step_form_class(questionnaire, step)()
    if form.website.data:
        return None
    outcome = wizard.advance_without_saved(questionnaire, step, posted_step(form, step))
    if outcome is None or outcome.save is None or outcome.go_to is None:
        return None
    draft_id = drafts.save_step_without_reading(questionnaire, step, outcome.save)
    if draft_id is None:
        db.session.rollback()  # nothing was written; the read decides
        return None
    db.session.commit()
    note(action="save_step", draft=draft_id, step=number)
    return _redirect_to(outcome.go_to)


def _post_step(questionnaire, step, number: int, draft, saved: dict):
    """Parse the posted step, let the wizard decide, save, then redirect or show it."""
    form = step_form_class(questionnaire, step)()
    posted = posted_step(form, step)
    if draft is None and _sent_already():  # a late post from another tab: no new draft
        return redirect(url_for(".thanks"))
    if form.website.data:  # the honeypot: only robots fill in a field nobody sees
        note(action="honeypot", step=number)
        return _render_step(
            questionnaire,
            step,
            form,
            posted.answers,
            {},
            draft=draft,
            notice=HONEYPOT_NOTICE,
            status=400,
        )
    outcome = wizard.advance(questionnaire, step, saved, posted)
    if outcome.save is not None:
        if draft is None and not starts.may_start_draft():
            return _render_step(
                questionnaire,
                step,
                form,
                posted.answers,
                {},
                draft=None,
                notice=TOO_MANY_STARTS,
                status=429,
            )
        draft = draft or drafts.start(questionnaire)
        if not drafts.save_step(draft, questionnaire, step, outcome.save):
            db.session.rollback()  # sent or expired since it was read: as if not found
            return redirect(url_for(".thanks" if _sent_already() else ".start"))
        db.session.commit()
        # the identity survives the commit; draft.id would reload the expired row
        note(action="save_step", draft=sa.inspect(draft).identity[0], step=number)
    if outcome.go_to is None:
        return _render_step(
            questionnaire,
            step,
            form,
            posted.answers,
            outcome.errors,
            draft=draft,
            notice=outcome.notice,
            status=422 if outcome.errors else 200,
        )
    return _redirect_to(outcome.go_to)


def save_typed_step(number: int) -> None:
    """Save what was typed on step `number` before another action takes the page away
    (the "E-mail me my link" button): as Back does, valid answers are kept, an invalid
    one leaves the previous answer, and nothing is refused. No commit."""
    draft, questionnaire = _draft_and_questionnaire()
    if draft is None or not 1 <= number <= len(questionnaire.steps):
        return
    if number > wizard.reachable_step(draft.steps_done or 0):
        return
    step = questionnaire.steps[number - 1]
    form = step_form_class(questionnaire, step)()
    if form.website.data:  # the honeypot: a robot's page is not saved
        return
    posted = replace(posted_step(form, step), back=True)
    saved = dict(draft.answers or {})
    outcome = wizard.advance(questionnaire, step, saved, posted)
    if outcome.save is not None:
        drafts.save_step(draft, questionnaire, step, outcome.save)


def _sent_already() -> bool:
    """This browser's questionnaire has been sent (the session still holds its token)."""
    token = drafts.current_token()
    submission = drafts.by_token(token) if isinstance(token, str) else None
    return submission is not None and not submission.is_draft


def render_unsaved_step(number: int) -> str:
    """The step as the prospect sent it, when the database could not save it (a 503):
    what they typed stays on the page. Reads nothing from the database."""
    questionnaire = registry.active()
    step = questionnaire.steps[min(max(number, 1), len(questionnaire.steps)) - 1]
    form = step_form_class(questionnaire, step)()
    html, _ = _render_step(
        questionnaire,
        step,
        form,
        posted_step(form, step).answers,
        {},
        draft=None,
        notice=NOT_SAVED_NOTICE,
    )
    return html


def _redirect_to(place: int | str):
    if place == wizard.REVIEW:
        return redirect(url_for(".review"))
    return redirect(url_for(".step", number=place))


def _render_step(
    questionnaire, step, form, values, errors, *, draft, notice="", status=200
):
    number = questionnaire.step_number(step.id)
    total = len(questionnaire.steps)
    questions = question_items(questionnaire, step, values, errors)
    html = render_template(
        "prospect/step.html",
        shown=" ".join(q["q"].id for q in questions if q["visible"]),
        questionnaire=questionnaire,
        step=step,
        number=number,
        total=total,
        percent=round(100 * (number - 1) / total),
        questions=questions,
        errors=[(q["q"], q["error"]) for q in questions if q["error"]],
        form=form,
        then=(form.then.data if form else "") or request.args.get("then", ""),
        resume_url=_resume_url() if draft else "",
        draft_email=_email_of(draft),
        notice=notice,
    )
    return html, status


def _email_of(draft) -> str:
    """The address of this browser's draft, for the e-mail-me button ('': no button)."""
    return (draft.email or "") if draft is not None else ""


def _resume_url() -> str:
    token = drafts.current_token()
    if not token:
        return ""
    return public_url("prospect.resume", token=token)


@bp.get("/review")
def review():
    """Every answer, step by step, with an edit link per step, then Send."""
    draft, questionnaire = _draft_and_questionnaire()
    if draft is None:
        return redirect(url_for(".start"))
    answers = draft.answers or {}
    sections = [
        {
            "number": section.number,
            "step": section.step,
            "rows": section.rows,
            "problems": wizard.step_problems(questionnaire, section.step, answers),
        }
        for section in submissions.answers_by_step(questionnaire, answers)
    ]
    return render_template(
        "prospect/review.html",
        questionnaire=questionnaire,
        sections=sections,
        incomplete=wizard.first_incomplete_step(questionnaire, answers),
        form=ActionForm(),
        resume_url=_resume_url(),
        draft_email=_email_of(draft),
        total=len(questionnaire.steps),
    )


@bp.post("/submit")
def submit():
    """Score and send the questionnaire; a repeated POST changes nothing."""
    form = ActionForm()
    token = drafts.current_token()
    submission = drafts.by_token(token) if token else None
    if submission is None or not form.validate_on_submit():
        return redirect(url_for(".start"))
    if not submission.is_draft:  # sent already: a double click or a replayed POST
        return redirect(url_for(".thanks"))
    if drafts.is_expired(submission):
        return redirect(url_for(".resume", token=token))
    questionnaire = submissions.questionnaire_of(submission)
    missing = wizard.first_incomplete_step(questionnaire, submission.answers or {})
    if missing:
        flash("A few questions still need an answer before you send.", "error")
        return redirect(url_for(".step", number=missing, then="review"))
    if submissions.submit(submission, questionnaire, current_practice()):
        mail_messages.queue_submitted(submission, offer_for_mail)
        note(action="submit", submission=submission.id)
    db.session.commit()
    return redirect(url_for(".thanks"))


@bp.get("/thanks")
def thanks():
    """A next step that suits the outcome; never the scores themselves."""
    token = drafts.current_token()
    submission = drafts.by_token(token) if token else None
    if submission is None or submission.is_draft:
        return redirect(url_for(".start"))
    practice = current_practice()
    reason = (
        proposal_service.verdict_reason_for(submission, practice)
        if practice.tailored_thanks and submission.verdict == "not a fit"
        else None
    )
    return render_template(
        "prospect/thanks.html",
        submission=submission,
        why=reason,
        call=consultation.thanks_panel(submission),
    )


@bp.get("/resume/<token>")
def resume(token: str):
    """Open a draft from its link, on any device; expired or unknown links explain why."""
    submission = drafts.by_token(token)
    if submission is None:
        return _link_problem(
            "We could not find a questionnaire for this link",
            "Please check that the whole link was copied. You can also start again.",
            404,
        )
    if not submission.is_draft:
        drafts.remember(token)
        return redirect(url_for(".thanks"))
    if drafts.is_expired(submission):
        return _link_problem(
            "This link has expired",
            "For your privacy, unfinished questionnaires can be resumed for a limited "
            "time only. You are welcome to start again.",
            410,
        )
    drafts.remember(token, submission.questionnaire_digest)
    questionnaire = submissions.questionnaire_of(submission)
    return _redirect_to(
        wizard.resume_at(questionnaire, submission.answers or {}, submission.steps_done)
    )


def _link_problem(title: str, message: str, code: int):
    return render_template(
        "prospect/link_problem.html", title=title, message=message
    ), code
