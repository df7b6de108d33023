"""What a stored Submission is, in terms of the domain.

The one place that links a Submission row to the questionnaire it was answered under,
writes the columns derived from its answers (contact details, search text, scores,
verdict, recommended package), lists its answers step by step, and deletes it. The
prospect's wizard, the workspace, the proposal and the CLI all call these functions, so
a derived column cannot be forgotten by one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import registry
from .extensions import db
from .models import (
    DRAFT,
    DeletionRecord,
    Note,
    ProposalDocument,
    StatusChange,
    Submission,
    utcnow,
)
from .practice import Practice
from .proposal.recommendation import recommend
from .questionnaire.answers import describe_answer
from .questionnaire.schema import Question, Questionnaire, Step
from .questionnaire.scoring import assess


def stored_questionnaire_of(submission: Submission) -> Questionnaire | None:
    """The questionnaire the submission was answered under; None if it is not stored."""
    return registry.for_digest(submission.questionnaire_digest)


def questionnaire_of(submission: Submission) -> Questionnaire:
    """The questionnaire the submission was answered under; the active one as fallback."""
    return stored_questionnaire_of(submission) or registry.active()


# ---- derived columns -----------------------------------------------------------


def search_text_of(*parts: str) -> str:
    """The lower-cased text the list's search matches against."""
    return " | ".join(p.lower() for p in parts if p)[:700]


def contact_columns(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> dict[str, str]:
    """The contact answers as the indexed columns the lists search and show."""

    def by_role(role: str) -> str:
        q = questionnaire.by_role(role)
        value = answers.get(q.id) if q else None
        return value if isinstance(value, str) else ""

    name = by_role("contact_name")[:200]
    business = by_role("business_name")[:200]
    email = by_role("contact_email")[:254]
    return {
        "name": name,
        "business": business,
        "email": email,
        "email_key": email.lower(),
        "search_text": search_text_of(name, business, email),
    }


def scored_columns(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> dict[str, Any]:
    """Every column derived from scoring the answers: scores, verdict, flags, package."""
    assessment = assess(questionnaire, answers)
    package = recommend(
        questionnaire=questionnaire,
        answers=answers,
        assessment=assessment,
        practice=practice,
    ).package
    return {
        "fit": assessment.scores["fit"],
        "chemistry": assessment.scores["chemistry"],
        "boundaries": assessment.scores["boundaries"],
        "overall": assessment.overall,
        "verdict": assessment.verdict,
        "flag_count": len(assessment.flags),
        "assessment": assessment.to_dict(),
        "package_name": package.name if package else None,
    }


def _set(submission: Submission, columns: Mapping[str, Any]) -> bool:
    """Write the columns on the row; True when one of them changed."""
    changed = False
    for column, value in columns.items():
        changed |= getattr(submission, column) != value
        setattr(submission, column, value)
    return changed


def update_contact(submission: Submission, questionnaire: Questionnaire) -> None:
    """Copy the contact answers into their columns (no commit)."""
    _set(submission, contact_columns(questionnaire, submission.answers or {}))


def score(
    submission: Submission, questionnaire: Questionnaire, practice: Practice
) -> bool:
    """Score the submission again and write every derived column; True if one changed."""
    return _set(
        submission, scored_columns(questionnaire, submission.answers or {}, practice)
    )


def submit(draft: Submission, questionnaire: Questionnaire, practice: Practice) -> bool:
    """Score and submit the draft once; False when another request submitted it first.

    The status change is a conditional UPDATE, so double clicks and replayed POSTs,
    even in parallel on several hosts, leave exactly one submission.
    """
    now = utcnow()
    result = db.session.execute(
        sa.update(Submission)
        .where(Submission.id == draft.id, Submission.status == DRAFT)
        .values(
            status="new",
            submitted_at=now,
            updated_at=now,
            **scored_columns(questionnaire, draft.answers or {}, practice),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


# ---- reading -------------------------------------------------------------------


@dataclass(frozen=True)
class StepAnswers:
    """One step of a questionnaire with the answers shown for its visible questions."""

    number: int
    step: Step
    rows: tuple[tuple[Question, str], ...]


def answers_by_step(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> list[StepAnswers]:
    """Each step's visible questions with their answers in words, in order."""
    return [
        StepAnswers(
            number=number,
            step=step,
            rows=tuple(
                (q, describe_answer(q, answers.get(q.id)))
                for q in step.questions
                if questionnaire.is_visible(q, answers)
            ),
        )
        for number, step in enumerate(questionnaire.steps, 1)
    ]


# ---- deleting ------------------------------------------------------------------


def delete(submission: Submission, *, deleted_by: str) -> None:
    """Delete the submission and everything about it, keeping only that it happened."""
    db.session.add(
        DeletionRecord(
            submission_id=submission.id,
            submitted_at=submission.submitted_at,
            deleted_by=deleted_by,
        )
    )
    for model in (Note, StatusChange, ProposalDocument):
        db.session.execute(sa.delete(model).where(model.submission_id == submission.id))
    db.session.delete(submission)


def purge_expired_drafts() -> int:
    """Delete the drafts whose resume link has expired; how many there were."""
    result = db.session.execute(
        sa.delete(Submission).where(
            Submission.status == DRAFT, Submission.token_expires_at < utcnow()
        )
    )
    return result.rowcount
