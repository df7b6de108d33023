"""Plain factory functions: they add to the session and leave committing to the caller."""

from __future__ import annotations

import datetime as dt
import itertools

from intake import registry
from intake.extensions import db
from intake.models import Consultant, Submission, utcnow
from intake.prospect.drafts import _denormalise, apply_assessment, hash_token
from intake.questionnaire.scoring import assess
from tests.personas import PERSONAS

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_consultant(
    *, email="consultant@example.com", name="Casey Consultant", password=PASSWORD
):
    user = Consultant(email=email.lower(), name=name)
    user.set_password(password)
    db.session.add(user)
    return user


def make_submission(
    *,
    persona="strategic_collaborator",
    status="new",
    submitted_at=None,
    **answers_override,
):
    """A submitted (or draft) prospect scored through the real domain code."""
    questionnaire = registry.active()
    registry.ensure_stored(questionnaire)
    answers = {**PERSONAS[persona], **answers_override}
    n = next(_seq)
    now = utcnow()
    s = Submission(
        token_hash=hash_token(f"factory-{n}-{now.timestamp()}"),
        token_expires_at=now + dt.timedelta(days=30),
        status=status,
        questionnaire_version=questionnaire.version,
        questionnaire_digest=questionnaire.digest,
        steps_done=len(questionnaire.steps),
        answers=answers,
        created_at=now,
        updated_at=now,
        submitted_at=None if status == "draft" else (submitted_at or now),
    )
    _denormalise(s, questionnaire)
    if status != "draft":
        apply_assessment(s, assess(questionnaire, answers))
    db.session.add(s)
    return s
