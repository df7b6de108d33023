"""The per-process caches: values kept for their time, cleared by the commit that
writes what they hold (not by each write view), never shared between apps."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from intake import create_app
from intake.cache import Cache
from intake.models import Note, StoredPractice, Submission
from intake.practice_store import current_practice, save_practice
from intake.workspace.queries import summary_for_dashboard
from tests.factories import make_submission


@pytest.fixture
def app_config(app_config):
    """Caches that would stay stale for minutes unless a write clears them."""
    return {**app_config, "COUNTS_CACHE_SECONDS": 300, "PRACTICE_CACHE_SECONDS": 300}


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
