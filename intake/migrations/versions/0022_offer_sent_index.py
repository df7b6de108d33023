"""attention: a partial index of the sent proposals for the needs-attention count

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 02:00:00

The list's "Needs attention" count reads the proposals still out (state 'sent') that
nobody opened or that expired. This index holds those alone, with every column the
count reads: the count's offer branch reads its entries and no table row (SQLite read
every offer's row, its PDF included), and the list's attention filter (a correlated
EXISTS per prospect) finds a prospect's sent proposals by `submission_id`, its first
column. `state` is in the columns too: SQLite 3.40 does not count a partial index's
WHERE column as covered and read the table for each entry without it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

SENT_SQL = "state = 'sent'"


def upgrade():
    op.create_index(
        "ix_offer_sent",
        "offer",
        ["submission_id", "expires_at", "open_count", "created_at", "state"],
        postgresql_where=sa.text(SENT_SQL),
        sqlite_where=sa.text(SENT_SQL),
    )


def downgrade():
    op.drop_index("ix_offer_sent", table_name="offer")
