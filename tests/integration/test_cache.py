"""The per-process caches: values kept for their time, cleared by the commit that
writes what they hold (not by each write view), never shared between apps."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from intake import create_app, registry
from intake.cache import Cache
from intake.editor.models import PublishedQuestionnaire
from intake.extensions import db as db_
from intake.models import Note, QuestionnaireSnapshot, StoredPractice, Submission
from intake.practice_store import current_practice, save_practice
from intake.workspace.queries import summary_for_dashboard
from tests.factories import make_submission


@pytest.fixture
def app_config(app_config):
    """Caches that would stay stale for minutes unless a write clears them."""
    return {
        **app_config,
        "COUNTS_CACHE_SECONDS": 300,
        "PRACTICE_CACHE_SECONDS": 300,
        "PUBLISHED_CACHE_SECONDS": 300,
    }


def new_count(db) -> int:
    return summary_for_dashboard().by_status["new"]


def insert_behind_the_sessions_back(db):
    """A write the session cannot see, as another process's would be."""
    row = db.session.execute(sa.select(Submission.__table__).limit(1)).mappings().one()
    copy = {k: v for k, v in row.items() if k != "id"}
    copy["token_hash"] = row["token_hash"][:-4] + "copy"
    with db.engine.begin() as connection:
        connection.execute(sa.insert(Submission.__table__).values(**copy))


def test_counts_are_kept_until_a_commit_writes_a_submission(db):
    make_submission()
    db.session.commit()
    assert new_count(db) == 1
    insert_behind_the_sessions_back(db)
    assert new_count(db) == 1  # kept: this process wrote nothing
    make_submission()
    db.session.commit()
    assert new_count(db) == 3


def test_an_orm_bulk_update_clears_the_counts(db):
    make_submission()
    db.session.commit()
    assert new_count(db) == 1
    db.session.execute(sa.update(Submission).values(status="reviewing"))
    db.session.commit()
    assert new_count(db) == 0


def test_a_write_of_another_model_or_a_rollback_keeps_the_counts(db):
    submission = make_submission()
    db.session.commit()
    assert new_count(db) == 1
    insert_behind_the_sessions_back(db)
    db.session.add(Note(submission_id=submission.id, author_name="A", body="call"))
    db.session.commit()
    make_submission()
    db.session.rollback()
    assert new_count(db) == 1


def test_a_status_change_in_the_workspace_shows_at_once(signed_in, db):
    from tests.conftest import csrf_of

    submission = make_submission()
    db.session.commit()
    assert new_count(db) == 1
    token = csrf_of(signed_in.get(f"/workspace/submissions/{submission.id}"))
    response = signed_in.post(
        f"/workspace/submissions/{submission.id}/status",
        data={"csrf_token": token, "status": "reviewing"},
    )
    assert response.status_code == 302
    assert (new_count(db), summary_for_dashboard().by_status["reviewing"]) == (0, 1)


def test_the_practice_is_kept_until_it_is_saved(app, db):
    # each app context has its own `g`, which keeps the practice for one request
    with app.app_context():
        assert current_practice().name == "Northway Administrative Partners"
    with db.engine.begin() as connection:  # another process saves it
        connection.execute(
            sa.insert(StoredPractice.__table__).values(
                id=1, data={"name": "Elsewhere Ltd"}
            )
        )
    with app.app_context():
        assert current_practice().name == "Northway Administrative Partners"
    with app.app_context():
        save_practice(dataclasses.replace(current_practice(), name="Brightline"))
        db.session.commit()
    with app.app_context():
        assert current_practice().name == "Brightline"


def test_each_app_has_its_own_store(app_config, tmp_path):
    cache = Cache("test-own-store")
    first = create_app(app_config)
    second = create_app(
        {**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"}
    )
    with first.app_context():
        assert cache.get("k", lambda: "first") == "first"
    with second.app_context():
        assert cache.get("k", lambda: "second") == "second"
    with first.app_context():
        assert cache.get("k", lambda: "again") == "first"


def test_nothing_found_is_not_kept(app):
    cache = Cache("test-none")
    with app.app_context():
        assert cache.get("k", lambda: None) is None
        assert cache.get("k", lambda: "found later") == "found later"


def test_a_time_to_live_of_zero_keeps_nothing(app_config):
    cache = Cache("test-ttl", ttl_setting="COUNTS_CACHE_SECONDS")
    app = create_app({**app_config, "COUNTS_CACHE_SECONDS": 0})
    values = iter(range(3))
    with app.app_context():
        assert [cache.get("k", lambda: next(values)) for _ in range(3)] == [0, 1, 2]


def _snapshot(db, digest: str, version: str) -> None:
    db.session.add(
        QuestionnaireSnapshot(
            digest=digest, version=version, source=registry.shipped().source
        )
    )
    db.session.commit()


def test_the_published_version_is_kept_until_one_is_published_here(app, db):
    with app.app_context():
        assert registry.published_digest() is None
    _snapshot(db, "a" * 64, "2099.01")
    with db.engine.begin() as connection:  # another host publishes it
        connection.execute(
            sa.insert(PublishedQuestionnaire.__table__).values(
                version="2099.01", digest="a" * 64
            )
        )
    with app.app_context():  # this host keeps the file's for its time
        assert registry.published_digest() is None
    _snapshot(db, "b" * 64, "2099.02")
    with app.app_context():  # published on this host: seen at once
        db.session.add(PublishedQuestionnaire(version="2099.02", digest="b" * 64))
        db.session.commit()
    with app.app_context():
        assert registry.published_digest() == "b" * 64


def test_a_publication_on_another_host_is_seen_after_its_time(app_config, db):
    app = create_app({**app_config, "PUBLISHED_CACHE_SECONDS": 0})
    with app.app_context():
        assert registry.published_digest() is None
        _snapshot(db, "c" * 64, "2099.03")
        with db.engine.begin() as connection:
            connection.execute(
                sa.insert(PublishedQuestionnaire.__table__).values(
                    version="2099.03", digest="c" * 64
                )
            )
    with app.app_context():
        assert registry.published_digest() == "c" * 64
    with app.app_context():  # this app's connections, all returned: closed
        db_.engine.dispose()


def test_a_first_visits_step_page_reads_nothing_from_the_database(app):
    """Once the practice and the active version are kept, a new prospect's first page
    needs no query (on PostgreSQL each was a connection's ping, the query and its
    rollback). No app context is held around the requests: each has its own `g`, as
    on a server."""
    seen: list[str] = []
    with app.app_context():
        engine = db_.engine

    def record(_conn, _cursor, statement, *_):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        app.test_client().get("/start/step/1")
        seen.clear()
        pages = [app.test_client().get("/start/step/1") for _ in range(2)]
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert [p.status_code for p in pages] == [200, 200]
    assert seen == []
