"""offers: the consultant's countersignature, the final copy, the proposal's HTML

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 23:55:00

After the prospect accepts online, the consultant countersigns (typed name, time,
internet address, browser) and the final copy (the proposal with an acceptance
section carrying both signatures) is stored. The proposal's HTML as sent is kept
beside its PDF so the signed and final copies are laid out as one tagged document
on the proposal's own paper. Offers sent before this revision have no HTML ("") and
fall back to appending the acceptance pages to the stored PDF.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("html", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("countersigned_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "countersigned_name",
                sa.String(length=200),
                server_default="",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "countersigned_by",
                sa.String(length=254),
                server_default="",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "countersigned_ip",
                sa.String(length=64),
                server_default="",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "countersigned_user_agent",
                sa.String(length=500),
                server_default="",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("final_pdf", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("offer", schema=None) as batch_op:
        for column in (
            "final_pdf",
            "countersigned_user_agent",
            "countersigned_ip",
            "countersigned_by",
            "countersigned_name",
            "countersigned_at",
            "html",
        ):
            batch_op.drop_column(column)
