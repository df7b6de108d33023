"""A stored draft's step saved without reading the draft first: one `UPDATE ...
RETURNING` and the commit, where nothing the step view decides depends on what the
draft holds; the way that reads the draft otherwise (test_draft_save.py). On SQLite, and
on PostgreSQL with INTAKE_TEST_DATABASE_URL."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from intake.models import Submission, utcnow
from intake.prospect import drafts
from tests.conftest import csrf_of
from tests.integration.test_draft_save import step_answers, stored
from tests.personas import PERSONAS

COLLAB = PERSONAS["strategic_collaborator"]


def post_as_a_browser(wizard, client, number: int, answers: dict, statements=None):
    """The step as a browser running the page's script sends it: with "shown", the
    questions the answers show. `statements` is emptied after the page's GET."""
    questions = wizard.questionnaire.steps[number - 1].questions
    shown = " ".join(
        q.id for q in questions if wizard.questionnaire.is_visible(q, answers)
    )
    token = csrf_of(client.get("/start/step/1"))  # the session's token
    if statements is not None:
        statements.clear()
    data = {"csrf_token": token, "shown": shown, **wizard.step_data(number, answers)}
    return client.post(f"/start/step/{number}", data=data)


def test_a_save_of_a_stored_draft_is_one_statement_and_the_commit(
    wizard, client, db, statements, caplog
):
    postgres = db.engine.dialect.name == "postgresql"
    assert wizard.post_step(1, COLLAB).status_code == 302
    caplog.set_level(logging.INFO, logger="intake.request")
    response = post_as_a_browser(wizard, client, 2, COLLAB, statements)
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/start/step/3",
    )
    update, commit = statements  # no read of the draft, no SET of its own
    assert commit == "COMMIT", statements
    assert update.startswith("UPDATE submission SET ") and "RETURNING" in update
    assert "token_hash = " in update and "questionnaire_digest = " in update
    # PostgreSQL: the commit does not wait for the disk, said by the UPDATE itself
    assert ("set_config('synchronous_commit', 'off', true)" in update) is postgres
    assert "session=" in response.headers.get("Set-Cookie", "")  # renewed
    draft = stored(db)
    assert draft.steps_done == 2
    for number in (1, 2):
        for key, value in step_answers(wizard.questionnaire, number, COLLAB).items():
            assert draft.answers[key] == value, key
    lines = [r.getMessage() for r in caplog.records if r.name == "intake.request"]
    (line,) = [line for line in lines if "step=2" in line]  # one line, with the draft
    assert line.startswith(
        "request method=POST endpoint=prospect.step "
        f"action=save_step draft={draft.id} step=2 status=302 "
    ), line


def test_the_contact_step_saved_again_writes_its_columns_only_when_they_change(
    wizard, client, db, statements
):
    """The contact columns are checked in the statement's WHERE, not written: a change
    goes the way that reads the draft and writes them."""
    assert wizard.post_step(1, COLLAB).status_code == 302
    response = post_as_a_browser(wizard, client, 1, COLLAB, statements)
    assert response.headers["Location"] == "/start/step/2"
    assert [s.split(" SET ")[0] for s in statements] == ["UPDATE submission", "COMMIT"]
    assert " email=" not in statements[0] and "search_text=" not in statements[0]

    email = wizard.questionnaire.by_role("contact_email").id
    changed = {**COLLAB, email: "New.Address@example.com"}
    response = post_as_a_browser(wizard, client, 1, changed, statements)
    assert response.headers["Location"] == "/start/step/2"
    assert any(s.startswith("SELECT") for s in statements), statements
    draft = stored(db)
    assert draft.answers[email] == "New.Address@example.com"
    assert (draft.email, draft.email_key) == (
        "New.Address@example.com",
        "new.address@example.com",
    )
    assert "new.address@example.com" in draft.search_text


def test_a_draft_sent_since_is_not_saved_and_the_prospect_is_thanked(
    wizard, client, db
):
    assert wizard.post_step(1, COLLAB).status_code == 302
    table = Submission.__table__
    db.session.execute(sa.update(table).values(status="new"))
    db.session.commit()
    before = dict(stored(db).answers)
    # the page the prospect can still post (the wizard sends them back to step 1)
    response = post_as_a_browser(wizard, client, 1, COLLAB)
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/start/thanks",
    )
    response = post_as_a_browser(wizard, client, 2, COLLAB)
    assert response.status_code == 302
    after = stored(db)
    assert (after.status, after.steps_done, after.answers) == ("new", 1, before)


