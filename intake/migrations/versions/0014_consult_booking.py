"""consult: the consultation call booked by a prospect, one per slot

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 23:59:00

The unique index over the start of active bookings ("status = 'booked'") is partial on
both databases: a cancelled call frees its slot, two active ones can never share it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["outbox_message.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_submission_id"), ["submission_id"], unique=False
        )
        batch_op.create_index(
            "uq_booking_active_start",
            ["start_at"],
            unique=True,
            sqlite_where=sa.text("status = 'booked'"),
            postgresql_where=sa.text("status = 'booked'"),
        )


def downgrade():
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("uq_booking_active_start")
        batch_op.drop_index(batch_op.f("ix_booking_submission_id"))
    op.drop_table("booking")
