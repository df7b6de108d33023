"""Loading and saving the prospect's draft Submission.

The browser keeps only the draft's token in the signed session cookie; the answers
live in the database, so a prospect can resume from the link on any device. Tokens are
256 random bits; only their SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app, session
from sqlalchemy.orm import undefer
from sqlalchemy.orm.attributes import set_committed_value

from .. import registry, submissions
from ..extensions import (
    commit_without_waiting_for_the_disk,
    db,
    not_waiting_for_the_disk,
)
from ..models import DRAFT, Submission, utcnow
from ..questionnaire.schema import Questionnaire, Step
from ..security import MAX_TOKEN_CHARS, hash_token, new_private_token
from ..sqljson import JsonMerge

SESSION_KEY = "draft"
# the digest of the draft's questionnaire, next to its token
DIGEST_KEY = "draft_questionnaire"


def _expiry() -> dt.datetime:
    return utcnow() + dt.timedelta(days=current_app.config["DRAFT_TTL_DAYS"])


def by_token(token: str, *, with_answers: bool = False) -> Submission | None:
    """The submission (draft or not) whose resume token this is, or None; with its
    (deferred) answers in the same query when the caller reads them."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return db.session.scalar(_by_token(with_answers), {"hash": hash_token(token)})


@functools.cache
def _by_token(with_answers: bool) -> sa.Select[Submission]:
    """The query, built once: its value is bound at execution (SQLAlchemy then skips
    building it and computing its cache key on every request)."""
    query = sa.select(Submission).where(Submission.token_hash == sa.bindparam("hash"))
    return query.options(undefer(Submission.answers)) if with_answers else query


def is_expired(submission: Submission) -> bool:
    return submission.token_expires_at <= utcnow()


def current() -> Submission | None:
    """The live draft of this browser session, or None."""
    token = session.get(SESSION_KEY)
    # the wizard reads the answers of every draft it loads: one query, not two
    draft = by_token(token, with_answers=True) if isinstance(token, str) else None
    if draft is None or not draft.is_draft or is_expired(draft):
        return None
    return draft


def current_token() -> str | None:
    return session.get(SESSION_KEY)


def remember(token: str, digest: str | None = None) -> None:
    """Keep the draft's token in the session, and the digest of its questionnaire when
    known (a save without reading the draft first needs it: `remembered_questionnaire`)."""
    session.permanent = True
    session[SESSION_KEY] = token
    if digest:
        session[DIGEST_KEY] = digest
    else:
        session.pop(DIGEST_KEY, None)


def forget() -> None:
    session.pop(SESSION_KEY, None)
    session.pop(DIGEST_KEY, None)


def remembered_questionnaire() -> Questionnaire | None:
    """The questionnaire of this session's draft as the session remembers it (no query
    once the version is parsed in this process), or None. Only a hint: a save made on
    it checks the stored draft's digest in its WHERE."""
    token, digest = session.get(SESSION_KEY), session.get(DIGEST_KEY)
    if not isinstance(token, str) or not isinstance(digest, str):
        return None
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return registry.for_digest(digest)


def start(questionnaire: Questionnaire) -> Submission:
    """A new draft in the session (added, not committed)."""
    registry.ensure_stored(questionnaire)
    token, token_hash = new_private_token()
    draft = Submission(
        token_hash=token_hash,
        token_expires_at=_expiry(),
        status=DRAFT,
        questionnaire_version=questionnaire.version,
        questionnaire_digest=questionnaire.digest,
        answers={},
    )
    db.session.add(draft)
    remember(token, questionnaire.digest)
    return draft


