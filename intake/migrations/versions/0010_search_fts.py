"""search: an FTS5 trigram index on SQLite; no GIN pending list on PostgreSQL

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 12:50:00

The list's search matched `search_text LIKE '%term%'` by scanning a covering index
(~30 ms at 100,000 rows). An external-content FTS5 table with the trigram tokenizer
finds the rows holding a substring of 3 or more characters from its index; triggers
keep it in step with the table. PostgreSQL already has its trigram index (0003);
without `fastupdate` no search has to read the index's list of pending entries (only
a submission entering the list, or an edit of its contact, writes to that index).
The statements are a copy of intake.models.SEARCH_INDEX_DDL as it was at this
revision (a migration must not change when the models do).
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEX = "submission_search"
CREATE = (
    f"CREATE VIRTUAL TABLE {INDEX} USING fts5(search_text, "
    "content='submission', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {INDEX}_insert AFTER INSERT ON submission BEGIN "
    f"INSERT INTO {INDEX}(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {INDEX}_delete AFTER DELETE ON submission BEGIN "
    f"INSERT INTO {INDEX}({INDEX}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {INDEX}_update AFTER UPDATE OF search_text ON submission "
    "WHEN old.search_text IS NOT new.search_text BEGIN "
    f"INSERT INTO {INDEX}({INDEX}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {INDEX}(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_submission_search SET (fastupdate = off)")
        op.execute("SELECT gin_clean_pending_list('ix_submission_search')")
        return
    for statement in CREATE:
        op.execute(statement)
    # index the rows that are already there
    op.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_submission_search RESET (fastupdate)")
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {INDEX}_{trigger}")
    op.execute(f"DROP TABLE IF EXISTS {INDEX}")
