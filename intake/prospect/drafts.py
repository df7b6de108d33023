"""Loading and saving the prospect's draft Submission.

The browser keeps only the draft's token in the signed session cookie; the answers
live in the database, so a prospect can resume from the link on any device. Tokens are
256 random bits; only their SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app, session
from sqlalchemy.orm import undefer
from sqlalchemy.orm.attributes import set_committed_value

from .. import registry, submissions
from ..extensions import db
from ..models import DRAFT, Submission, utcnow
from ..questionnaire.schema import Questionnaire, Step
from ..security import MAX_TOKEN_CHARS, hash_token, new_private_token
from ..sqljson import json_merged

SESSION_KEY = "draft"


def _expiry() -> dt.datetime:
    return utcnow() + dt.timedelta(days=current_app.config["DRAFT_TTL_DAYS"])


def by_token(token: str, *, with_answers: bool = False) -> Submission | None:
    """The submission (draft or not) whose resume token this is, or None; with its
    (deferred) answers in the same query when the caller reads them."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    query = sa.select(Submission).where(Submission.token_hash == hash_token(token))
    if with_answers:
        query = query.options(undefer(Submission.answers))
    return db.session.scalar(query)


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
    _commit_without_waiting_for_the_disk()
    if draft.id is None:  # added by start(): the commit inserts it as it is
        draft.answers = merged
        submissions.update_contact(draft, questionnaire)
        draft.steps_done = max(draft.steps_done or 0, number)
        draft.updated_at, draft.token_expires_at = now, _expiry()
        return True
    return _update(draft, questionnaire, step_ids, answers, merged, number, now)


def _update(draft, questionnaire, step_ids, answers, merged, number, now) -> bool:
    """The UPDATE of a stored draft; its ORM object is told what was written."""
    table = cast(sa.Table, Submission.__table__)
    # the contact columns only when they change (SQLite's search index has triggers)
    contact = {
        column: value
        for column, value in submissions.contact_columns(questionnaire, merged).items()
        if getattr(draft, column) != value
    }
    steps_done = sa.func.coalesce(table.c.steps_done, 0)
    values = {
        "answers": json_merged(
            db.engine.dialect.name, table.c.answers, answers, drop=step_ids
        ),
        "steps_done": sa.case((steps_done < number, number), else_=steps_done),
        "updated_at": now,
        "token_expires_at": _expiry(),
        **contact,
    }
    row = db.session.execute(
        sa.update(table)
        .where(
            table.c.id == draft.id,
            table.c.token_hash == draft.token_hash,
            table.c.status == DRAFT,
            table.c.token_expires_at > now,
        )
        .values(values)
        .returning(table.c.steps_done, table.c.answers)
    ).one_or_none()
    if row is None:
        return False
    written = {**values, **row._asdict()}
    for column in ("steps_done", "answers", "updated_at", "token_expires_at", *contact):
        set_committed_value(draft, column, written[column])
    return True


def _commit_without_waiting_for_the_disk() -> None:
    """A draft page's commit on PostgreSQL does not wait for its WAL to reach the disk
    (`SET LOCAL synchronous_commit = off`, this transaction only): 16 prospects saving at
    once no longer queue behind each other's flush (bench: p99 10x its p50 before). A
    crash of the database server (not of the app) can lose the draft pages saved in its
    last ~0.6 s (3 x wal_writer_delay); nothing is corrupted, and a submission's commit
    still waits. SQLite's `synchronous=NORMAL` (extensions.py) makes the same trade."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL synchronous_commit = off"))
