"""The workspace's outbox: every message, its delivery, the message itself."""

from __future__ import annotations

import sqlalchemy as sa

from intake.mail import queue_mail
from intake.mail.worker import deliver_due
from intake.models import OutboxMessage
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
    assert ": sent" in page and "by w1" in page
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
    assert "This message was not delivered: recipient refused: 550 no" in (
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
