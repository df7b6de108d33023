"""The consultation notes of a submission: read and save (no commit)."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Submission, utcnow
from .agreement import Agreed
from .models import ConsultationNotes


def record_for(submission_id: int) -> ConsultationNotes | None:
    return db.session.scalar(
        sa.select(ConsultationNotes).where(
            ConsultationNotes.submission_id == submission_id
        )
    )


def agreed_for(submission: Submission) -> Agreed | None:
    """What was agreed in the call, or None when no notes are recorded."""
    record = record_for(submission.id)
    if record is None:
        return None
    return Agreed.from_dict(record.data, record.call_date)


def save(submission: Submission, agreed: Agreed, author: str) -> ConsultationNotes:
    """Record (or replace) the call's agreements; the caller commits."""
    record = record_for(submission.id)
    if record is None:
        record = ConsultationNotes(submission_id=submission.id)
        db.session.add(record)
    record.call_date = agreed.call_date
    record.data = agreed.to_dict()
    record.updated_by = author[:200]
    record.updated_at = utcnow()
    return record
