"""The proposal sent by link: what was sent, opened, accepted or declined."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import Model
from ..models import UTCDateTime, utcnow

# offer states: sent (the link works until expires_at), accepted, declined,
# superseded (a newer proposal was sent to the same prospect), withdrawn (by the
# consultant, or by moving the prospect to "Declined by us" or "Lost")
SENT, ACCEPTED, DECLINED, SUPERSEDED, WITHDRAWN = (
    "sent",
    "accepted",
    "declined",
    "superseded",
    "withdrawn",
)


class Offer(Model):
    """One sending of a proposal: its private link (only the SHA-256 of the token is
    stored), the frozen PDF the prospect sees, opens, and the acceptance or decline."""

    __table_args__ = (
        # the proposals still out, with all the needs-attention count and filter read
        # of them (intake/offers/attention.py): an index-only read on both databases;
        # `submission_id` first for the filter's lookup per prospect, `state` listed
        # as SQLite does not count a partial index's WHERE column as covered
        sa.Index(
            "ix_offer_sent",
            "submission_id",
            "expires_at",
            "open_count",
            "created_at",
            "state",
            postgresql_where=sa.text("state = 'sent'"),
            sqlite_where=sa.text("state = 'sent'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    state: Mapped[str] = mapped_column(sa.String(12), default=SENT)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_by: Mapped[str] = mapped_column(sa.String(254))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    # what the page shows, fixed when sent: title, options, reviews, agreement, dates
    content: Mapped[dict[str, Any]] = deferred(
        mapped_column(sa.JSON, default=dict, nullable=False)
    )
    pdf: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    first_opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    open_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # the acceptance
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_name: Mapped[str] = mapped_column(sa.String(200), default="")
    accepted_option: Mapped[str] = mapped_column(sa.String(120), default="")
    accepted_ip: Mapped[str] = mapped_column(sa.String(64), default="")
    accepted_user_agent: Mapped[str] = mapped_column(sa.String(500), default="")
    accepted_pdf_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    start_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    # the signed copy: the PDF above plus the acceptance page, stored once, never redone
    signed_pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    declined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # the proposal's HTML as sent (the same input as `pdf`): the signed and the final
    # copies re-lay it out with the acceptance section as one tagged document
    html: Mapped[str] = deferred(mapped_column(sa.Text, default="", nullable=False))
    # the consultant's countersignature, recorded like the prospect's signature
    countersigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    countersigned_name: Mapped[str] = mapped_column(sa.String(200), default="")
    countersigned_by: Mapped[str] = mapped_column(sa.String(254), default="")
    countersigned_ip: Mapped[str] = mapped_column(sa.String(64), default="")
    countersigned_user_agent: Mapped[str] = mapped_column(sa.String(500), default="")
    # the final copy: the proposal and the acceptance section with both signatures
    final_pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))

    @property
    def awaiting_countersignature(self) -> bool:
        return self.state == ACCEPTED and self.countersigned_at is None
