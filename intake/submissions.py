"""What a stored Submission is, in terms of the domain.

The one place that links a Submission row to the questionnaire it was answered under,
writes the columns derived from its answers (contact details, search text, scores,
verdict, recommended package), lists its answers step by step, and deletes it. The
prospect's wizard, the workspace, the proposal and the CLI all call these functions, so
a derived column cannot be forgotten by one of them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

from . import cache, registry
from .extensions import db, rows_changed
from .jsonload import loads
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


# the roles whose answers contact_columns reads
CONTACT_ROLES = ("contact_name", "business_name", "contact_email")


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
    one where there is one (rows scored before migration 0021, or under another
    version than their own, as by `flask rescore --current`). A row whose version is
    not stored and has no stored explanation is explained under the active version,
    as its page shows its answers."""
    if submission.is_draft or submission.verdict is None:
        return None
    if submission.assessment is not None:
        return submission.assessment
    computed = assessment_of(submission)
    return None if computed is None else computed.to_dict()


def assessment_of(submission: Submission) -> Assessment | None:
    """`explanation_of` as an Assessment (None for a draft or a row never scored)."""
    if submission.is_draft or submission.verdict is None:
        return None
    if submission.assessment is not None:
        return Assessment.from_dict(submission.assessment)
    # kept on the object for the rest of its request: a submission's page, its
    # recommendation and its proposal each asked for it (~0.23 ms each). The answers
    # are only ever replaced, never changed in place, so the same answers object under
    # the same version gives the same assessment
    answers, version = submission.answers or {}, submission.questionnaire_version
    kept = submission.__dict__.get(_ASSESSED)
    if kept is not None and kept[0] is answers and kept[1] == version:
        return kept[2]
    computed = assess(questionnaire_of(submission), answers)
    submission.__dict__[_ASSESSED] = (answers, version, computed)
    return computed


_ASSESSED = "_intake_assessed"  # the key of assessment_of's memo on the object


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
        submission,
        scored_columns(
            questionnaire,
            submission.answers or {},
            practice,
            explained=questionnaire.digest != submission.questionnaire_digest,
        ),
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
            **scored_columns(
                questionnaire,
                draft.answers or {},
                practice,
                explained=questionnaire.digest != draft.questionnaire_digest,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return changed == 1


# ---- scoring many at once ----------------------------------------------------------

RESCORE_BATCH = 1000
_TABLE = cast(sa.Table, Submission.__table__)
_PLAIN = [i for i, c in enumerate(SCORED_COLUMNS) if c not in JSON_COLUMNS]
_JSON = [i for i, c in enumerate(SCORED_COLUMNS) if c in JSON_COLUMNS]
_OVERALL, _VERDICT = SCORED_COLUMNS.index("overall"), SCORED_COLUMNS.index("verdict")
_EXPLANATION = SCORED_COLUMNS.index("assessment")


class Rescored:
    """One submission scored again: its scored columns (in SCORED_COLUMNS' order) as
    stored, the JSON ones as their stored text, and as they would be (None when its
    questionnaire is not stored). Plain tuples: a re-score of 100,000 makes one each."""

    __slots__ = ("_explain", "_name", "after", "before", "id")

    def __init__(
        self,
        id_: int,
        name: tuple[str, str],
        before: Sequence[Any],
        after: tuple[Any, ...] | None,
        explain: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.id, self._name, self.before, self.after = id_, name, before, after
        self._explain = explain  # the explanation to store, computed when written

    @property
    def name(self) -> str:
        """As the list shows it."""
        return Submission.name_to_show(*self._name, self.id)

    @property
    def overall_before(self) -> int | None:
        return self.before[_OVERALL]

    @property
    def verdict_before(self) -> str | None:
        return self.before[_VERDICT]

    @property
    def overall_after(self) -> int:
        if self.after is None:
            raise ValueError(f"submission {self.id}: its questionnaire is not stored")
        return self.after[_OVERALL]

    @property
    def verdict_after(self) -> str:
        if self.after is None:
            raise ValueError(f"submission {self.id}: its questionnaire is not stored")
        return self.after[_VERDICT]

    def columns(self) -> dict[str, Any]:
        """The scored columns as they would be, by name (the explanation included)."""
        if self.after is None:
            raise ValueError(f"submission {self.id}: its questionnaire is not stored")
        values = dict(zip(SCORED_COLUMNS, self.after, strict=True))
        if self._explain is not None:
            values["assessment"] = self._explain()
            self.after = tuple(values.values())
            self._explain = None
        return values

    @property
    def changed(self) -> bool:
        if self.after is None:
            return False
        before, after = self.before, self.after
        if any(before[i] != after[i] for i in _PLAIN):
            return True
        if self._explain is not None:
            after = tuple(self.columns().values())
        return any(_json_differs(before[i], after[i]) for i in _JSON)


def _json_differs(stored: str | None, value: Any) -> bool:
    """Whether the stored JSON text holds another value than `value`. Equal text (as
    the column's json.dumps writes it) is equal without decoding the stored text; SQL
    NULL and JSON null are both None."""
    if value is None:
        return stored is not None and stored != "null"
    if stored is None or stored == "null":
        return True
    return stored != json.dumps(value) and json.loads(stored) != value


def count_submitted() -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Submission)
        .where(Submission.status != DRAFT)
    ).scalar_one()


