"""session and device generations on consultants (server-side sign-out)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 09:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "session_generation", sa.Integer(), nullable=False, server_default="0"
            )
        )
        batch_op.add_column(
            sa.Column(
                "device_generation", sa.Integer(), nullable=False, server_default="0"
            )
        )


def downgrade():
    with op.batch_alter_table("consultant", schema=None) as batch_op:
        batch_op.drop_column("device_generation")
        batch_op.drop_column("session_generation")
