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
from ..extensions import commit_without_waiting_for_the_disk, db
from ..models import DRAFT, Submission, utcnow
from ..questionnaire.schema import Questionnaire, Step
from ..security import MAX_TOKEN_CHARS, hash_token, new_private_token
from ..sqljson import JsonMerge

SESSION_KEY = "draft"


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


def remember(token: str) -> None:
    session.permanent = True
    session[SESSION_KEY] = token


def forget() -> None:
    session.pop(SESSION_KEY, None)


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
    remember(token)
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
    steps_done = sa.func.coalesce(table.c.steps_done, 0)
    number = sa.bindparam("number", type_=sa.Integer)
    values: dict[str, Any] = {
        "answers": merge.expression,
        "steps_done": sa.case((steps_done < number, number), else_=steps_done),
        "updated_at": sa.bindparam("now", type_=table.c.updated_at.type),
        "token_expires_at": sa.bindparam("expires", type_=table.c.updated_at.type),
        **{c: sa.bindparam(f"contact_{c}", type_=table.c[c].type) for c in contact},
    }
    statement = (
        sa.update(table)
        .where(
            table.c.id == sa.bindparam("draft_id"),
            table.c.token_hash == sa.bindparam("by_token_hash"),
            table.c.status == DRAFT,
            table.c.token_expires_at
            > sa.bindparam("in_time", type_=table.c.updated_at.type),
        )
        .values(values)
        .returning(table.c.steps_done, table.c.answers)
    )
    return statement, merge
