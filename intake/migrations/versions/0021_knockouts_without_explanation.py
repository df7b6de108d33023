"""submission.knockouts: the knock-out reasons the list shows, stored apart from the
explanation, which is no longer stored (issue 27)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 01:40:00

A submission stores its scores, verdict, flag count, knock-out reasons and package; the
explanation (every reason and flag, ~6 KB) is computed when a page shows it, from the
answers and the submission's own questionnaire version (intake.submissions.explanation_of).
`assessment` stays, nullable, for the rows scored before: their stored explanation is
shown as it is until `flask rescore` scores them again (which empties it when their
own version can give it back), and for the rows whose version is not stored.

The upgrade copies each not-a-fit row's knock-out reasons out of its stored explanation.
The downgrade drops the column; rows scored after the upgrade then have no stored
explanation until the previous code's `flask rescore` writes it.
"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

BATCH = 1000

submission = sa.table(
    "submission",
    sa.column("id", sa.Integer),
    sa.column("verdict", sa.String),
    sa.column("assessment", sa.Text),  # read as its text: decoded here
    sa.column("knockouts", sa.JSON),
)


def _reasons(text):
    """The knock-out flags' reasons of a stored explanation, in order; None if none."""
    data = json.loads(text) if isinstance(text, str) else text
    flags = (data or {}).get("flags") or []
    reasons = [f["reason"] for f in flags if f.get("knockout")]
    return reasons or None


def upgrade():
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("knockouts", sa.JSON(), nullable=True))
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(submission.c.id, submission.c.assessment)
            .where(
                submission.c.id > last,
                submission.c.verdict == "not a fit",
                submission.c.assessment.is_not(None),
            )
            .order_by(submission.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1].id
        found = [
            {"row_id": r.id, "reasons": reasons}
            for r in rows
            if (reasons := _reasons(r.assessment))
        ]
        if found:
            conn.execute(
                submission.update()
                .where(submission.c.id == sa.bindparam("row_id"))
                .values(knockouts=sa.bindparam("reasons", type_=sa.JSON)),
                found,
            )


def downgrade():
    # ALTER TABLE ... DROP COLUMN in place on both databases (SQLite 3.35+): a batch
    # operation would copy and drop the table on SQLite, and dropping it deletes the
    # rows of every table whose foreign key cascades from it (bookings, notes, ...)
    op.execute("ALTER TABLE submission DROP COLUMN knockouts")