def test_an_expired_draft_is_not_saved(wizard, client, db):
    assert wizard.post_step(1, COLLAB).status_code == 302
    table = Submission.__table__
    past = utcnow() - dt.timedelta(seconds=1)
    db.session.execute(sa.update(table).values(token_expires_at=past))
    db.session.commit()
    (expired,) = db.session.scalars(sa.select(Submission)).all()
    before = (dict(stored(db).answers), expired.id)
    response = post_as_a_browser(wizard, client, 2, COLLAB)
    assert response.status_code < 500
    db.session.expire_all()
    again = db.session.get(Submission, expired.id)
    assert again is not None
    assert (dict(again.answers), again.id) == before and again.steps_done == 1


def test_a_step_out_of_reach_is_not_saved(wizard, client, db):
    assert wizard.post_step(1, COLLAB).status_code == 302
    response = post_as_a_browser(wizard, client, 3, COLLAB)
    assert response.headers["Location"] == "/start/step/2"
    draft = stored(db)
    assert draft.steps_done == 1
    assert not set(step_answers(wizard.questionnaire, 3, COLLAB)) & set(draft.answers)


def test_a_cookie_from_before_learns_its_questionnaire_at_the_next_save(
    wizard, client, db, statements
):
    """A session holding only the token (a cookie set before this change) is saved
    the way that reads the draft, which remembers its questionnaire for the next."""
    assert wizard.post_step(1, COLLAB).status_code == 302
    with client.session_transaction() as session:
        session.pop(drafts.DIGEST_KEY)
    post_as_a_browser(wizard, client, 2, COLLAB, statements)
    assert statements[0].startswith("SELECT"), statements
    post_as_a_browser(wizard, client, 3, COLLAB, statements)
    assert [s.split(" SET ")[0] for s in statements] == ["UPDATE submission", "COMMIT"]
    assert stored(db).steps_done == 3


def test_a_step_whose_questions_depend_on_another_step_reads_the_draft(
    wizard, client, db, statements
):
    """Its questions are shown by an earlier step's answers: checked against them."""
    questionnaire = wizard.questionnaire
    number = next(
        n
        for n, step in enumerate(questionnaire.steps, 1)
        if any(
            q.show_if and questionnaire.question(q.show_if.question).step_id != step.id
            for q in step.questions
        )
    )
    for n in range(1, number):
        assert wizard.post_step(n, COLLAB).status_code == 302
    response = post_as_a_browser(wizard, client, number, COLLAB, statements)
    assert response.status_code == 302
    assert statements[0].startswith("SELECT"), statements
    assert stored(db).steps_done == number


def test_the_statement_itself_says_the_commit_need_not_wait(app, wizard, client, db):
    """PostgreSQL: the setting holds in the transaction the UPDATE wrote in (and only
    if it wrote). SQLite needs none (synchronous=NORMAL)."""
    from flask import session

    from intake.extensions import db as app_db

    assert wizard.post_step(1, COLLAB).status_code == 302
    with client.session_transaction() as cookie:
        remembered = dict(cookie)
    questionnaire = wizard.questionnaire
    step = questionnaire.steps[1]
    answers = step_answers(questionnaire, 2, COLLAB)
    postgres = db.engine.dialect.name == "postgresql"

    def setting() -> str | None:
        if not postgres:
            return None
        return app_db.session.scalar(sa.text("SHOW synchronous_commit"))

    with app.test_request_context("/start/step/2", method="POST"):
        session.update(remembered)
        draft_id = drafts.save_step_without_reading(questionnaire, step, answers)
        assert draft_id is not None
        assert setting() == ("off" if postgres else None)
        app_db.session.commit()
        session["draft"] = "not-a-stored-token"
        assert drafts.save_step_without_reading(questionnaire, step, answers) is None
        assert setting() == ("on" if postgres else None)
        app_db.session.rollback()
