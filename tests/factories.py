"""Plain factory functions: they add to the session and leave committing to the caller."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import uuid

from intake import registry, submissions
from intake.extensions import db
from intake.models import Consultant, Submission, utcnow
from intake.practice_store import current_practice
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
        token_hash=hashlib.sha256(f"factory-{n}-{now}".encode()).hexdigest(),
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
    submissions.update_contact(s, questionnaire)
    if status != "draft":
        submissions.score(s, questionnaire, current_practice())
    db.session.add(s)
    return s


def listed_row(i: int, questionnaire, now: dt.datetime, **overrides) -> dict:
    """Column values of the i-th submitted prospect, for bulk inserts of many rows.

    The scores vary with i so that every sort has work to do; answers are left empty
    unless given, since lists never read them.
    """
    name, business, email = f"Prospect {i}", f"Business {i}", f"p{i}@example.com"
    row = {
        "token_hash": f"bulk{i:060d}",
        "token_expires_at": now,
        "status": "new",
        "questionnaire_version": questionnaire.version,
        "questionnaire_digest": questionnaire.digest,
        "steps_done": len(questionnaire.steps),
        "created_at": now,
        "updated_at": now,
        "submitted_at": now - dt.timedelta(minutes=i),
        "name": name,
        "business": business,
        "email": email,
        "email_key": email,
        "search_text": submissions.search_text_of(name, business, email),
        "fit": i % 100,
        "chemistry": (i * 7) % 100,
        "boundaries": (i * 3) % 100,
        "overall": (i * 11) % 100,
        "verdict": "possible fit",
        "flag_count": i % 4,
        "package_name": None,
        "answers": {},
        "assessment": None,
    }
    row.update(overrides)
    return row


def make_offer(submission, *, created, expires, opened=0, state=None):
    """An offer row as sending one leaves it (a stand-in PDF), for the counts and the
    Today page; `state` defaults to sent. Added to the session, not committed."""
    from intake.offers.models import SENT, Offer

    offer = Offer(
        submission_id=submission.id,
        token_hash=uuid.uuid4().hex,
        state=state or SENT,
        created_at=created,
        expires_at=expires,
        sent_by="consultant@example.com",
        content={},
        pdf=b"%PDF-1.7",
        pdf_sha256="0" * 64,
        open_count=opened,
    )
    db.session.add(offer)
    return offer
