"""The prospect's page laid out for the call (issue 25): the reasons written about the
prospect, the verdict once, deleting apart at the end, times in the practice's time
zone, a second send only on purpose, and a note that survives the session's end."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_lib
import re

import pytest
import sqlalchemy as sa
from flask import g

from intake.models import Note
from intake.offers.models import SUPERSEDED, Offer
from intake.practice_store import current_practice, save_practice
from tests.conftest import csrf_of, sign_in
from tests.factories import PASSWORD, make_submission

HOST = "intake.test"  # the test app's SERVER_NAME (tests/conftest.py)
MESSAGE = (
    "Hello Hannah,\r\n\r\nHere is our proposal, as promised on the call.\r\n\r\nCasey"
)
NOTE = "Called her: wants to start in January.\r\n\r\nAsk about the evenings " * 20


@pytest.fixture
def prospect(db, consultant):
    s = make_submission(persona="strategic_collaborator", status="reviewing")
    db.session.commit()
    return s


def _page(client, submission_id) -> str:
    response = client.get(f"/workspace/submissions/{submission_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def _set_zone(db, zone: str) -> None:
    practice = current_practice()
    save_practice(
        dataclasses.replace(
            practice,
            standards=dataclasses.replace(practice.standards, time_zone=zone),
        )
    )
    db.session.commit()


# ---- the layout -------------------------------------------------------------------


def test_the_reasons_speak_about_the_prospect_and_the_proposal_to_them(
    signed_in, prospect
):
    panel = _section(_page(signed_in, prospect.id), "proposal")
    reasons = re.search(r'<ul class="rationale">(.*?)</ul>', panel, re.S).group(1)
    assert "They picture about 45 hours of support a month" in reasons
    assert "they answered" in reasons
    assert not re.search(r"\b(you|your|You)\b", html_lib.unescape(reasons)), reasons
    # what the prospect reads keeps speaking to them
    preview = signed_in.get(f"/workspace/submissions/{prospect.id}/proposal")
    text = preview.get_data(as_text=True)
    assert "You picture about 45 hours of support a month" in text
    assert "They picture" not in text


def test_words_first_the_verdict_once_and_deleting_apart_at_the_end(
    signed_in, prospect
):
    html = _page(signed_in, prospect.id)
    # their own words and the talking points before the proposal, scores and answers
    order = [
        html.index(f'id="{name}"')
        for name in ("words", "gaps", "next", "body", "proposal", "scores", "answers")
    ]
    assert order == sorted(order)
    assert "We have grown from two to four consultants" in _section(html, "words")
    assert len(re.findall(r'class="badge verdict-', html)) == 1  # the verdict, once
    # deleting: after everything else, folded away, not a red button among the others
    danger = html.index('class="danger-zone"')
    assert danger > html.index('id="answers"')
    assert html.index("Delete permanently") > danger
    assert 'class="button danger ' not in html and 'button danger"' not in html
    assert html.count("Delete permanently") == 1


def test_the_next_action_follows_the_proposal(signed_in, prospect, db):
    html = _page(signed_in, prospect.id)
    assert re.search(
        r'class="button next-action" href="#send">Send the proposal<', html
    )
    _send(signed_in, prospect.id)
    html = _page(signed_in, prospect.id)
    assert re.search(
        r'class="button next-action" href="mailto:hannah@lindqvist-advisory.com">'
        r"Follow up by e-mail<",
        html,
    )


# ---- times ------------------------------------------------------------------------


def test_times_are_in_the_practice_zone_with_utc_on_hover(signed_in, prospect, db):
    _set_zone(db, "America/New_York")
    # summer (EDT, UTC-4) and winter (EST, UTC-5): one setting, the daylight rules
    db.session.add_all(
        [
            Note(
                submission_id=prospect.id,
                author_name="Casey",
                body="summer",
                created_at=dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.UTC),
            ),
            Note(
                submission_id=prospect.id,
                author_name="Casey",
                body="winter",
                created_at=dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC),
            ),
        ]
    )
    db.session.commit()
    notes = _section(_page(signed_in, prospect.id), "notes-list")
    assert (
        '<time datetime="2026-07-01T15:30Z" title="1 July 2026 at 15:30 UTC">'
        "01 Jul 2026 11:30</time>"
    ) in notes
    assert (
        '<time datetime="2026-12-01T15:30Z" title="1 December 2026 at 15:30 UTC">'
        "01 Dec 2026 10:30</time>"
    ) in notes
    _set_zone(db, "Europe/London")
    notes = _section(_page(signed_in, prospect.id), "notes-list")
    assert "01 Jul 2026 16:30</time>" in notes and "01 Dec 2026 15:30</time>" in notes
    activity = signed_in.get("/workspace/activity").get_data(as_text=True)
    assert re.search(r'<td><time datetime="[^"]+Z" title="[^"]+ UTC">', activity)


# ---- sending again ----------------------------------------------------------------


def _send(client, submission_id, message=MESSAGE, **extra):
    detail = client.get(f"/workspace/submissions/{submission_id}")
    return client.post(
        f"/workspace/submissions/{submission_id}/send-proposal",
        data={"csrf_token": csrf_of(detail), "message": message, **extra},
    )


def _offers(db) -> list[Offer]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Offer).order_by(Offer.id)).all()


def test_a_second_send_needs_the_box_ticked_and_loses_nothing(signed_in, prospect, db):
    assert _send(signed_in, prospect.id).status_code == 302
    (first,) = _offers(db)
    html = _page(signed_in, prospect.id)
    sent_on = re.search(r"Sent on (<time [^>]+>[^<]+</time>) to", html).group(1)
    assert 'to <span class="email">hannah@lindqvist-advisory.com</span>' in html
    assert "Send again" in html and 'name="replace"' in html
    assert f"Replace the proposal sent on {sent_on}" in html

    again = "A second message, written with care.\r\n\r\nCasey"
    refused = _send(signed_in, prospect.id, message=again)
    assert refused.status_code == 302
    assert _offers(db) == [first] and first.state == "sent"  # nothing sent
    html = _page(signed_in, prospect.id)
    assert "Nothing was sent: a proposal went to hannah@lindqvist-advisory.com" in html
    # the message typed is still in its form
    assert html_lib.escape(again).replace("\r\n", "\n") in html.replace("\r\n", "\n")

    assert _send(signed_in, prospect.id, message=again, replace="y").status_code == 302
    old, new = _offers(db)
    assert (old.state, new.state) == (SUPERSEDED, "sent")
    assert new.message.replace("\r\n", "\n") == again.replace("\r\n", "\n")


# ---- the session ends while a note is being written --------------------------------


def _expire(client, app):
    with client.session_transaction() as session:
        session["seen_at"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5


def _sign_in_again(client, login_url):
    page = client.get(login_url)
    assert page.status_code == 200
    next_value = re.search(
        r'name="next"[^>]*value="([^"]*)"', page.get_data(as_text=True)
    )
    next_value = html_lib.unescape(next_value.group(1)) if next_value else ""
    return client.post(
        "/workspace/login",
        data={
            "csrf_token": csrf_of(page),
            "email": "consultant@example.com",
            "password": PASSWORD,
            "next": next_value,
        },
    )


@pytest.mark.parametrize("how", ["idle", "signed_out_elsewhere"])
def test_a_note_written_as_the_session_ended_is_back_after_sign_in(
    client, consultant, prospect, app, db, how
):
    assert sign_in(client).status_code == 302
    page = f"/workspace/submissions/{prospect.id}"
    token = csrf_of(client.get(page))
    if how == "idle":
        _expire(client, app)
    else:  # signed out on another browser: this session is revoked
        consultant.session_generation += 1
        db.session.commit()
        # the requests share the test's app context (the db fixture's): forget the
        # user Flask-Login keeps in its `g` for the request
        g.pop("_login_user", None)
    posted = client.post(
        page + "/notes", data={"csrf_token": token, "body": NOTE, "back": "/workspace/"}
    )
    assert posted.status_code == 302
    assert posted.location.startswith("/workspace/login?next=")
    assert db.session.scalar(sa.select(sa.func.count(Note.id))) == 0

    signed = _sign_in_again(client, posted.location)
    assert signed.status_code == 302
    assert signed.location == page + "#notes"
    back = client.get(signed.location)
    assert back.status_code == 200  # never 405
    html = back.get_data(as_text=True)
    field = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert html_lib.unescape(field).replace("\r\n", "\n") == NOTE.replace("\r\n", "\n")
    assert "it is not saved yet" in html
    # taken once: the next visit shows an empty field
    again = client.get(page).get_data(as_text=True)
    assert re.search(r'<textarea id="body"[^>]*></textarea>', again)


def test_a_post_from_another_page_returns_there_after_sign_in(
    client, consultant, prospect, app
):
    assert sign_in(client).status_code == 302
    token = csrf_of(client.get("/workspace/board"))
    _expire(client, app)
    posted = client.post(
        "/workspace/board/move",
        data={"csrf_token": token, "status": "reviewing", "ids": [str(prospect.id)]},
        headers={"Referer": f"http://{HOST}/workspace/board?x=1"},
    )
    assert posted.status_code == 302
    assert posted.location.startswith("/workspace/login?next=")
    signed = _sign_in_again(client, posted.location)
    assert signed.location == "/workspace/board?x=1"
    assert client.get(signed.location).status_code == 200
