"""The save of a draft page (issue 27): one `UPDATE ... RETURNING` that merges the
step's answers in SQL, with the checks of the read in its WHERE. On SQLite, and on
PostgreSQL with INTAKE_TEST_DATABASE_URL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from intake.models import Submission, utcnow
from intake.prospect import drafts
from tests.conftest import csrf_of
from tests.personas import PERSONAS

COLLAB = PERSONAS["strategic_collaborator"]


@pytest.fixture
def statements(db):
    """Each SQL statement the app sends, in order."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_):
        seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)


def stored(db) -> Submission:
    """The one draft, read afresh."""
    db.session.expire_all()
    (draft,) = db.session.scalars(
        sa.select(Submission).options(sa.orm.undefer(Submission.answers))
    ).all()
    return draft


def step_answers(questionnaire, number: int, answers: dict) -> dict:
    ids = {q.id for q in questionnaire.steps[number - 1].questions}
    return {k: v for k, v in answers.items() if k in ids}


def test_a_save_is_one_update_returning_and_nothing_read_after_it(
    wizard, client, db, statements
):
    assert wizard.post_step(1, COLLAB).status_code == 302
    data = wizard.step_data(2, COLLAB)
    token = csrf_of(client.get("/start/step/2"))
    statements.clear()
    response = client.post("/start/step/2", data={"csrf_token": token, **data})
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/start/step/3",
    )
    writes = [s for s in statements if not s.startswith(("SELECT", "SET LOCAL"))]
    assert len(writes) == 1, statements
    (update,) = writes
    assert update.startswith("UPDATE submission SET ") and "answers=" in update
    assert "RETURNING" in update and "token_hash = " in update
    after = statements[statements.index(update) + 1 :]
    assert after == [], after  # no reload of the draft for the log line
    # the draft's cookie is renewed with the draft
    assert "session=" in response.headers.get("Set-Cookie", "")
    draft = stored(db)
    assert draft.steps_done == 2
    for number in (1, 2):
        for key, value in step_answers(wizard.questionnaire, number, COLLAB).items():
            assert draft.answers[key] == value, key


def _save(app, draft, questionnaire, number, answers) -> bool:
    """save_step as a request would call it, then the commit."""
    from intake.extensions import db

    step = questionnaire.steps[number - 1]
    with app.test_request_context(f"/start/step/{number}", method="POST"):
        saved = drafts.save_step(draft, questionnaire, step, answers)
        db.session.commit()
    return saved


def test_two_tabs_saving_two_steps_at_once_keep_both(app, wizard, db, questionnaire):
    """A save merges into what is stored now, not into what its request read: the
    answers another tab saved in between stay (the ORM wrote the whole object back)."""
    assert wizard.post_step(1, COLLAB).status_code == 302
    assert wizard.post_step(2, COLLAB).status_code == 302
    tab_a = stored(db)  # read by tab A before tab B saves step 1 again
    db.session.expunge(tab_a)
    changed = dict(step_answers(questionnaire, 1, COLLAB))
    key = next(k for k, v in changed.items() if isinstance(v, str) and "@" not in v)
    changed[key] = "Changed in tab B"
    assert wizard.post_step(1, {**COLLAB, **changed}).status_code == 302
    db.session.add(tab_a)
    third = step_answers(questionnaire, 3, COLLAB)
    assert _save(app, tab_a, questionnaire, 3, third)
    draft = stored(db)
    assert draft.answers[key] == "Changed in tab B"
    for k, v in third.items():
        assert draft.answers[k] == v
    assert draft.steps_done == 3


def test_a_cleared_answer_is_removed_and_the_others_kept(
    app, wizard, db, questionnaire
):
    assert wizard.post_step(1, COLLAB).status_code == 302
    assert wizard.post_step(2, COLLAB).status_code == 302
    draft = stored(db)
    step_two = step_answers(questionnaire, 2, COLLAB)
    kept_key, *_ = step_two
    assert _save(app, draft, questionnaire, 2, {kept_key: step_two[kept_key]})
    after = stored(db)
    assert {k for k in step_two if k in after.answers} == {kept_key}
    for k, v in step_answers(questionnaire, 1, COLLAB).items():
        assert after.answers[k] == v
    assert after.steps_done == 2  # a step saved again does not move progress back


@pytest.mark.parametrize("change", ["sent", "expired"])
def test_a_draft_sent_or_expired_since_it_was_read_is_not_saved(
    app, wizard, db, questionnaire, change
):
    assert wizard.post_step(1, COLLAB).status_code == 302
    stale = stored(db)  # as the request read it
    db.session.expunge(stale)
    before = dict(stale.answers)
    values = (
        {"status": "new"}
        if change == "sent"
        else {"token_expires_at": utcnow() - dt.timedelta(seconds=1)}
    )
    table = Submission.__table__
    db.session.execute(sa.update(table).where(table.c.id == stale.id).values(values))
    db.session.commit()
    db.session.add(stale)
    step_two = step_answers(questionnaire, 2, COLLAB)
    assert _save(app, stale, questionnaire, 2, step_two) is False
    after = stored(db)
    assert after.answers == before and after.steps_done == 1


def test_a_step_posted_as_the_draft_is_sent_elsewhere_is_no_error(
    app, wizard, client, db, monkeypatch
):
    """The draft is sent (another tab) between the step's read and its save: the
    prospect lands on the thanks page, and nothing is written into the submission."""
    assert wizard.post_step(1, COLLAB).status_code == 302
    read = drafts.current

    def read_then_sent_elsewhere():
        draft = read()
        table = Submission.__table__
        db.session.execute(
            sa.update(table).where(table.c.id == draft.id).values(status="new")
        )
        db.session.commit()
        return draft

    token = csrf_of(client.get("/start/step/2"))
    monkeypatch.setattr(drafts, "current", read_then_sent_elsewhere)
    response = client.post(
        "/start/step/2", data={"csrf_token": token, **wizard.step_data(2, COLLAB)}
    )
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/start/thanks",
    )
    after = stored(db)
    assert after.status == "new" and after.steps_done == 1
