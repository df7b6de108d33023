"""The workspace's outbox: every message, its delivery, the message itself."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from intake.mail import queue_mail
from intake.mail.worker import deliver_due
from intake.models import OutboxMessage, utcnow
from tests.conftest import csrf_of

CONTEXT = {"link": "https://intake.example/x", "expires": "1 May", "ttl_days": 30}


def _queued(db, **kw):
    row = queue_mail(
        to="pat@example.com",
        template="resume_link",
        subject="Your link to continue",
        context={**CONTEXT, "name": "Pat <b>"},
        **kw,
    )
    db.session.commit()
    return row


def test_outbox_needs_sign_in(client):
    response = client.get("/workspace/outbox")
    assert response.status_code == 302
    assert "/workspace/login" in response.headers["Location"]


def test_outbox_lists_messages_and_says_nothing_leaves_without_a_server(signed_in, db):
    row = _queued(db)
    deliver_due(worker="w1")
    page = signed_in.get("/workspace/outbox").get_data(as_text=True)
    assert "No mail server is configured, so nothing leaves this computer." in page
    assert f'href="/workspace/outbox/{row.id}">Your link to continue</a>' in page
    assert "pat@example.com" in page
    assert '<span class="badge status-sent">Sent</span>' in page
    assert "Sent: 1</a>" in page and "Waiting: 0</a>" in page


def test_one_message_shows_its_text_attempts_and_downloads(signed_in, db):
    row = _queued(db)
    deliver_due(worker="w1")
    page = signed_in.get(f"/workspace/outbox/{row.id}").get_data(as_text=True)
    assert "Hello Pat &lt;b&gt;," in page  # escaped
    assert "https://intake.example/x" in page
    assert "UTC: Sent." in page and "by <code>w1</code>" in page
    eml = signed_in.get(f"/workspace/outbox/{row.id}.eml")
    assert eml.headers["Content-Disposition"] == (
        f'attachment; filename="message-{row.id}.eml"'
    )
    assert f"Message-ID: {row.message_id}" in eml.get_data(as_text=True)
    html = signed_in.get(f"/workspace/outbox/{row.id}/message.html")
    assert html.headers["Content-Security-Policy"].startswith("sandbox;")
    assert "Hello Pat &lt;b&gt;," in html.get_data(as_text=True)
    assert signed_in.get("/workspace/outbox/999999").status_code == 404


def test_a_failed_message_can_be_tried_again(signed_in, db):
    row = _queued(db)
    db.session.execute(
        sa.update(OutboxMessage).values(
            status="failed", attempts=10, last_error="recipient refused: 550 no"
        )
    )
    db.session.commit()
    page = signed_in.get(f"/workspace/outbox/{row.id}")
    assert "This message was not delivered. The recipient&#39;s mail server does" in (
        page.get_data(as_text=True)
    )
    response = signed_in.post(
        f"/workspace/outbox/{row.id}/retry", data={"csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(OutboxMessage, row.id)
    assert (row.status, row.attempts, row.last_error) == ("queued", 0, "")
    assert deliver_due(worker="w1") == {"sent": 1}


def test_the_outbox_names_kinds_and_problems_in_plain_words(signed_in, db, app):
    """No kind id, no Python exception text, no "none 127.0.0.1:…": a label, plain
    words, and the server's own answer kept in a collapsed part for the operator."""
    app.config["MAIL_URL"] = "smtp://127.0.0.1:2525"
    row = _queued(db)
    error = "ConnectionRefusedError: [Errno 111] Connection refused"
    db.session.execute(sa.update(OutboxMessage).values(attempts=1, last_error=error))
    db.session.commit()
    page = signed_in.get("/workspace/outbox").get_data(as_text=True)
    assert "Link to continue the questionnaire" in page
    assert "resume_link" not in page
    assert "The mail server could not be reached." in page
    assert "Errno" not in page and "ConnectionRefusedError" not in page
    assert "none 127.0.0.1" not in page
    assert "the mail server 127.0.0.1, port 2525 (not encrypted)" in page
    one = signed_in.get(f"/workspace/outbox/{row.id}").get_data(as_text=True)
    assert (
        "The last try did not go through. The mail server could not be reached." in one
    )
    details = one[one.index('<details class="tech">') :]
    assert error in details
    assert one.index(error) > one.index('<details class="tech">')


def test_the_outbox_shows_fifty_to_a_page(signed_in, db):
    for i in range(51):
        queue_mail(
            to=f"p{i}@example.com",
            template="resume_link",
            subject=f"Message {i:02d}",
            context={**CONTEXT, "name": "Pat"},
        )
    db.session.commit()
    first = signed_in.get("/workspace/outbox").get_data(as_text=True)
    assert first.count('<td><a href="/workspace/outbox/') == 50
    assert "Page 1 of 2" in first and 'href="/workspace/outbox?page=2"' in first
    second = signed_in.get("/workspace/outbox?page=2").get_data(as_text=True)
    assert second.count('<td><a href="/workspace/outbox/') == 1
    assert ">Message 00</a>" in second  # the oldest, last
    for page in ("0", "-3", "99", "x", "1e9"):
        response = signed_in.get(f"/workspace/outbox?page={page}&status=zzz")
        assert response.status_code == 200, page


def test_the_outbox_warns_when_mail_has_waited_too_long(signed_in, db, app):
    app.config["MAIL_URL"] = "smtp://127.0.0.1:2525"  # and no worker running
    row = _queued(db)
    page = signed_in.get("/workspace/outbox").get_data(as_text=True)
    assert "Mail is waiting" not in page
    row.send_after = utcnow() - dt.timedelta(minutes=16)
    db.session.commit()
    page = signed_in.get("/workspace/outbox").get_data(as_text=True)
    assert "Mail is waiting: the oldest message has waited 16 minutes" in page
    health = signed_in.get("/healthz")
    assert (health.status_code, health.json["mail_queue"]) == (
        200,
        {"state": "late", "waiting": 1, "oldest_minutes": 16},
    )
    assert signed_in.get("/readyz").json["mail_queue"]["state"] == "late"
