"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from intake.extensions import db as _db


def _reset(db):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_from_empty_matches_the_models(app, db):
    _reset(db)
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == []
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"submission", "consultant", "note", "practice_settings"} <= tables


def test_downgrade_removes_everything(app, db):
    _reset(db)
    upgrade()
    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()  # and back, for the fixture's teardown


def test_list_queries_use_indexes_on_sqlite(app, db):
    if db.engine.dialect.name != "sqlite":
        return
    plan = db.session.execute(
        sa.text(
            "EXPLAIN QUERY PLAN SELECT id FROM submission WHERE status = 'new' "
            "ORDER BY overall DESC LIMIT 25"
        )
    ).all()
    text = " ".join(str(row[-1]) for row in plan)
    assert "ix_submission_status_overall" in text and "TEMP B-TREE" not in text
