"""The list's counts kept cheap at any size: the needs-attention count capped (exact up
to the cap, "99+" beyond), the weeks counted as ranges of an index, PostgreSQL's
connections without JIT. The figures are in bench/README.md ("Cost as data grows")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from intake.models import LISTED_SQL, Submission, utcnow
from intake.offers import attention
from intake.offers.models import SUPERSEDED
from intake.practice_store import current_practice
from intake.workspace.queries import WEEKS_SHOWN, summary_for_dashboard
from tests.factories import make_offer, make_submission

# a Wednesday at noon (the reply promise of one business day ends Tuesday noon)
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def _one_statement(now: dt.datetime) -> int:
    """The count as it was made before the cap: one statement over every listed row."""
    return db_count(
        sa.select(sa.func.count(Submission.id))
        .where(sa.text(LISTED_SQL))
        .where(attention.needs_attention(current_practice(), now))
    )


def db_count(statement) -> int:
    from intake.extensions import db

    return db.session.execute(statement).scalar_one()


def _late(db, n: int, now: dt.datetime = NOW) -> list[Submission]:
    """`n` new prospects sent 9 days before `now`: past the reply promise."""
    rows = [
        make_submission(persona="friendly_founder", submitted_at=now - dt.timedelta(9))
        for _ in range(n)
    ]
    db.session.flush()
    return rows


def _with_offer(db, status: str, **offer) -> Submission:
    s = make_submission(persona="steady_collaborator", status=status)
    db.session.flush()
    make_offer(s, **offer)
    return s


@pytest.fixture
def mixed(db, consultant):
    """Five prospects needing attention, one of them for two reasons, and four not."""
    ago = lambda **kw: NOW - dt.timedelta(**kw)  # noqa: E731
    _late(db, 2)
    # unopened for 4 days, expired, and late with an expired proposal as well
    _with_offer(db, "proposal_sent", created=ago(days=4), expires=ago(days=-20))
    _with_offer(db, "proposal_sent", created=ago(days=40), expires=ago(days=10))
    (both,) = _late(db, 1)
    make_offer(both, created=ago(days=40), expires=ago(days=10))
    # not: fresh, opened and valid, a superseded expired one, a draft
    make_submission(persona="steady_collaborator", submitted_at=ago(hours=2))
    _with_offer(
        db, "proposal_sent", created=ago(days=5), expires=ago(days=-9), opened=1
    )
    _with_offer(
        db, "reviewing", created=ago(days=40), expires=ago(days=9), state=SUPERSEDED
    )
    make_submission(persona="steady_collaborator", status="draft")
    db.session.commit()


def test_the_count_is_exact_up_to_the_cap(mixed):
    practice = current_practice()
    assert _one_statement(NOW) == 5
    assert attention.attention_count(practice, NOW) == 5
    for cap in (5, 6, 99):
        assert attention.attention_count(practice, NOW, cap=cap) == 5
        assert attention.capped_label(5, cap) == "5"


def test_a_count_past_the_cap_stops_at_one_more(mixed):
    practice = current_practice()
    # 3 unanswered (the first branch stops), then 2 offers after 3 unanswered
    assert attention.attention_count(practice, NOW, cap=2) == 3
    assert attention.attention_count(practice, NOW, cap=3) == 4
    assert attention.attention_count(practice, NOW, cap=4) == 5
    assert attention.capped_label(3, 2) == "2+"
    assert attention.capped_label(5, 4) == "4+"


def test_the_offer_branch_alone_is_capped_and_counts_each_prospect_once(db, consultant):
    ago = lambda **kw: NOW - dt.timedelta(**kw)  # noqa: E731
    for _ in range(3):
        s = _with_offer(db, "proposal_sent", created=ago(days=40), expires=ago(days=1))
        # an older expired proposal of the same prospect still marked sent
        make_offer(s, created=ago(days=60), expires=ago(days=30))
    db.session.commit()
    practice = current_practice()
    assert _one_statement(NOW) == attention.attention_count(practice, NOW) == 3
    assert attention.attention_count(practice, NOW, cap=1) == 2
    assert attention.attention_count(practice, NOW, cap=3) == 3


def _shown(client) -> str:
    html = client.get("/workspace/").get_data(as_text=True)
    return re.search(r"Needs attention <strong>([^<]*)</strong>", html).group(1)


def test_the_list_shows_the_exact_count_then_the_cap(signed_in, db, monkeypatch):
    assert attention.ATTENTION_CAP == 99
    monkeypatch.setattr(attention, "ATTENTION_CAP", 2)
    assert _shown(signed_in) == "0"
    _late(db, 2, utcnow())
    db.session.commit()
    assert _shown(signed_in) == "2"
    _late(db, 1, utcnow())
    db.session.commit()
    assert _shown(signed_in) == "2+"


def test_the_weeks_count_each_submission_in_its_week(db):
    today = NOW.date()  # a Wednesday: the last week started on Monday the 30th
    first = dt.datetime(2026, 9, 14, tzinfo=dt.UTC)  # Monday, 11 weeks before
    end = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)  # next Monday
    tick = dt.timedelta(microseconds=1)
    for when in (first - tick, first, first, first + dt.timedelta(days=8), end - tick):
        make_submission(submitted_at=when)
    make_submission(submitted_at=end)  # next week: not shown
    make_submission(status="draft")
    db.session.commit()
    weeks = summary_for_dashboard(today=today).weeks
    assert len(weeks) == WEEKS_SHOWN
    assert weeks[0] == (first.date(), 2)
    assert weeks[1] == (dt.date(2026, 9, 21), 1)
    assert weeks[-1] == (dt.date(2026, 11, 30), 1)
    assert sum(n for _, n in weeks) == 4


def test_postgresql_connections_run_without_jit(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting: run with INTAKE_TEST_DATABASE_URL")
    assert db.session.execute(sa.text("SHOW jit")).scalar_one() == "off"
    # a new connection of the pool too, not only the one the tests warmed
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar_one() == "off"


def test_sqlite_reads_the_offers_through_their_index(db):
    """The plans SQLite picks without ANALYZE (as on a production file): the count's
    offer branch and the list's attention filter read ix_offer_sent, never a table
    scan of the offers, and the filter looks a prospect's offers up by its id (an
    index on `state` first once made it scan every sent offer for every prospect)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plans (PostgreSQL's follow its statistics)")
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, params, context, executemany):
        if "offer" in statement:
            seen.append((statement, params))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        attention.attention_count(current_practice(), NOW, cap=99)
        db.session.execute(
            sa.select(sa.func.count()).where(
                attention.needs_attention(current_practice(), NOW)
            )
        )
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(seen) == 2, seen
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    branch, filtered = (
        [row[-1] for row in cursor.execute("EXPLAIN QUERY PLAN " + statement, params)]
        for statement, params in seen
    )
    offer_steps = [s for s in branch + filtered if " offer " in s + " "]
    assert offer_steps and all("COVERING INDEX ix_offer_sent" in s for s in offer_steps)
    assert any("(submission_id=?)" in s for s in filtered), filtered
