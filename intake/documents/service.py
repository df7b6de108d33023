"""Proposals for a submission: recommendation, HTML preview and cached PDF.

A PDF is stored under the hash of everything that goes into it (answers, scores,
package override, practice settings, template files), so a repeat download serves the
stored bytes and any change renders a fresh one.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import re
import unicodedata
from pathlib import Path

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.exc import IntegrityError

from .. import submissions
from ..consultation import agreement, notes
from ..extensions import db
from ..models import ProposalDocument, Submission, utcnow
from ..paths import TEMPLATES_DIR
from ..practice import Practice
from ..proposal import content
from ..proposal.recommendation import Recommendation, recommend
from ..questionnaire.answers import visible_answers
from ..questionnaire.schema import Questionnaire
from ..questionnaire.scoring import Assessment, assess
from . import render

log = logging.getLogger(__name__)


class NotAFit(Exception):
    """A proposal was asked for a prospect who is not a fit: they get the letter."""

    def __init__(self, reason: str = ""):
        super().__init__(
            NOT_A_FIT_MESSAGE if not reason else f"{NOT_A_FIT_MESSAGE} ({reason})"
        )


NOT_A_FIT_MESSAGE = (
    "This prospect is not a fit, so there is no proposal to send: send the referral "
    "letter instead, or choose a package for them first"
)


def edits_of(submission: Submission) -> content.Edits:
    """The consultant's edits to this submission's proposal."""
    return content.Edits.from_dict(submission.proposal_edits)


def recommendation_for(submission: Submission, practice: Practice) -> Recommendation:
    """The package and plan for a submitted prospect, honouring the consultant's
    override, built from the answers with the call's agreements taking precedence."""
    questionnaire = submissions.questionnaire_of(submission)
    agreed = notes.agreed_for(submission)
    rec = recommend(
        questionnaire=questionnaire,
        answers=agreement.effective_answers(
            questionnaire, submission.answers or {}, agreed
        ),
        assessment=_assessment_of(submission),
        practice=practice,
        override=submission.package_override,
        offer=edits_of(submission).offer,
    )
    return agreement.settle(rec, agreed)


def _assessment_of(submission: Submission) -> Assessment:
    """The submission's scores and why (submissions.assessment_of); a draft has none."""
    assessment = submissions.assessment_of(submission)
    if assessment is None:
        raise ValueError(f"submission {submission.id} is a draft: it has no assessment")
    return assessment


def verdict_reason_for(submission: Submission, practice: Practice):
    """What decided a not-a-fit verdict (see recommendation.VerdictReason), or None."""
    rec = recommend(
        questionnaire=submissions.questionnaire_of(submission),
        answers=submission.answers or {},
        assessment=_assessment_of(submission),
        practice=practice,
    )
    return rec.verdict_reason


def own_words(
    questionnaire: Questionnaire, answers: dict, practice: Practice | None = None
) -> list[tuple[str, str]]:
    """(question, answer) for every free-text answer the prospect gave."""
    if practice is not None:
        questionnaire = questionnaire.localised(
            practice.questionnaire_words, practice.currency
        )
    shown = visible_answers(questionnaire, answers or {})
    return [
        (q.label, shown[q.id])
        for q in questionnaire.questions
        if q.type == "long_text" and isinstance(shown.get(q.id), str) and shown[q.id]
    ]


def _checked(recommendation: Recommendation, letter: bool) -> Recommendation:
    """The recommendation, or NotAFit when a proposal is asked for a prospect who
    is not a fit (no package chosen by hand)."""
    if not letter and not recommendation.is_fit:
        raise NotAFit()
    return recommendation


def context_for(
    submission: Submission,
    practice: Practice,
    *,
    today: dt.date | None = None,
    letter: bool = False,
    recommendation: Recommendation | None = None,
):
    """The document's content; raises NotAFit for a proposal to a not-a-fit prospect.
    `recommendation`: the request's own, when it has one (else computed here)."""
    questionnaire = submissions.questionnaire_of(submission)
    recommendation = _checked(
        recommendation or recommendation_for(submission, practice), letter
    )
    context = content.proposal_context(
        practice=practice,
        submission_name=submission.name,
        business=submission.business,
        own_words=own_words(questionnaire, submission.answers or {}, practice),
        recommendation=recommendation,
        assessment=_assessment_of(submission),
        today=today or utcnow().date(),
        edits=edits_of(submission),
    )
    # what was agreed in the consultation call ("as we agreed on <date>")
    agreed = notes.agreed_for(submission)
    if agreed and agreed.reviews and context["package"]:  # the reviews agreed
        context["package"]["reviews"] = [r["name"] for r in context["reviews"]]
    context["agreed"] = agreement.proposal_part(
        agreed,
        recommendation,
        agreement.area_names(
            questionnaire.localised(practice.questionnaire_words, practice.currency)
        ),
    )
    return context