def _pages() -> Iterator[Sequence[Any]]:
    """Every submitted prospect as a plain row, in batches by id: (id, digest,
    answers as text, SCORED_COLUMNS with the JSON ones as their stored text, name,
    business). Core on the table (no ORM entities): tuples, nothing converted."""
    t = _TABLE.c
    columns = [
        sa.cast(t[c], sa.Text).label(c) if c in JSON_COLUMNS else t[c]
        for c in SCORED_COLUMNS
    ]
    query = (
        sa.select(
            t.id,
            t.questionnaire_digest,
            sa.cast(t.answers, sa.Text).label("answers"),
            *columns,
            t.name,
            t.business,
        )
        .where(t.status != DRAFT)
        .order_by(t.id)
        .limit(RESCORE_BATCH)
    )
    last = None
    while True:
        page = query if last is None else query.where(t.id > last)
        rows = db.session.execute(page).all()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


# where each part sits in a row of _pages()
_BEFORE = slice(3, 3 + len(SCORED_COLUMNS))
_NAME = slice(3 + len(SCORED_COLUMNS), 5 + len(SCORED_COLUMNS))
# ... and the stored columns changed() compares: the six plain scores (in Scored's
# order), the knock-outs', the explanation's and the package's
_SIX = slice(3, 3 + SCORED_COLUMNS.index("flag_count") + 1)
_KNOCKOUTS, _ASSESSMENT, _PACKAGE = (
    3 + SCORED_COLUMNS.index(c) for c in ("knockouts", "assessment", "package_name")
)


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
    score_row = _RowScorer(questionnaire_for, practice)
    for rows in _pages():
        yield [score_row.rescored(row) for row in rows]


def changes(
    questionnaire_for: Callable[[str], Questionnaire | None], practice: Practice
) -> Iterator[tuple[int, list[Rescored]]]:
    """`rescored` for a re-score that writes: per batch, how many rows it read and
    the Rescored of those that changed (or whose questionnaire is not stored) alone.

    A row scored under its own questionnaire whose stored columns equal the new
    ones is compared as it comes, without a Rescored: a re-score where nothing
    changed makes no object a row (tests/integration/test_submissions.py holds
    `changes` to what `rescored` finds changed)."""
    score_row = _RowScorer(questionnaire_for, practice)
    for rows in _pages():
        yield len(rows), [r for row in rows if (r := score_row.changed(row))]


