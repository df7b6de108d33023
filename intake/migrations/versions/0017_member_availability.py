"""consultmail: per-member calls; the practice's hours become the owner's

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-05 22:30:00

Each booking names the member who takes the call (`member_id`, 0 for none), and one
member can never hold two calls at the same start: the partial unique index over the
start of active bookings becomes one over (member_id, start). Calls booked before are
the owner's (the first active owner), and the practice-wide hours are copied to the
owner's own (practice_settings.data["member_availability"]), as is the practice-wide
calendar link, which goes on showing every call.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ACTIVE = "status = 'booked'"
HOURS = (
    "hours",
    "days_off",
    "call_minutes",
    "buffer_minutes",
    "notice_hours",
    "horizon_days",
)


def _owner(bind) -> int:
    return (
        bind.execute(
            sa.text(
                "SELECT id FROM consultant WHERE active = :yes "
                "ORDER BY CASE WHEN role = 'owner' THEN 0 ELSE 1 END, id LIMIT 1"
            ),
            {"yes": True},
        ).scalar()
        or 0
    )


def _copy_hours_to(bind, owner: int) -> None:
    row = bind.execute(
        sa.text("SELECT data FROM practice_settings WHERE id = 1")
    ).first()
    if row is None or not owner:
        return
    data = row[0] if isinstance(row[0], dict) else json.loads(row[0] or "{}")
    practice_hours = data.get("availability") or {}
    if not practice_hours:
        return
    own = dict(data.get("member_availability") or {})
    own.setdefault(
        str(owner), {k: practice_hours[k] for k in HOURS if k in practice_hours}
    )
    data["member_availability"] = own
    bind.execute(
        sa.text("UPDATE practice_settings SET data = :data WHERE id = 1").bindparams(
            sa.bindparam("data", type_=sa.JSON)
        ),
        {"data": data},
    )


def upgrade():
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("member_id", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.drop_index("uq_booking_active_start")
    bind = op.get_bind()
    owner = _owner(bind)
    if owner:
        bind.execute(sa.text("UPDATE booking SET member_id = :m"), {"m": owner})
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(
            "uq_booking_active_member_start",
            ["member_id", "start_at"],
            unique=True,
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )
    _copy_hours_to(bind, owner)


def downgrade():
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("uq_booking_active_member_start")
    # calls of two members at one start cannot share the practice's single calendar:
    # all but the first of each start are cancelled
    op.execute(
        "UPDATE booking SET status = 'cancelled' WHERE status = 'booked' AND id NOT IN "
        "(SELECT MIN(id) FROM booking WHERE status = 'booked' GROUP BY start_at)"
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(
            "uq_booking_active_start",
            ["start_at"],
            unique=True,
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )
        batch_op.drop_column("member_id")
