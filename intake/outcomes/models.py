"""How a won client's relationship went, recorded at 3, 6 and 12 months."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..models import UTCDateTime, utcnow


class ClientOutcome(Model):
    """One check-in of a won client: thriving, fine, struggled or ended early, with a
    note. One row per client and check-in: recording the same check-in again corrects
    it. `demo` marks the generated demo data (flask demo-outcomes)."""

    __table_args__ = (
        sa.UniqueConstraint(
            "submission_id", "checkpoint", name="uq_client_outcome_checkpoint"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    checkpoint: Mapped[int]  # months after becoming a client: 3, 6 or 12
    rating: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultant.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(sa.String(254))
    demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