def save_step(
    draft: Submission,
    questionnaire: Questionnaire,
    step: Step,
    answers: Mapping[str, Any],
) -> bool:
    """Replace the step's answers in the draft and note the progress (no commit).

    A draft already stored is saved by one `UPDATE ... RETURNING` that merges the step
    into the stored answers in SQL (`intake.sqljson`): two tabs saving different steps
    at once both keep their answers. Its WHERE repeats the checks of the read (this
    token's row, still a draft, not expired), so False means the draft was sent or
    expired since it was read, and nothing was saved. A new draft is inserted by the
    commit."""
    step_ids = {q.id for q in step.questions}
    merged = {k: v for k, v in (draft.answers or {}).items() if k not in step_ids}
    merged.update(answers)
    number = questionnaire.step_number(step.id)
    now = utcnow()
    session.modified = True  # the cookie lives as long as the draft: renewed with it
    # the next save of this draft need not read it first (a cookie from before it
    # was remembered learns it here)
    session[DIGEST_KEY] = draft.questionnaire_digest
    # 16 prospects saving at once no longer queue behind each other's flush (bench:
    # p99 10x its p50 before); a submission's commit still waits
    commit_without_waiting_for_the_disk()
    if draft.id is None:  # added by start(): the commit inserts it as it is
        draft.answers = merged
        submissions.update_contact(draft, questionnaire)
        draft.steps_done = max(draft.steps_done or 0, number)
        draft.updated_at, draft.token_expires_at = now, _expiry()
        return True
    return _update(draft, questionnaire, step_ids, answers, merged, number, now)


def _update(draft, questionnaire, step_ids, answers, merged, number, now) -> bool:
    """The UPDATE of a stored draft; its ORM object is told what was written."""
    # the contact columns only when they change (SQLite's search index has triggers)
    contact = {
        column: value
        for column, value in submissions.contact_columns(questionnaire, merged).items()
        if getattr(draft, column) != value
    }
    statement, merge = _save_statement(
        db.engine.dialect.name, tuple(answers), frozenset(step_ids), tuple(contact)
    )
    expires = _expiry()
    params = {
        "draft_id": draft.id,
        "by_token_hash": draft.token_hash,
        "now": now,
        "in_time": now,
        "expires": expires,
        "number": number,
        **{f"contact_{column}": value for column, value in contact.items()},
        **merge.params(answers),
    }
    row = db.session.execute(statement, params).one_or_none()
    if row is None:
        return False
    written = {"updated_at": now, "token_expires_at": expires, **contact}
    written.update(steps_done=row.steps_done, answers=row.answers)
    for column, value in written.items():
        set_committed_value(draft, column, value)
    return True


@functools.lru_cache(maxsize=512)
def _save_statement(
    dialect: str, keys: tuple[str, ...], drop: frozenset[str], contact: tuple[str, ...]
) -> tuple[sa.Update, JsonMerge]:
    """The save's UPDATE ... RETURNING, built once per set of answered questions and of
    changed contact columns (a few dozen per questionnaire): every value is bound at
    execution, so SQLAlchemy neither builds nor compiles it again."""
    table = cast(sa.Table, Submission.__table__)
    merge = JsonMerge(dialect, table.c.answers, keys, drop)
    values = {
        **_step_values(table, merge),
        **{c: sa.bindparam(f"contact_{c}", type_=table.c[c].type) for c in contact},
    }
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("draft_id"), *_still_a_draft(table))
        .values(values)
        .returning(table.c.steps_done, table.c.answers)
    )
    return statement, merge


def _step_values(table: sa.Table, merge: JsonMerge) -> dict[str, Any]:
    """What every save writes: the merged answers, the progress, the times."""
    steps_done = sa.func.coalesce(table.c.steps_done, 0)
    number = sa.bindparam("number", type_=sa.Integer)
    return {
        "answers": merge.expression,
        "steps_done": sa.case((steps_done < number, number), else_=steps_done),
        "updated_at": sa.bindparam("now", type_=table.c.updated_at.type),
        "token_expires_at": sa.bindparam("expires", type_=table.c.updated_at.type),
    }


