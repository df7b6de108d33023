"""Database models. Answers and explanations sit in deferred JSON columns so that
list queries read only the small, indexed columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship
from sqlalchemy.types import TypeDecorator
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import Model


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


PIPELINE = {
    "new": "New",
    "reviewing": "Reviewing",
    "booked": "Consultation booked",
    "proposal_sent": "Proposal sent",
    "won": "Won",
    "lost": "Lost",
    "not_a_fit": "Declined by us",
}
DRAFT = "draft"
# the predicate of the list's partial indexes; queries use the same literal SQL
LISTED_SQL = "status <> 'draft'"
LIST_SORT_COLUMNS = (
    "submitted_at",
    "name",
    "business",
    "overall",
    "fit",
    "chemistry",
    "boundaries",
    "verdict",
    "flag_count",
    "package_name",
    "status",
)


class QuestionnaireSnapshot(Model):
    """The exact text of every questionnaire a submission was answered under."""

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(40))
    source: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Submission(Model):
    """A prospect's questionnaire: a draft until submitted, then a pipeline entry."""

    __table_args__ = (
        sa.Index("ix_submission_status_overall", "status", "overall"),
        sa.Index("ix_submission_status_submitted", "status", "submitted_at"),
        sa.Index("ix_submission_status_updated", "status", "updated_at"),
        sa.Index("ix_submission_verdict_overall", "verdict", "overall"),
        sa.Index("ix_submission_verdict_submitted", "verdict", "submitted_at"),
        sa.Index("ix_submission_email_key", "email_key"),
        # substring search: trigrams on PostgreSQL; a small covering index on SQLite
        sa.Index(
            "ix_submission_search",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            postgresql_where=sa.text(LISTED_SQL),
            # no pending list for every search to read: only a submission entering
            # the list (or an edit of its contact) writes to this index
            postgresql_with={"fastupdate": "off"},
            sqlite_where=sa.text(LISTED_SQL),
        ),
        # one partial index per sortable column of the list, so that any sort reads
        # its page straight off an index on SQLite and PostgreSQL alike
        *(
            sa.Index(
                f"ix_listed_{column}",
                column,
                "id",
                postgresql_where=sa.text(LISTED_SQL),
                sqlite_where=sa.text(LISTED_SQL),
            )
            for column in LIST_SORT_COLUMNS
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    token_expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default=DRAFT)
    questionnaire_version: Mapped[str] = mapped_column(sa.String(40))
    questionnaire_digest: Mapped[str] = mapped_column(
        sa.ForeignKey("questionnaire_snapshot.digest")
    )
    steps_done: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    name: Mapped[str] = mapped_column(sa.String(200), default="")
    business: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # lower-cased e-mail: the same person typed with other capitals is one person
    email_key: Mapped[str] = mapped_column(sa.String(254), default="")
    # name, business and e-mail, lower-cased, for the list's search box
    search_text: Mapped[str] = mapped_column(
        sa.String(700), default="", server_default=""
    )

    fit: Mapped[int | None]
    chemistry: Mapped[int | None]
    boundaries: Mapped[int | None]
    overall: Mapped[int | None]
    verdict: Mapped[str | None] = mapped_column(sa.String(20))
    flag_count: Mapped[int] = mapped_column(default=0)
    package_name: Mapped[str | None] = mapped_column(sa.String(120))  # recommended
    package_override: Mapped[str | None] = mapped_column(sa.String(120))
    # the consultant's edits to the proposal: cover note, sections left out, options
    proposal_edits: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    answers: Mapped[dict[str, Any]] = deferred(mapped_column(sa.JSON, default=dict))
    # the knock-out flags' reasons (None when none), which the list shows
    knockouts: Mapped[list[str] | None] = mapped_column(sa.JSON(none_as_null=True))
    # the explanation of the scores, stored only where the answers and the row's own
    # questionnaire version cannot give it back (rows scored before migration 0021,
    # `rescore --current` under another version): submissions.explanation_of
    # (None is SQL NULL, as for the knock-outs: rows scored before stored JSON null)
    assessment: Mapped[dict[str, Any] | None] = deferred(
        mapped_column(sa.JSON(none_as_null=True))
    )

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def display_name(self) -> str:
        return self.name_to_show(self.name, self.business, self.id)

    @staticmethod
    def name_to_show(name: str | None, business: str | None, id_: int) -> str:
        """The name a list shows (also for plain rows, which have no properties)."""
        return name or business or f"Prospect #{id_}"

    @property
    def status_label(self) -> str:
        return self.label_of_status(self.status)

    @staticmethod
    def label_of_status(status: str) -> str:
        """The words for the status (also for plain rows, which have no properties)."""
        return PIPELINE.get(status, "Draft")


class StoredPractice(Model):
    """The practice's details, standards and packages (one row, JSON)."""

    __tablename__ = (
        "practice_settings"  # the table's first name, kept to spare a migration
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


ROLE_OWNER, ROLE_CONSULTANT = "owner", "consultant"
ROLES = {ROLE_OWNER: "Owner", ROLE_CONSULTANT: "Consultant"}


class Consultant(UserMixin, Model):
    """A person of the practice who signs in to the workspace."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # a session names the generation it was signed in under; changing the number
    # (sign-out, new password) ends every session signed in before
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # the same for the browsers trusted by a device cookie ("sign out everywhere")
    device_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # owner: settings, team, deletion; consultant: review, notes, proposals
    role: Mapped[str] = mapped_column(
        sa.String(20), default=ROLE_OWNER, server_default=ROLE_OWNER
    )
    # a removed member keeps their row (their name stays on notes and history)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # changed with every change of their saved views: each process keeps the views
    # by (id, this number), read with the consultant (intake.workspace.saved_views)
    views_version: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    @property
    def is_owner(self) -> bool:
        return self.role == ROLE_OWNER

    def set_password(self, password: str) -> None:
        """Store the new password's hash and end every session of the old one."""
        self.password_hash = generate_password_hash(password)
        self.session_generation = (self.session_generation or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What the session stores: the id and the session generation."""
        return f"{self.id}.{self.session_generation}"

    @property
    def display_name(self) -> str:
        return self.name or self.email


class TeamInvitation(Model):
    """An invitation to join the workspace; only the SHA-256 of its link's token is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultant.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SavedView(Model):
    """A consultant's named filter and sort of the list (the list's query string)."""

    __table_args__ = (sa.UniqueConstraint("consultant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultant.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(80))
    query: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Note(Model):
    """A consultant's note on a submission."""

    __table_args__ = (sa.Index("ix_note_submission", "submission_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultant.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(sa.String(254))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatusChange(Model):
    """One move of a submission through the pipeline."""

    __table_args__ = (
        sa.Index("ix_status_change_submission", "submission_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE")
    )
    from_status: Mapped[str] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    author_name: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeletionRecord(Model):
    """That a submission was deleted, when and by whom; no personal data of the prospect."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int]
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str] = mapped_column(sa.String(254))
    deleted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Model):
    """One thing a consultant did: who, what, when, to which submission.

    Never the prospect's answers or contact details. `submission_id` is a plain number,
    not a foreign key, so the record outlives a deleted submission.
    """

    __table_args__ = (sa.Index("ix_audit_event_at", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    consultant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultant.id", ondelete="SET NULL")
    )
    actor: Mapped[str] = mapped_column(sa.String(254))  # the consultant's e-mail then
    action: Mapped[str] = mapped_column(sa.String(40))
    submission_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(sa.String(200), default="")


class ProposalDocument(Model):
    """A rendered PDF, keyed by the hash of everything that went into it."""

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    pdf: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# outbox statuses: queued (waiting, maybe for a retry), sending (claimed by a worker
# until lease_until), sent, failed (gave up: shown in the workspace), cancelled
MAIL_QUEUED, MAIL_SENDING, MAIL_SENT, MAIL_FAILED, MAIL_CANCELLED = (
    "queued",
    "sending",
    "sent",
    "failed",
    "cancelled",
)


class OutboxMessage(Model):
    """An e-mail, written in the transaction of the event that causes it; see intake.mail."""

    __table_args__ = (
        sa.Index("ix_outbox_message_due", "status", "send_after"),
        sa.Index("ix_outbox_message_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    # at most one message per key ever ("reminder:12", "digest:2026-11-27")
    once_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    submission_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    to_addr: Mapped[str] = mapped_column(sa.String(254))
    reply_to: Mapped[str] = mapped_column(sa.String(254), default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    headers: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    text_body: Mapped[str] = deferred(mapped_column(sa.Text))
    html_body: Mapped[str] = deferred(mapped_column(sa.Text))
    # the bodies hold a private link: replaced by a note once delivered
    redact_after_send: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(12), default=MAIL_QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    send_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(sa.String(120), default="")
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # a consultant asked for this reminder now (the worker then does not wait for
    # the prospect's idle days, unless the prospect came back after the request)
    nudged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attachments: Mapped[list[MailAttachment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="raise_on_sql"
    )


class MailAttachment(Model):
    """A file sent with an outbox message (a signed PDF, a calendar)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))


class MailAttempt(Model):
    """One try at delivering an outbox message, and how it ended."""

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    worker: Mapped[str] = mapped_column(sa.String(120))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(sa.String(12))  # sent, retry, failed
    detail: Mapped[str] = mapped_column(sa.String(500), default="")


class MailSuppression(Model):
    """An address that asked for no more reminders (by the link in one)."""

    email_key: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailUnsubscribe(Model):
    """An unsubscribe link's token (random; only its SHA-256 is stored) and the address
    it stops reminders to: the link itself says nothing about the address."""

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    email_key: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordReset(Model):
    """A single-use, expiring password reset link; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultant.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


# the search index needs pg_trgm; create_all (the tests) makes sure it is there
sa.event.listen(
    Submission.__table__,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)

# SQLite's search index: an FTS5 trigram index of submission.search_text, kept by
# triggers (migration 0010 makes the same). It is not in the metadata, so create_all
# (the tests) adds it with the table and drop_all takes it away first; autogenerate
# leaves its tables alone (include_name, migrations/env.py).
SEARCH_INDEX = "submission_search"
SEARCH_INDEX_TABLES = frozenset(
    (
        SEARCH_INDEX,
        *(f"{SEARCH_INDEX}_{s}" for s in ("data", "idx", "docsize", "config")),
    )
)
SEARCH_INDEX_DDL = (
    f"CREATE VIRTUAL TABLE {SEARCH_INDEX} USING fts5(search_text, "
    "content='submission', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {SEARCH_INDEX}_insert AFTER INSERT ON submission BEGIN "
    f"INSERT INTO {SEARCH_INDEX}(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {SEARCH_INDEX}_delete AFTER DELETE ON submission BEGIN "
    f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {SEARCH_INDEX}_update AFTER UPDATE OF search_text ON submission "
    "WHEN old.search_text IS NOT new.search_text BEGIN "
    f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {SEARCH_INDEX}(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
)


def include_name(name: str | None, type_: str, parent_names) -> bool:
    """Alembic autogenerate's filter: every table but the search index's."""
    return not (type_ == "table" and name in SEARCH_INDEX_TABLES)


for _statement in SEARCH_INDEX_DDL:
    sa.event.listen(
        Submission.__table__,
        "after_create",
        sa.DDL(_statement).execute_if(dialect="sqlite"),
    )
sa.event.listen(
    Submission.__table__,
    "before_drop",
    sa.DDL(f"DROP TABLE IF EXISTS {SEARCH_INDEX}").execute_if(dialect="sqlite"),
)