def context_for_answers(
    questionnaire: Questionnaire,
    answers: dict,
    practice: Practice,
    *,
    letter: bool = False,
    today: dt.date | None = None,
):
    """What a prospect with these answers would receive; nothing is stored."""
    assessment = assess(questionnaire, answers)
    recommendation = recommend(
        questionnaire=questionnaire,
        answers=answers,
        assessment=assessment,
        practice=practice,
    )
    contact = submissions.contact_columns(questionnaire, answers)
    return content.proposal_context(
        practice=practice,
        submission_name=contact.get("name") or "",
        business=contact.get("business") or "",
        own_words=own_words(questionnaire, answers, practice),
        recommendation=_checked(recommendation, letter),
        assessment=assessment,
        today=today or utcnow().date(),
    )


def render_html(context: dict, *, letter: bool = False) -> str:
    """The proposal (or the referral letter) as HTML; needs a Flask app context."""
    template = "proposal/letter.html" if letter else "proposal/proposal.html"
    return render_template(template, **context)


def html_for(
    submission: Submission,
    practice: Practice,
    *,
    letter: bool = False,
    css_url: str = "",
    recommendation: Recommendation | None = None,
) -> str:
    """The document as HTML; `css_url` links the print stylesheet for a browser preview.
    `recommendation`: the request's own, when it has one (else computed here)."""
    context = context_for(
        submission, practice, letter=letter, recommendation=recommendation
    )
    context["preview_css_url"] = css_url
    return render_html(context, letter=letter)


def _templates_digest() -> str:
    """Hash of the proposal templates and stylesheet, computed once per process."""
    return _digest_of_folder(TEMPLATES_DIR / "proposal")


@functools.cache
def _digest_of_folder(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.glob("*")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def document_key(
    submission: Submission, practice: Practice, *, letter: bool, today: dt.date
) -> str:
    """The hash of every input of the document; equal inputs give equal keys."""
    payload = {
        "kind": "letter" if letter else "proposal",
        "submission": submission.id,
        "answers": submission.answers,
        # as stored before issue 27, now computed: the same keys as then
        "assessment": submissions.explanation_of(submission),
        "override": submission.package_override,
        "edits": edits_of(submission).to_dict(),
        "agreed": _agreed_dict(submission),
        "contact": [submission.name, submission.business, submission.email],
        "practice": practice.to_dict(),
        "templates": _templates_digest(),
        "day": today.isoformat(),  # the cover date and validity are part of the document
    }
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _agreed_dict(submission: Submission) -> dict | None:
    agreed = notes.agreed_for(submission)
    if agreed is None:
        return None
    return {**agreed.to_dict(), "call_date": agreed.call_date.isoformat()}


def pdf_for(
    submission: Submission,
    practice: Practice,
    *,
    letter: bool = False,
    base_url: str,
    recommendation: Recommendation | None = None,
) -> tuple[bytes, bool]:
    """The PDF bytes and whether they came from the cache (rendering only on a miss).
    `recommendation`: the request's own, when it has one (else computed here)."""
    today = utcnow().date()
    recommendation = _checked(
        recommendation or recommendation_for(submission, practice), letter
    )
    key = document_key(submission, practice, letter=letter, today=today)
    cached = db.session.get(ProposalDocument, key)
    if cached is not None:
        return cached.pdf, True
    context = context_for(
        submission, practice, today=today, letter=letter, recommendation=recommendation
    )
    html = render_html(context, letter=letter)
    pdf = render.render_pdf(html, base_url=base_url)
    try:
        with db.session.begin_nested():
            db.session.add(
                ProposalDocument(digest=key, submission_id=submission.id, pdf=pdf)
            )
    except IntegrityError:  # another worker rendered the same document first
        log.info("proposal %s stored concurrently", key[:12])
    _forget_old_versions(submission.id)
    log.info(
        "rendered %s for submission %s",
        "letter" if letter else "proposal",
        submission.id,
    )
    return pdf, False


KEEP_VERSIONS = 6


def _forget_old_versions(submission_id: int) -> None:
    """Keep the latest few rendered versions of a submission's documents."""
    old = db.session.scalars(
        sa.select(ProposalDocument.digest)
        .where(ProposalDocument.submission_id == submission_id)
        .order_by(ProposalDocument.created_at.desc())
        .offset(KEEP_VERSIONS)
    ).all()
    if old:
        db.session.execute(
            sa.delete(ProposalDocument).where(ProposalDocument.digest.in_(old))
        )


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def download_name(
    submission: Submission, *, letter: bool = False, today: dt.date | None = None
) -> str:
    """'Proposal - Business Name - 2026-11-23.pdf', safe on every file system."""
    who = unicodedata.normalize(
        "NFC", submission.business or submission.name or f"Prospect {submission.id}"
    )
    who = (
        " ".join(_UNSAFE.sub(" ", who).split()).strip(" .")[:80]
        or f"Prospect {submission.id}"
    )
    kind = "Letter" if letter else "Proposal"
    return f"{kind} - {who} - {(today or utcnow().date()).isoformat()}.pdf"
