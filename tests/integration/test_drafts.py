"""Unfinished questionnaires to act on: by person, how far, answers so far, the
reminder the prospect asked for (sent now, once), and where drafts stop."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import g
from markupsafe import escape

from intake.mail.worker import deliver_due
from intake.models import AuditEvent, OutboxMessage, utcnow
from tests.conftest import csrf_of, sign_in, transactions
from tests.factories import make_consultant, make_submission
from tests.personas import PERSONAS

COLLAB = PERSONAS["strategic_collaborator"]


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    """A new g per request, as on a server (see test_team.py): the prospect's browser
    and the consultant's share the test's app context."""

    def clear():
        g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, clear)


@pytest.fixture
def consultant_browser(app, db):
    make_consultant()
    db.session.commit()
    browser = app.test_client()
    assert sign_in(browser).status_code == 302
    return browser


def _draft(db, email, steps, name="Ann Example"):
    d = make_submission(status="draft", name=name)
    d.email, d.email_key, d.steps_done = email, email.lower(), steps
    db.session.commit()
    return d


def test_drafts_are_grouped_by_person_with_contact_and_last_step(
    consultant_browser, db, questionnaire
):
    first = _draft(db, "Ann@Example.com", 2)
    second = _draft(db, "ann@EXAMPLE.com", 4)
    other = _draft(db, "bo@example.com", 1, name="Bo Other")
    html = consultant_browser.get("/workspace/drafts").get_data(as_text=True)
    assert html.count("questionnaires started") == 1
    assert re.search(r"ann@example\.com: 2 questionnaires started", html, re.I)
    for d in (first, second, other):
        assert f'href="/workspace/drafts/{d.id}"' in html
        assert f'href="mailto:{d.email}"' in html
    assert f"Last done: {escape(questionnaire.steps[3].title)}" in html
    assert f"Last done: {escape(questionnaire.steps[1].title)}" in html
    # the person's newest draft comes first within the group
    assert html.index(f"/workspace/drafts/{second.id}") < html.index(
        f"/workspace/drafts/{first.id}"
    )


def test_a_drafts_answers_read_only(consultant_browser, db, questionnaire):
    d = _draft(db, "ann@example.com", 2)
    page = consultant_browser.get(f"/workspace/drafts/{d.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert escape(questionnaire.steps[0].questions[0].label) in html
    assert "ann@example.com" in html
    assert "<textarea" not in html and 'type="text"' not in html
    submitted = make_submission()
    db.session.commit()
    assert (
        consultant_browser.get(f"/workspace/drafts/{submitted.id}").status_code == 404
    )
    assert consultant_browser.get("/workspace/drafts/999999").status_code == 404


def test_the_funnel_counts_drafts_per_last_step(consultant_browser, db):
    for steps in (1, 1, 3, 0):
        _draft(db, f"p{steps}-{utcnow().timestamp()}@example.com", steps)
    html = consultant_browser.get("/workspace/drafts").get_data(as_text=True)
    funnel = dict(
        re.findall(
            r'<th scope="row">([^<]+)</th>\s*<td><span class="funnel-count">(\d+)<',
            html,
        )
    )
    assert funnel == {
        "None yet": "1",
        "1 of 5": "2",
        "2 of 5": "0",
        "3 of 5": "1",
        "4 of 5": "0",
        "5 of 5": "0",
    }


def _ask_for_reminder(wizard, client):
    wizard.post_step(1, COLLAB)
    page = client.get("/start/step/2")
    data = {"csrf_token": csrf_of(page), "back": "/start/step/2", "remind": "y"}
    assert client.post("/start/email-link", data=data).status_code == 302


def _reminders(db):
    db.session.expire_all()
    return db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder")
    ).all()


def _remind(browser, draft_id):
    token = csrf_of(browser.get("/workspace/drafts"))
    return browser.post(
        f"/workspace/drafts/{draft_id}/remind",
        data={"csrf_token": token},
        follow_redirects=True,
    )


def test_send_the_reminder_the_prospect_asked_for_now_and_once(
    wizard, client, consultant_browser, db
):
    _ask_for_reminder(wizard, client)
    (reminder,) = _reminders(db)
    draft_id = reminder.submission_id
    assert deliver_due() == {}  # due in 3 days
    html = consultant_browser.get("/workspace/drafts").get_data(as_text=True)
    assert "Send the reminder now" in html
    done = _remind(consultant_browser, draft_id).get_data(as_text=True)
    assert "is on its way" in done
    (reminder,) = _reminders(db)
    assert reminder.nudged_at is not None and reminder.send_after <= utcnow()
    assert deliver_due() == {"sent": 1}
    html = consultant_browser.get("/workspace/drafts").get_data(as_text=True)
    assert "Send the reminder now" not in html and "Reminder sent" in html
    again = _remind(consultant_browser, draft_id).get_data(as_text=True)
    assert "There is no reminder to send" in again
    assert len(_reminders(db)) == 1
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("reminder") == 1


def test_no_reminder_button_when_the_prospect_did_not_ask(consultant_browser, db):
    d = _draft(db, "ann@example.com", 2)
    html = consultant_browser.get("/workspace/drafts").get_data(as_text=True)
    assert "Send the reminder now" not in html
    assert "Did not ask for a reminder" in html
    response = _remind(consultant_browser, d.id).get_data(as_text=True)
    assert "There is no reminder to send" in response
    assert _reminders(db) == []


def test_a_requested_reminder_waits_if_the_prospect_came_back_since(
    wizard, client, consultant_browser, db
):
    _ask_for_reminder(wizard, client)
    (reminder,) = _reminders(db)
    _remind(consultant_browser, reminder.submission_id)
    wizard.post_step(2, COLLAB)  # the prospect is back, after the request
    assert deliver_due() == {"postponed": 1}


NO_WAIT = "SET LOCAL synchronous_commit = off"


def test_a_draft_page_does_not_wait_for_the_disk_but_a_submission_does(
    wizard, db, statements
):
    """PostgreSQL: the transaction that saves a draft page says so; the one that
    submits does not. SQLite needs no statement (synchronous=NORMAL)."""
    postgres = db.engine.dialect.name == "postgresql"
    assert wizard.post_step(1, COLLAB).status_code == 302
    saves = [
        t
        for t in transactions(statements)
        if any("INSERT INTO submission" in s or "UPDATE submission" in s for s in t)
    ]
    assert saves, statements
    for t in saves:  # the setting counts at the commit, wherever it is said
        assert (NO_WAIT in t) is postgres
    statements.clear()
    for number in range(2, len(wizard.questionnaire.steps) + 1):
        wizard.post_step(number, COLLAB)
    statements.clear()
    assert wizard.submit().status_code == 302
    submit = [
        t for t in transactions(statements) if any("UPDATE submission" in s for s in t)
    ]
    assert submit and not any(NO_WAIT in t for t in submit)


def test_the_drafts_page_names_who_stopped_at_the_review_page(consultant_browser, db):
    """Not only a count: who reached the review page (every step done) and stopped a
    day or more ago, with their e-mail to write to."""
    import datetime as dt

    long_mail = "a.very.long.address.for.testing.layouts@an-example-practice.co.uk"
    stopped = _draft(db, long_mail, 5)
    fresh = _draft(db, "fresh@example.com", 5)  # still at it
    halfway = _draft(db, "half@example.com", 3)
    for d, name in (
        (stopped, "Rhiannon Featherstonehaugh-Smythe"),
        (fresh, "Fresh"),
        (halfway, "Half Way"),
    ):
        d.name = name
    stopped.updated_at = utcnow() - dt.timedelta(days=2)
    halfway.updated_at = utcnow() - dt.timedelta(days=2)
    db.session.commit()
    html = consultant_browser.get("/workspace/drafts").get_data(as_text=True)
    section = html[html.index('id="stopped-title"') : html.index("</section>")]
    assert f'href="/workspace/drafts/{stopped.id}">{stopped.name}</a>' in section
    assert f'<a href="mailto:{long_mail}">{long_mail}</a>' in section
    assert "stopped 2 days ago" in section
    assert "Fresh" not in section and "Half Way" not in section
