"""team roles and invitations, saved list views, consultant-requested reminders

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 11:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultant", schema=None) as batch_op:
        # every existing account (the single one so far) becomes an owner
        batch_op.add_column(
            sa.Column(
                "role", sa.String(length=20), nullable=False, server_default="owner"
            )
        )
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "team_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["consultant.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("team_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_invitation_email"), ["email"], unique=False
        )
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultant_id"], ["consultant.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("consultant_id", "name"),
    )
    with op.batch_alter_table("saved_view", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_view_consultant_id"), ["consultant_id"], unique=False
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("nudged_at")
    with op.batch_alter_table("saved_view", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_view_consultant_id"))
    op.drop_table("saved_view")
    with op.batch_alter_table("team_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_invitation_email"))
    op.drop_table("team_invitation")
    with op.batch_alter_table("consultant", schema=None) as batch_op:
        batch_op.drop_column("active")
        batch_op.drop_column("role")
