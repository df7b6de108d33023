"""search text with a trigram index (PostgreSQL) or a covering index (SQLite)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 11:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LISTED = sa.text("status <> 'draft'")


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "search_text", sa.String(length=700), nullable=False, server_default=""
            )
        )
    op.execute(
        "UPDATE submission SET search_text = "
        "lower(name || ' | ' || business || ' | ' || email)"
    )
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension: the database owner may create it
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(
            "ix_submission_search",
            ["search_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            postgresql_where=LISTED,
            sqlite_where=LISTED,
        )


def downgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_search")
        batch_op.drop_column("search_text")
