"""outcomes: how a won client's relationship went at 3, 6 and 12 months

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-05 21:45:00

One row per client and check-in (a unique constraint); `demo` marks generated data.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "client_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("checkpoint", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=254), nullable=False),
        sa.Column("demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["consultant.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "submission_id", "checkpoint", name="uq_client_outcome_checkpoint"
        ),
    )
    with op.batch_alter_table("client_outcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_outcome_submission_id"),
            ["submission_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("client_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_outcome_submission_id"))
    op.drop_table("client_outcome")
