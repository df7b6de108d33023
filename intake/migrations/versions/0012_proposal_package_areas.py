"""proposal: a package's areas become the questionnaire's area values

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:10:00

Packages' areas were free text in another vocabulary than the questionnaire's areas
question ("Inbox and calendar" beside "inbox_calendar"), so a proposal could never
say which of the areas a prospect ticked a package covers. Known words become the
area's value; anything else is kept as free text (Settings shows it as "other
areas"). Reading a practice converts old data too (intake.practice.area_values); this
stores the conversion. The word list is a copy of intake.practice.AREA_WORDS as it
was at this revision (a migration must not change when the code does). No schema
change; the downgrade keeps the values (they read back as they are).
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

AREA_WORDS = {
    "inbox_calendar": ("inbox", "calendar", "diary", "appointment", "scheduling"),
    "client_care": ("client", "customer"),
    "bookkeeping_admin": ("bookkeeping", "billing", "invoic", "expense"),
    "events": ("event", "travel", "workshop"),
    "hiring_onboarding": ("hiring", "recruit", "onboarding"),
    "projects": ("project", "launch"),
    "marketing_admin": ("marketing", "newsletter", "social media", "listing"),
    "systems_processes": ("system", "process", "tool"),
    "documents": ("document", "filing", "template", "report"),
    "research": ("research", "information gathering"),
}


def area_values(areas) -> list[str]:
    out: list[str] = []
    for area in areas:
        text = str(area).strip()
        words = text.casefold()
        found = (
            [text]
            if text in AREA_WORDS
            else [v for v, keys in AREA_WORDS.items() if any(k in words for k in keys)]
        )
        out += [v for v in (found or [text]) if v and v not in out]
    return out


def upgrade():
    table = sa.table(
        "practice_settings", sa.column("id", sa.Integer), sa.column("data", sa.JSON)
    )
    conn = op.get_bind()
    for row_id, data in conn.execute(sa.select(table.c.id, table.c.data)).all():
        data = json.loads(data) if isinstance(data, str) else dict(data or {})
        packages = data.get("packages")
        if not isinstance(packages, list):
            continue
        for package in packages:
            if isinstance(package, dict):
                package["service_areas"] = area_values(
                    package.get("service_areas") or []
                )
        conn.execute(table.update().where(table.c.id == row_id).values(data=data))


def downgrade():
    pass
