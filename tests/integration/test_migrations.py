"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from intake.extensions import db as _db
from intake.models import Submission, include_name
from tests.factories import listed_row


def _reset(db):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def _search_index_schema(db) -> list[tuple[str, str]]:
    """SQLite's FTS table and its triggers, as the database stores their SQL."""
    if db.engine.dialect.name != "sqlite":
        return []
    return db.session.execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master WHERE name LIKE 'submission_search%' "
            "AND sql NOT LIKE 'CREATE TABLE%' ORDER BY name"
        )
    ).all()


def test_upgrade_from_empty_matches_the_models(app, db):
    made_by_create_all = _search_index_schema(db)
    _reset(db)
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, _db.metadata)
    assert diff == []
    # the search index is not in the metadata: the migration and the models' hook
    # must make the same one
    assert _search_index_schema(db) == made_by_create_all
    if db.engine.dialect.name == "sqlite":
        assert [name for name, _ in made_by_create_all] == [
            "submission_search",
            "submission_search_delete",
            "submission_search_insert",
            "submission_search_update",
        ]
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"submission", "consultant", "note", "practice_settings"} <= tables


def test_downgrade_removes_everything(app, db):
    _reset(db)
    upgrade()
    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()  # and back, for the fixture's teardown


def _plan(
    db, query, *, off=("enable_seqscan", "enable_sort", "enable_bitmapscan")
) -> str:
    """The query plan of a list query, as text, on either database."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = (
        postgresql.dialect()
        if db.engine.dialect.name == "postgresql"
        else sqlite.dialect()
    )
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        # an empty table makes any plan cheap: ask whether an index *can* give the order
        for setting in off:
            db.session.execute(sa.text(f"SET LOCAL {setting} = off"))
        rows = db.session.execute(sa.text("EXPLAIN " + sql)).all()
        return " ".join(str(r[0]) for r in rows)
    rows = db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql)).all()
    return " ".join(str(r[-1]) for r in rows)


@pytest.mark.parametrize(
    "sort", ["submitted", "overall", "name", "fit", "flags", "status"]
)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_list_sort_reads_an_index_without_sorting(app, db, sort, direction):
    from intake.workspace.queries import SORTS, ListFilters, _filtered

    filters = ListFilters(sort=sort, direction=direction)
    column = SORTS[sort]
    order = column.asc() if direction == "asc" else column.desc()
    tie = Submission.id.asc() if direction == "asc" else Submission.id.desc()
    query = _filtered(filters).order_by(order, tie).limit(25)
    plan = _plan(db, query)
    assert f"ix_listed_{column.key}" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort " not in plan, plan


def test_search_reads_the_search_index(app, db):
    from intake import registry
    from intake.workspace.queries import ListFilters, _filtered

    q = registry.active()
    registry.ensure_stored(q)
    now = dt.datetime.now(dt.UTC)
    db.session.execute(
        sa.insert(Submission),
        [
            listed_row(i, q, now, answers={"x": "y" * 500})
            if i != 77
            else listed_row(
                i, q, now, search_text="hannah lindqvist | lindqvist advisory"
            )
            for i in range(5000)
        ],
    )
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    query = _filtered(ListFilters(q="Lindqvist")).order_by(
        Submission.submitted_at.desc()
    )
    assert [s.id for s in db.session.scalars(query)] == [78]
    if db.engine.dialect.name == "postgresql":
        # the planner picks the trigram index once the table is large (see the bench);
        # here it is enough that the index exists in the right form
        indexdef = db.session.scalar(
            sa.text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_submission_search'"
            )
        )
        assert "USING gin (search_text gin_trgm_ops)" in indexdef, indexdef
        assert "WHERE ((status)::text <> 'draft'::text)" in indexdef, indexdef
        return
    plan = _plan(db, query.limit(25))
    # the FTS5 trigram index (tests/integration/test_search.py has the rest)
    assert "SCAN submission_search VIRTUAL TABLE INDEX" in plan, plan


def test_0010_indexes_the_rows_already_there_and_downgrades(app, db):
    from intake import registry
    from intake.models import SEARCH_INDEX
    from intake.workspace.queries import ListFilters, _filtered

    _reset(db)
    upgrade(revision="0009")
    q = registry.active()
    registry.ensure_stored(q)
    now = dt.datetime.now(dt.UTC)
    db.session.execute(
        sa.insert(Submission), [listed_row(i, q, now) for i in range(30)]
    )
    db.session.commit()
    upgrade()
    query = _filtered(ListFilters(q="Prospect 17")).with_only_columns(Submission.id)
    assert list(db.session.scalars(query)) == [18]
    if db.engine.dialect.name == "postgresql":
        options = db.session.scalar(
            sa.text("SELECT reloptions FROM pg_class WHERE relname = :n"),
            {"n": "ix_submission_search"},
        )
        assert options == ["fastupdate=off"]
        return
    indexed = db.session.scalars(
        sa.text(f"SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH :p"),
        {"p": '"prospect 17"'},
    )
    assert list(indexed) == [18]
    db.session.commit()
    downgrade(revision="0009")
    names = set(sa.inspect(db.engine).get_table_names())
    assert not {n for n in names if n.startswith(SEARCH_INDEX)}
    triggers = db.session.scalar(
        sa.text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
    )
    assert triggers == 0
    upgrade()  # and back, for the fixture's teardown


def test_0012_makes_package_areas_the_questionnaires_values(app, db):
    from intake.practice import Practice

    _reset(db)
    upgrade(revision="0011")
    old = {
        "name": "Old Practice",
        "packages": [
            {
                "name": "Essentials",
                "monthly_hours": 10,
                "monthly_price": 600,
                "service_areas": [
                    "Inbox and calendar",
                    "Projects and events",
                    "Feng shui of the office",
                ],
                "reviews": ["monthly"],
            }
        ],
    }
    table = sa.table(
        "practice_settings",
        sa.column("id", sa.Integer),
        sa.column("data", sa.JSON),
        sa.column("updated_at", sa.DateTime),
    )
    db.session.execute(
        sa.insert(table).values(id=1, data=old, updated_at=dt.datetime(2026, 1, 1))
    )
    db.session.commit()
    upgrade()
    data = db.session.execute(sa.select(table.c.data)).scalar_one()
    areas = data["packages"][0]["service_areas"]
    assert areas == ["inbox_calendar", "events", "projects", "Feng shui of the office"]
    # and reading converts the same way, for data restored from an older backup
    assert Practice.from_dict(old).packages[0].service_areas == tuple(areas)
    db.session.rollback()


def test_0021_copies_the_knockout_reasons_out_of_the_stored_explanations(app, db):
    from intake import registry
    from intake.questionnaire.scoring import assess
    from tests.personas import PERSONAS

    _reset(db)
    upgrade(revision="0020")
    q = registry.active()
    registry.ensure_stored(q)
    now = dt.datetime.now(dt.UTC)
    personas = ["one_off_project", "occasional_helper", "strategic_collaborator"]
    explained = [assess(q, PERSONAS[name]) for name in personas]
    rows = [
        listed_row(i, q, now, verdict=a.verdict, assessment=a.to_dict())
        for i, a in enumerate(explained)
    ]
    rows.append(listed_row(3, q, now, verdict="not a fit"))  # never explained
    db.session.execute(sa.insert(Submission.__table__), rows)
    db.session.commit()
    upgrade(revision="0021")
    stored = db.session.execute(
        sa.select(Submission.id, Submission.knockouts).order_by(Submission.id)
    ).all()
    expected = [[f.reason for f in a.flags if f.knockout] or None for a in explained]
    assert [k for _, k in stored] == [*expected, None]
    assert expected[0] and expected[1] and expected[2] is None
    db.session.commit()  # the read's transaction ends before the ALTER TABLE
    downgrade(revision="0020")
    assert "knockouts" not in {
        c["name"] for c in sa.inspect(db.engine).get_columns("submission")
    }
    upgrade()  # and back, for the fixture's teardown
