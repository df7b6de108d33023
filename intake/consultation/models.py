"""A consultation call booked by a prospect."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..models import UTCDateTime, utcnow

BOOKED, CANCELLED = "booked", "cancelled"
# the predicate of the one-call-per-slot index (both databases know partial indexes)
ACTIVE_SQL = "status = 'booked'"


class Booking(Model):
    """One call: its time in UTC, its private link (only the token's SHA-256 is
    stored), and the SEQUENCE of its calendar invitation (one more at each change).

    Two prospects never hold the same start with the same member: a unique index over
    the member and start of the active bookings, so the database refuses the second of
    two simultaneous requests.
    """

    __table_args__ = (
        sa.Index(
            "uq_booking_active_member_start",
            "member_id",
            "start_at",
            unique=True,
            sqlite_where=sa.text(ACTIVE_SQL),
            postgresql_where=sa.text(ACTIVE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    # the team member who takes the call (0: the practice, before any account)
    member_id: Mapped[int] = mapped_column(default=0, server_default="0")
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(12), default=BOOKED)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # the prospect's time zone, for their e-mails
    time_zone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    # the queued reminder (cancelled with the call, replaced when it moves)
    reminder_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.status == BOOKED


class ConsultationNotes(Model):
    """What the consultant and the prospect agreed in the call: one record per
    submission. `data` is the agreed values (intake.consultation.agreement.Agreed),
    which take precedence over the answers when the proposal is built."""

    __tablename__ = "consultation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), unique=True
    )
    call_date: Mapped[dt.date] = mapped_column(sa.Date)
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_by: Mapped[str] = mapped_column(sa.String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
