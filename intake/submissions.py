"""What a stored Submission is, in terms of the domain.

The one place that links a Submission row to the questionnaire it was answered under,
writes the columns derived from its answers (contact details, search text, scores,
verdict, recommended package), lists its answers step by step, and deletes it. The
prospect's wizard, the workspace, the proposal and the CLI all call these functions, so
a derived column cannot be forgotten by one of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import registry
from .extensions import db, rows_changed
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
from .proposal.recommendation import recommended_package
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
    package = recommended_package(
        questionnaire=questionnaire,
        answers=answers,
        assessment=assessment,
        practice=practice,
    )
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


SCORED_COLUMNS = (
    "fit",
    "chemistry",
    "boundaries",
    "overall",
    "verdict",
    "flag_count",
    "assessment",
    "package_name",
)


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
    changed = rows_changed(
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
    return changed == 1


# ---- scoring many at once ----------------------------------------------------------

RESCORE_BATCH = 1000


@dataclass(frozen=True)
class Rescored:
    """One submission scored again: its scored columns as stored and as they would be."""

    id: int
    name: str  # as the list shows it
    before: Mapping[str, Any]  # the assessment as its stored JSON text
    after: Mapping[str, Any] | None  # None when its questionnaire is not stored

    @property
    def changed(self) -> bool:
        if self.after is None:
            return False
        plain = (c for c in SCORED_COLUMNS if c != "assessment")
        if any(self.before[c] != self.after[c] for c in plain):
            return True
        return _json_differs(self.before["assessment"], self.after["assessment"])


def _json_differs(stored: str | None, value: Any) -> bool:
    """Whether the stored JSON text holds another value than `value`. Equal text (as
    the column's json.dumps writes it) is equal without decoding the stored text,
    which is most of the cost of reading a row."""
    if stored is None or value is None:
        return stored is not None or value is not None
    return stored != json.dumps(value) and json.loads(stored) != value


def count_submitted() -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Submission)
        .where(Submission.status != DRAFT)
    ).scalar_one()


def rescored(
    questionnaire_for: Callable[[str], Questionnaire | None], practice: Practice
) -> Iterator[list[Rescored]]:
    """Every submitted prospect scored again, in batches by id, from plain rows (no ORM
    objects: a re-score of 100,000 reads and compares them only, bench/work.py).

    `questionnaire_for(digest)` gives the questionnaire to score under. The same
    columns as `score` computes, so writing them with `write_scores` leaves every
    row as scoring its object would (tests/integration/test_submissions.py).
    """
    columns = [getattr(Submission, c) for c in SCORED_COLUMNS if c != "assessment"]
    # the stored assessment as text: compared, not decoded (see _json_differs)
    assessment = sa.cast(Submission.assessment, sa.Text).label("assessment")
    query = (
        sa.select(
            Submission.id,
            Submission.name,
            Submission.business,
            Submission.questionnaire_digest,
            Submission.answers,
            *columns,
            assessment,
        )
        .where(Submission.status != DRAFT)
        .order_by(Submission.id)
        .limit(RESCORE_BATCH)
    )
    last = None
    while True:
        page = query if last is None else query.where(Submission.id > last)
        rows = db.session.execute(page).all()
        if not rows:
            return
        last = rows[-1].id
        yield [_rescored(row, questionnaire_for, practice) for row in rows]


def _rescored(row, questionnaire_for, practice: Practice) -> Rescored:
    questionnaire = questionnaire_for(row.questionnaire_digest)
    return Rescored(
        id=row.id,
        name=Submission.name_to_show(row.name, row.business, row.id),
        before={c: getattr(row, c) for c in SCORED_COLUMNS},
        after=None
        if questionnaire is None
        else scored_columns(questionnaire, row.answers or {}, practice),
    )


def write_scores(batch: Sequence[Rescored]) -> int:
    """UPDATE the rows whose scored columns changed, in one executemany (no commit);
    how many there were."""
    changed = [
        {"id": r.id, **r.after} for r in batch if r.changed and r.after is not None
    ]
    if changed:
        db.session.execute(sa.update(Submission), changed)
    return len(changed)


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
    return rows_changed(
        sa.delete(Submission).where(
            Submission.status == DRAFT, Submission.token_expires_at < utcnow()
        )
    )
