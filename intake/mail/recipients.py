"""Who receives the team's e-mails: the members still on the team, from one query.

A removed member keeps their row (their name stays on notes and history) and receives
nothing more: no new questionnaire, no digest, no news of a proposal. Every place that
mails the team asks `team_recipients()`; removing a member also cancels what was
queued for them and not yet sent (`cancel_team_mail_to`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..extensions import db, rows_changed
from ..models import MAIL_CANCELLED, MAIL_QUEUED, Consultant, OutboxMessage

# the kinds of message sent to members of the team (not to prospects or invitees)
TEAM_KINDS = frozenset(
    {
        "new_submission",
        "digest",
        "proposal_won",
        "proposal_declined",
        "proposal_question",
        "booking_team",
        "proposal_reminder_team",
    }
)


def team_recipients() -> Sequence[Consultant]:
    """Every active member, in a stable order."""
    return db.session.scalars(
        sa.select(Consultant).where(Consultant.active.is_(True)).order_by(Consultant.id)
    ).all()


def cancel_team_mail_to(email: str) -> int:
    """Cancel the team's messages still queued for this address; how many."""
    return rows_changed(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.kind.in_(TEAM_KINDS),
            sa.func.lower(OutboxMessage.to_addr) == email.lower(),
            OutboxMessage.status == MAIL_QUEUED,
        )
        .values(status=MAIL_CANCELLED, last_error="The member was removed.")
        .execution_options(synchronize_session=False)
    )
