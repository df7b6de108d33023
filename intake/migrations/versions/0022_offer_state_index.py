"""attention: an index of the proposals by state for the needs-attention count

Revision ID: 0022
Revises: 0019
Create Date: 2026-12-06 02:00:00

The list's "Needs attention" count reads the proposals still out (state 'sent') that
nobody opened or that expired: this index holds every column it reads, so both
databases read the sent proposals' entries alone (SQLite read every offer's row, its
PDF included). Not partial: SQLite 3.40 does not treat a partial index's WHERE column
as covered and read the table for each entry.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_offer_state",
        "offer",
        ["state", "expires_at", "open_count", "created_at", "submission_id"],
    )


def downgrade():
    op.drop_index("ix_offer_state", table_name="offer")
