"""mail: unsubscribe links carry a random token (its SHA-256 stored), not the address

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 23:00:00

Until now the link was the prospect's address, signed and base64-encoded: readable by
anyone who saw the link (an access log, a forwarded e-mail). Links already sent keep
working (intake.mail.messages.address_of_unsubscribe still reads them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_unsubscribe",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )


def downgrade():
    op.drop_table("mail_unsubscribe")
