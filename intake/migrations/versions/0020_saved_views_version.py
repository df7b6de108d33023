"""a version number of each consultant's saved views (kept per process by it)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 01:30:00

A list page reads the signed-in consultant in its own statement; their saved views
(the navigation's) are kept per process by (consultant, views_version), which a change
of the views raises in the same transaction, so every host sees the change at once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("views_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    # ALTER TABLE ... DROP COLUMN in place on both databases (SQLite 3.35+): a batch
    # operation would copy and drop the table on SQLite, and dropping it deletes the
    # rows of every table whose foreign key cascades from it (bookings, notes, ...)
    op.execute("ALTER TABLE consultant DROP COLUMN views_version")
