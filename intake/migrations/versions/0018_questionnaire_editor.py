"""editor: the draft of the next questionnaire version and the published versions

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-05 21:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "questionnaire_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("base_version", sa.String(length=40), nullable=False),
        sa.Column("base_digest", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_name", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["consultant.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "published_questionnaire",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_name", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest"], ["questionnaire_snapshot.digest"], ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )


def downgrade():
    op.drop_table("published_questionnaire")
    op.drop_table("questionnaire_draft")
