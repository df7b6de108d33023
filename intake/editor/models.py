"""The draft of the next questionnaire version, and the versions published from it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..models import UTCDateTime, utcnow


class QuestionnaireDraft(Model):
    """The one draft of the next version: its TOML text, always valid (every save is
    checked by the loader), the version it started from, when and by whom it changed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.Text)
    base_version: Mapped[str] = mapped_column(sa.String(40))
    base_digest: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultant.id", ondelete="SET NULL")
    )
    updated_by_name: Mapped[str] = mapped_column(sa.String(254), default="")


class PublishedQuestionnaire(Model):
    """A version published from the editor; the latest is the one new prospects answer.
    Its text is kept in questionnaire_snapshot (by digest), as for every version a
    submission was answered under."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(40), unique=True)
    digest: Mapped[str] = mapped_column(
        sa.ForeignKey("questionnaire_snapshot.digest", ondelete="RESTRICT")
    )
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_name: Mapped[str] = mapped_column(sa.String(254), default="")
