"""One prospect's page: everything it shows, and its proposal forms' starting values."""

from __future__ import annotations

from collections import defaultdict

from .. import submissions
from ..documents import service as proposal_service
from ..models import Submission
from ..outcomes.panel import outcome_panel
from ..practice import (
    Practice,
)
from ..questionnaire.cues import find_cues
from ..questionnaire.gaps import find_gaps
from ..questionnaire.schema import DIMENSIONS
from ..questionnaire.scoring import OVERALL
from . import queries
from .forms import (
    OverrideForm,
    ProposalEditsForm,
    _choices,
)
from .listing import VERDICT_CLASS, score_bars

LONG_TEXT = "long_text"  # the questionnaire's type of a free answer in several lines


def detail_view(s: Submission, practice: Practice) -> dict:
    """Everything the submission page shows, in the questionnaire version it was answered under."""
    questionnaire = submissions.questionnaire_of(s)
    answers = s.answers or {}
    steps = [
        (section.step, section.rows)
        for section in submissions.answers_by_step(questionnaire, answers)
    ]
    assessment = submissions.assessment_of(s)  # computed from the answers
    reasons = defaultdict(list)
    if assessment:
        for r in sorted(assessment.reasons, key=lambda r: -abs(r.points)):
            reasons[r.dimension].append(r)
    scores = dict(assessment.scores) if assessment else {}
    recommendation = (
        proposal_service.recommendation_for(s, practice) if assessment else None
    )
    return {
        "recommendation": recommendation,
        "own_words": own_words(steps),
        "submission": s,
        "questionnaire": questionnaire,
        "steps": steps,
        "assessment": assessment,
        "bars": score_bars(scores),
        "reasons": [(d, scores.get(d), reasons[d]) for d in DIMENSIONS],
        # red-flag costs and caps: what took the overall below the weighted mean
        "overall_reasons": reasons.get(OVERALL, []),
        # the gaps the recommendation found (of the package proposed): found once
        "gaps": recommendation.gaps
        if recommendation
        else find_gaps(questionnaire, answers, practice),
        "cues": find_cues(questionnaire, answers),  # for the consultant only
        "notes": queries.notes_for_submission(s.id),
        "history": queries.history_for_submission(s.id),
        "others": queries.others_with_email(s),
        "verdict_class": VERDICT_CLASS.get(s.verdict or "", ""),
        "outcomes": outcome_panel(s),  # a client's check-ins (intake/outcomes)
    }


def own_words(steps) -> list[tuple[str, str]]:
    """Their longer answers in their own words, (question, text), in questionnaire
    order: what the call starts from."""
    return [
        (q.label, answer)
        for _step, rows in steps
        for q, answer in rows
        if q.type == LONG_TEXT and answer and str(answer).strip()
    ]


def next_action(submission: Submission, recommendation, offer_panel: dict) -> dict:
    """The one thing to do next for this prospect, for the action bar: its words,
    where it leads, and whether it opens the mail program."""
    offer = offer_panel.get("offer")
    if offer is not None and offer.awaiting_countersignature:
        return {"label": "Countersign the proposal", "href": "#send", "mail": False}
    if offer is not None and offer.state == "sent" and submission.email:
        return {"label": "Follow up by e-mail", "href": "", "mail": True}
    if not offer_panel.get("problem") and offer is None:
        return {"label": "Send the proposal", "href": "#send", "mail": False}
    if recommendation is not None and not recommendation.is_fit:
        return {"label": "The referral letter", "href": "#proposal", "mail": False}
    if submission.email:
        return {"label": "Write to them", "href": "", "mail": True}
    return {"label": "Add a note", "href": "#body", "mail": False}


def package_choices(practice: Practice):
    return _choices(
        [("", "The recommended package")]
        + [(p.name, p.name) for p in practice.packages]
    )


def edits_form(submission: Submission) -> ProposalEditsForm:
    edits = proposal_service.edits_of(submission)
    return ProposalEditsForm(
        data={
            "cover_note": edits.cover_note,
            "leave_out": sorted(edits.leave_out),
            "offer": edits.offer,
        }
    )


def override_form(submission: Submission, practice: Practice) -> OverrideForm:
    form = OverrideForm(package=submission.package_override or "")
    form.package.choices = package_choices(practice)
    return form
