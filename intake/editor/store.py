"""The draft of the next questionnaire version: saving, importing, publishing.

For other modules (the outcomes report, "take suggested point changes into a new draft"):

- `save_draft_text(text, user) -> QuestionnaireDraft`: check `text` with the loader rules
  of the shipped file (DefinitionError if it refuses it, nothing saved) and make it the
  draft, started from the active version when there was none. Build the text with
  `intake.questionnaire.editing.apply_point_changes(draft_text_or_active(), changes)`.

Helpers add to the session and flush; the view commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from .. import registry, rescoring, submissions
from ..extensions import db
from ..models import DRAFT, QuestionnaireSnapshot, Submission, utcnow
from ..practice import Practice
from ..questionnaire import comparison, editing, samples
from ..questionnaire.errors import DefinitionError
from ..questionnaire.schema import Questionnaire
from .models import PublishedQuestionnaire, QuestionnaireDraft

MAX_IMPORT_BYTES = 512 * 1024


def current_draft() -> QuestionnaireDraft | None:
    return db.session.scalar(
        sa.select(QuestionnaireDraft).order_by(QuestionnaireDraft.id).limit(1)
    )


def draft_text_or_active() -> str:
    """The draft's text, or the active version's when there is no draft yet."""
    draft = current_draft()
    return draft.source if draft is not None else registry.active().source


def taken_versions() -> set[str]:
    """Every version a submission or a publication already names."""
    return set(db.session.scalars(sa.select(QuestionnaireSnapshot.version))) | set(
        db.session.scalars(sa.select(PublishedQuestionnaire.version))
    )


def start_draft(user, today: dt.date) -> QuestionnaireDraft:
    """A draft copied from the active version, under a new version name."""
    active = registry.active()
    data = editing.load(active.source)
    data["version"] = editing.next_version(
        active.version, today, taken_versions() | {registry.shipped().version}
    )
    return save_draft_text(editing.dump(data), user)


def save_draft_text(text: str, user) -> QuestionnaireDraft:
    """Check the text by the loader rules and store it as the draft (no commit)."""
    editing.check(text)
    draft = current_draft()
    if draft is None:
        active = registry.active()
        draft = QuestionnaireDraft(
            base_version=active.version, base_digest=active.digest
        )
        db.session.add(draft)
    draft.source = text
    draft.updated_at = utcnow()
    draft.updated_by_id = getattr(user, "id", None)
    draft.updated_by_name = getattr(user, "display_name", "") or ""
    db.session.flush()
    return draft


def decode_upload(raw: bytes) -> str:
    """An uploaded file's text; DefinitionError saying why it cannot be one."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise DefinitionError("the file", "", "is larger than 512 KB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError("the file", "", "is not UTF-8 text") from None


def discard_draft() -> None:
    draft = current_draft()
    if draft is not None:
        db.session.delete(draft)


def publish_problem(questionnaire: Questionnaire) -> str:
    """Why the draft cannot be published as it is ('' when it can)."""
    if questionnaire.version in taken_versions() | {registry.active().version}:
        return (
            f"Version {questionnaire.version} is already used: give the draft a new "
            "version name before publishing."
        )
    return ""


def publish(user) -> PublishedQuestionnaire:
    """The draft becomes the version new prospects answer (no commit)."""
    draft = current_draft()
    if draft is None:
        raise DefinitionError("the draft", "", "there is no draft to publish")
    questionnaire = editing.check(draft.source)
    problem = publish_problem(questionnaire)
    if problem:
        raise DefinitionError("the draft", "", problem)
    registry.ensure_stored(questionnaire)
    published = PublishedQuestionnaire(
        version=questionnaire.version,
        digest=questionnaire.digest,
        published_by_name=getattr(user, "display_name", "") or "",
    )
    db.session.add(published)
    db.session.delete(draft)
    db.session.flush()
    registry.forget_published()
    return published


def publications() -> list[PublishedQuestionnaire]:
    return list(
        db.session.scalars(
            sa.select(PublishedQuestionnaire).order_by(PublishedQuestionnaire.id.desc())
        )
    )


# ---- what the draft would change -------------------------------------------------


def past_answers(numbers: list[int]) -> dict[str, Mapping[str, Any]]:
    """The answers of the submitted submissions with these numbers, by a short name."""
    if not numbers:
        return {}
    rows = db.session.scalars(
        sa.select(Submission)
        .where(Submission.id.in_(numbers), Submission.status != DRAFT)
        .order_by(Submission.id)
    )
    return {f"#{s.id} {s.display_name}": dict(s.answers or {}) for s in rows}


def sample_moves(
    draft: Questionnaire, numbers: list[int]
) -> list[comparison.SampleMove]:
    """The personas and the chosen submissions under the active version and the draft."""
    chosen = {**samples.PERSONAS, **past_answers(numbers)}
    return comparison.moves(registry.active(), draft, chosen)


def dry_run_report(draft: Questionnaire, practice: Practice) -> str:
    """`flask rescore --current --dry-run`'s report, as if the draft were active."""
    moves = []
    for batch in submissions.rescored(lambda _digest: draft, practice):
        moves += [
            rescoring.Move(
                r.id,
                r.name,
                r.overall_before,
                r.verdict_before,
                r.overall_after,
                r.verdict_after,
            )
            for r in batch
            if r.after is not None  # never: every submission is scored by the draft
        ]
    return rescoring.report(moves, what=f" under the draft {draft.version}")
