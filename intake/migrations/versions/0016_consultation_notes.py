"""consultnotes: what was agreed in the consultation call, one record per submission

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-05 22:00:00

The agreed values (areas, hours, start date, reviews, roles, boundaries, anything
else) are one JSON document read by intake.consultation.agreement; the date of the
call and the last change are columns, for Today's "needs attention" queries.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("call_date", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )


def downgrade():
    op.drop_table("consultation_notes")