def _still_a_draft(table: sa.Table) -> tuple[sa.ColumnElement[bool], ...]:
    """The checks of the read by token, repeated in a save's WHERE."""
    return (
        table.c.token_hash == sa.bindparam("by_token_hash"),
        table.c.status == DRAFT,
        table.c.token_expires_at
        > sa.bindparam("in_time", type_=table.c.updated_at.type),
    )


# ---- the save without reading the draft first -----------------------------------


def may_save_without_reading(questionnaire: Questionnaire, step: Step) -> bool:
    """Whether the contact columns after a save of this step are known without the
    stored answers: the step holds every contact question (they come from its answers
    alone) or none of them (they stay as they are)."""
    steps = _contact_steps(questionnaire)
    return steps <= {step.id} or step.id not in steps


def _contact_steps(questionnaire: Questionnaire) -> set[str]:
    """The steps holding the contact questions (`submissions.contact_columns`)."""
    return {
        q.step_id
        for q in map(questionnaire.by_role, submissions.CONTACT_ROLES)
        if q is not None
    }


def save_step_without_reading(
    questionnaire: Questionnaire, step: Step, answers: Mapping[str, Any]
) -> int | None:
    """Save the step into this session's stored draft by one `UPDATE ... RETURNING id`
    (no commit), without reading the draft first; its id, or None when the statement
    wrote nothing and the caller must take the way that reads the draft (after a
    rollback): no draft of this questionnaire has this token, it was sent or expired,
    the step is not reachable yet (`wizard.reachable_step`), or a contact column
    would change (they are written only when they change: `_update`).

    For the callers whose checks of the step do not depend on the stored answers
    (`wizard.advance_without_saved`, `may_save_without_reading`). The answers are merged
    in SQL as by `save_step`; on PostgreSQL the statement itself says the commit need
    not wait for the disk (`extensions.not_waiting_for_the_disk`), no round trip."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    step_ids = frozenset(q.id for q in step.questions)
    # the contact columns when this step holds their questions, checked, not written
    contact = (
        submissions.contact_columns(questionnaire, answers)
        if step.id in _contact_steps(questionnaire)
        else {}
    )
    statement, merge = _quick_statement(
        db.engine.dialect.name, tuple(answers), step_ids, tuple(contact)
    )
    now = utcnow()
    params = {
        "by_token_hash": hash_token(token),
        "digest": questionnaire.digest,
        "now": now,
        "in_time": now,
        "expires": _expiry(),
        "number": questionnaire.step_number(step.id),
        **{f"contact_{column}": value for column, value in contact.items()},
        **merge.params(answers),
    }
    draft_id = db.session.execute(statement, params).scalar()
    if draft_id is not None:
        session.modified = True  # the cookie is renewed with the draft
    return draft_id


@functools.lru_cache(maxsize=512)
def _quick_statement(
    dialect: str, keys: tuple[str, ...], drop: frozenset[str], contact: tuple[str, ...]
) -> tuple[sa.Update, JsonMerge]:
    """`save_step_without_reading`'s UPDATE, built once per set of answered questions
    (and whether the contact questions are on the step): the checks of the read, the
    draft's questionnaire, the step within reach, the contact columns unchanged."""
    table = cast(sa.Table, Submission.__table__)
    merge = JsonMerge(dialect, table.c.answers, keys, drop)
    number = sa.bindparam("number", type_=sa.Integer)
    returning: list[sa.ColumnElement[Any]] = [table.c.id]
    no_wait = not_waiting_for_the_disk()
    if no_wait is not None:
        returning.append(no_wait)
    statement = (
        sa.update(table)
        .where(
            *_still_a_draft(table),
            table.c.questionnaire_digest == sa.bindparam("digest"),
            sa.func.coalesce(table.c.steps_done, 0) + 1 >= number,
            *(table.c[c] == sa.bindparam(f"contact_{c}") for c in contact),
        )
        .values(_step_values(table, merge))
        .returning(*returning)
    )
    return statement, merge
