"""The audit trail: what each consultant did, recorded in the action's own transaction."""

from __future__ import annotations

import math

import sqlalchemy as sa
from flask_login import current_user

from ..extensions import db
from ..models import AuditEvent, Consultant, Submission
from .queries import Page

PER_PAGE = 50
ACTIONS = {
    "sign_in": "Signed in",
    "sign_out": "Signed out",
    "sign_out_everywhere": "Signed out on every browser",
    "status": "Changed the status",
    "note": "Added a note",
    "download": "Downloaded a PDF",
    "package": "Changed the proposed package",
    "send_proposal": "Sent the proposal by link",
    "settings": "Changed the settings",
    "delete": "Deleted a submission",
    "export": "Exported the list as CSV",
    "invite": "Invited a member",
    "join": "Joined the team",
    "role": "Changed a member's role",
    "remove_member": "Removed a member",
    "restore_member": "Restored a removed member",
    "resend_invitation": "Sent an invitation again",
    "cancel_invitation": "Cancelled an invitation",
    "withdraw_proposal": "Withdrew the proposal",
    "countersign_proposal": "Countersigned the proposal",
    "reminder": "Sent a reminder now",
    "invite_to_book": "Invited to book a call",
    "consultation_notes": "Recorded the consultation notes",
    "questionnaire_published": "Published a questionnaire version",
    "questionnaire_draft": "Changed the questionnaire's draft",
    "outcome": "Recorded a client's outcome",
}


def record(
    action: str,
    *,
    submission_id: int | None = None,
    detail: str = "",
    user: Consultant | None = None,
) -> None:
    """Add the event to the session; the caller's commit writes it with the action.

    `detail` must hold nothing a prospect typed (no answers, names or contact details).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user = user or current_user
    db.session.add(
        AuditEvent(
            consultant_id=user.id,
            actor=user.email,
            action=action,
            submission_id=submission_id,
            detail=detail[:200],
        )
    )


def events_for_page(page: int) -> Page:
    """One page of the trail, newest first."""
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(AuditEvent)
    ).scalar_one()
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        sa.select(AuditEvent)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Page(list(rows), total, page, PER_PAGE)


def event_rows(events: list[AuditEvent]) -> list[dict]:
    """What the activity page shows of each event; a deleted submission has no link."""
    ids = {e.submission_id for e in events if e.submission_id is not None}
    people = {e.consultant_id for e in events if e.consultant_id is not None}
    names = dict(
        db.session.execute(
            sa.select(Consultant.id, Consultant.name).where(Consultant.id.in_(people))
        ).all()
        if people
        else ()
    )
    existing = set(
        db.session.scalars(
            sa.select(Submission.id).where(
                Submission.id.in_(ids), Submission.status != "draft"
            )
        )
        if ids
        else ()
    )
    return [
        {
            "at": e.at,  # the template writes it in the practice's time zone
            "actor": names.get(e.consultant_id or 0) or e.actor,
            "actor_email": e.actor,
            "what": ACTIONS.get(e.action, e.action),
            "detail": e.detail,
            "submission_id": e.submission_id,
            "submission_exists": e.submission_id in existing,
        }
        for e in events
    ]