class _RowScorer:
    """Scores plain rows of _pages(); each digest's questionnaire looked up once."""

    def __init__(
        self,
        questionnaire_for: Callable[[str], Questionnaire | None],
        practice: Practice,
    ) -> None:
        self.questionnaire_for = questionnaire_for
        self.sizer = package_sizer(practice.packages)
        self.questionnaires: dict[str, Questionnaire | None] = {}
        # the knock-outs as the column's json.dumps writes them (a few distinct ones)
        self.knockout_texts: dict[tuple[str, ...], str] = {}
        # per digest: its questionnaire, the compiled scoring, whether it is its own
        self.scoring: dict[str, tuple[Questionnaire, compiled.Score, bool]] = {}

    def _questionnaire(self, digest: str) -> Questionnaire | None:
        if digest not in self.questionnaires:
            self.questionnaires[digest] = self.questionnaire_for(digest)
        return self.questionnaires[digest]

    def rescored(self, row: Any) -> Rescored:
        questionnaire = self._questionnaire(row[1])
        if questionnaire is None:
            return Rescored(row[0], row[_NAME], row[_BEFORE], None)
        answers = (loads(row[2]) if row[2] else None) or {}
        return self._scored(
            row, questionnaire, answers, compiled.score(questionnaire, answers)
        )

    def _scored(
        self,
        row: Any,
        questionnaire: Questionnaire,
        answers: Mapping[str, Any],
        s: compiled.Scored,
        package: str | None = None,
        sized: bool = False,
    ) -> Rescored:
        after = (
            s.fit,
            s.chemistry,
            s.boundaries,
            s.overall,
            s.verdict,
            s.flag_count,
            list(s.knockouts) or None,
            None,
            package if sized else self.sizer(s),
        )
        explain = None
        if questionnaire.digest != row[1]:  # not its own: the explanation is stored
            explain = functools.partial(_explanation, questionnaire, answers)
        return Rescored(row[0], row[_NAME], row[_BEFORE], after, explain)

    def changed(self, row: Any) -> Rescored | None:
        """The row's Rescored when a column changes or its questionnaire is not
        stored; None when every stored column is as scoring it again gives."""
        digest = row[1]
        scoring = self.scoring.get(digest)
        if scoring is None:
            questionnaire = self._questionnaire(digest)
            if questionnaire is None:
                return Rescored(row[0], row[_NAME], row[_BEFORE], None)
            own = questionnaire.digest == digest  # else the explanation is stored
            scoring = self.scoring[digest] = (
                questionnaire,
                compiled.compiled(questionnaire).scored,
                own,
            )
        questionnaire, score, own = scoring
        answers = (loads(row[2]) if row[2] else None) or {}
        s = score(answers)
        package = self.sizer(s)
        knockouts = s[6]
        if (
            own
            and row[_SIX]
            == s[:6]  # fit, chemistry, boundaries, overall, verdict, flags
            and row[_PACKAGE] == package
            and row[_ASSESSMENT] in (None, "null")  # no explanation stored
            and (
                self._same_knockouts(row[_KNOCKOUTS], knockouts)
                if knockouts
                else row[_KNOCKOUTS] in (None, "null")
            )
        ):
            return None
        r = self._scored(row, questionnaire, answers, s, package, sized=True)
        return r if r.changed else None

    def _same_knockouts(self, stored: str | None, knockouts: tuple[str, ...]) -> bool:
        """Whether the stored text holds these knock-outs (one or more):
        _json_differs, with the text each distinct tuple writes remembered."""
        text = self.knockout_texts.get(knockouts)
        if text is None:
            text = self.knockout_texts[knockouts] = json.dumps(list(knockouts))
        return stored == text or not _json_differs(stored, list(knockouts))


def _explanation(questionnaire: Questionnaire, answers: Any) -> dict[str, Any]:
    return assess(questionnaire, answers).to_dict()


# one UPDATE by id, run for many rows at once: SET is every key of the parameters but
# `row_id`, each bound through its column's type (Core: a third of the ORM's cost)
_WRITE = sa.update(_TABLE).where(_TABLE.c.id == sa.bindparam("row_id"))


def write_scores(batch: Sequence[Rescored]) -> int:
    """UPDATE the rows whose scored columns changed, in one executemany (no commit);
    how many there were."""
    changed = [{"row_id": r.id, **r.columns()} for r in batch if r.changed]
    if changed:
        db.session.execute(_WRITE, changed)
        cache.note_written(db.session(), Submission)
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
