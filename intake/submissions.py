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
from .proposal.decision import Sizer, package_sizer
from .questionnaire import compiled
from .questionnaire.answers import describe_answer
from .questionnaire.schema import Question, Questionnaire, Step
from .questionnaire.scoring import Assessment, assess


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
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    practice: Practice,
    *,
    sizer: Sizer | None = None,
    explained: bool = False,
) -> dict[str, Any]:
    """Every column derived from scoring the answers: scores, verdict, flags, the
    knock-out reasons, the package; from the compiled scoring (no explanation built).

    The explanation is not stored (`explanation_of` computes it from the answers and
    the row's own questionnaire version), unless `explained`: when the questionnaire
    is not the submission's own (`flask rescore --current`), which could not give it
    back. `sizer`: the practice's package sizer, built once for many submissions."""
    scored = compiled.score(questionnaire, answers)
    size = sizer or package_sizer(practice.packages)
    return {
        "fit": scored.fit,
        "chemistry": scored.chemistry,
        "boundaries": scored.boundaries,
        "overall": scored.overall,
        "verdict": scored.verdict,
        "flag_count": scored.flag_count,
        "knockouts": list(scored.knockouts) or None,
        "assessment": assess(questionnaire, answers).to_dict() if explained else None,
        "package_name": size(scored),
    }


SCORED_COLUMNS = (
    "fit",
    "chemistry",
    "boundaries",
    "overall",
    "verdict",
    "flag_count",
    "knockouts",
    "assessment",
    "package_name",
)
JSON_COLUMNS = ("knockouts", "assessment")  # compared as their stored text


def explanation_of(submission: Submission) -> dict[str, Any] | None:
    """Why the submission scored as it did (`Assessment.to_dict()`): every reason and
    flag, as the prospect's page, the proposal and the PDF show it. None for a draft
    or a row never scored.

    Computed from the answers under the submission's own questionnaire version, which
    gives what was stored before (tests/integration/test_explanation.py); the stored
    one where there is one (rows scored before migration 0020, or under another
    version by `flask rescore --current`)."""
    if submission.is_draft or submission.verdict is None:
        return None
    if submission.assessment is not None:
        return submission.assessment
    return assess(questionnaire_of(submission), submission.answers or {}).to_dict()


def assessment_of(submission: Submission) -> Assessment | None:
    """`explanation_of` as an Assessment (None for a draft or a row never scored)."""
    if submission.is_draft or submission.verdict is None:
        return None
    if submission.assessment is not None:
        return Assessment.from_dict(submission.assessment)
    return assess(questionnaire_of(submission), submission.answers or {})


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
    before: Mapping[str, Any]  # the JSON columns as their stored text
    after: Mapping[str, Any] | None  # None when its questionnaire is not stored

    @property
    def changed(self) -> bool:
        if self.after is None:
            return False
        before, after = self.before, self.after
        if any(before[c] != after[c] for c in SCORED_COLUMNS if c not in JSON_COLUMNS):
            return True
        return any(_json_differs(before[c], after[c]) for c in JSON_COLUMNS)


def _json_differs(stored: str | None, value: Any) -> bool:
    """Whether the stored JSON text holds another value than `value`. Equal text (as
    the column's json.dumps writes it) is equal without decoding the stored text; SQL
    NULL and JSON null are both None."""
    if stored == "null":
        stored = None
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
    objects; the answers read as text and decoded once; the compiled scoring; the
    package sizer built once: bench/work.py).

    `questionnaire_for(digest)` gives the questionnaire to score under. The same
    columns as `score` computes, so writing them with `write_scores` leaves every
    row as scoring its object would (tests/integration/test_submissions.py).
    """
    plain = [getattr(Submission, c) for c in SCORED_COLUMNS if c not in JSON_COLUMNS]
    # the JSON columns as text: the answers decoded once here, the others compared
    as_text = [sa.cast(getattr(Submission, c), sa.Text).label(c) for c in JSON_COLUMNS]
    query = (
        sa.select(
            Submission.id,
            Submission.name,
            Submission.business,
            Submission.questionnaire_digest,
            sa.cast(Submission.answers, sa.Text).label("answers"),
            *plain,
            *as_text,
        )
        .where(Submission.status != DRAFT)
        .order_by(Submission.id)
        .limit(RESCORE_BATCH)
    )
    score_row = _row_scorer(questionnaire_for, practice)
    last = None
    while True:
        page = query if last is None else query.where(Submission.id > last)
        rows = db.session.execute(page).all()
        if not rows:
            return
        last = rows[-1].id
        yield [score_row(row) for row in rows]


def _row_scorer(
    questionnaire_for: Callable[[str], Questionnaire | None], practice: Practice
) -> Callable[[Any], Rescored]:
    """Scores one plain row; each digest's questionnaire looked up once."""
    sizer = package_sizer(practice.packages)
    questionnaires: dict[str, Questionnaire | None] = {}
    loads = json.loads

    def score_row(row: Any) -> Rescored:
        digest = row.questionnaire_digest
        if digest not in questionnaires:
            questionnaires[digest] = questionnaire_for(digest)
        questionnaire = questionnaires[digest]
        after = None
        if questionnaire is not None:
            answers = loads(row.answers) if row.answers else {}
            after = scored_columns(
                questionnaire,
                answers or {},
                practice,
                sizer=sizer,
                explained=questionnaire.digest != digest,
            )
        return Rescored(
            id=row.id,
            name=Submission.name_to_show(row.name, row.business, row.id),
            before={c: getattr(row, c) for c in SCORED_COLUMNS},
            after=after,
        )

    return score_row


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
