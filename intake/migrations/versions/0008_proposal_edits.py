"""the consultant's edits to a proposal (cover note, sections left out, options)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_edits", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("proposal_edits")
