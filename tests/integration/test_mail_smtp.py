"""The mail points of issue 25, each followed through a real SMTP server on loopback
(tests/smtp.py, aiosmtpd): what arrives there is what a mail program would show.

Also held through it, in test_mail_outbox.py: the Date header set at hand-over
(test_the_date_header_is_when_it_was_handed_to_the_server), a server that never answers
(test_a_server_that_never_answers_times_out_and_keeps_the_message,
test_a_hung_server_costs_one_timeout_per_pass_not_one_per_message) and worker processes
sending side by side (test_two_workers_racing_send_every_message_exactly_once)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake.mail import queue_mail
from intake.mail.worker import deliver_due
from intake.models import MailAttempt, OutboxMessage, Submission, utcnow
from intake.offers.models import Offer
from intake.pipeline import move_status
from intake.practice_store import current_practice, save_practice
from tests.conftest import csrf_of
from tests.factories import make_consultant, make_submission
from tests.personas import PERSONAS
from tests.smtp import SmtpServer

REPO = Path(__file__).resolve().parents[2]
COLLAB = PERSONAS["strategic_collaborator"]
CONTEXT = {"link": "https://intake.example/x", "expires": "1 May", "ttl_days": 30}
# what must never travel in a message a reply could quote to the prospect
INTERNAL = re.compile(
    r"strong fit|possible fit|not a fit|verdict|score|red flag|overall|chemistry",
    re.IGNORECASE,
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app_config, smtp):
    """The app sending through the loopback server (no file delivery after requests)."""
    app_config.update(MAIL_URL=smtp.url(), MAIL_RETRY_SECONDS=0, MAIL_TIMEOUT=2)
    return app_config


def _received(smtp, kind_subject: str):
    return [m for m in smtp.inbox.messages if m["Subject"].startswith(kind_subject)]


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def _wait_for(predicate, seconds=30.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


# --- the consultant's notice ----------------------------------------------------------


def test_the_consultants_notice_replies_to_the_practice_without_a_verdict(
    mail_app, app, wizard, db, smtp
):
    """A reply quotes the message: it goes to the practice, and there is nothing of
    the assessment to quote; writing to the prospect is a mailto: link (a new
    message, nothing quoted)."""
    make_consultant()
    db.session.commit()
    wizard.complete(COLLAB)
    assert deliver_due(worker="w1") == {"sent": 2}
    s = db.session.scalars(sa.select(Submission)).one()
    assert s.verdict  # there is one to leak
    (notice,) = _received(smtp, "New questionnaire")
    assert notice["To"] == "consultant@example.com"
    assert notice["Reply-To"] == current_practice().email
    assert s.email not in (notice["Reply-To"] or "")
    whole = _text(notice) + _html(notice) + notice["Subject"]
    assert not INTERNAL.search(whole), INTERNAL.search(whole)
    assert s.verdict not in whole and str(s.overall) not in _text(notice)
    write = f"mailto:{s.email}?subject="
    assert f"Write to the prospect in a new message: {write}" in _text(notice)
    assert f'<a href="{write}' in _html(notice)


# --- the worker reads the Settings afresh --------------------------------------------


def _loop(env) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "intake",
            "deliver-mail",
            "--loop",
            "--interval",
            "0.2",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _queue_one(db, subject):
    queue_mail(
        to="pat@example.com",
        template="resume_link",
        subject=subject,
        context={**CONTEXT, "name": "Pat"},
    )
    db.session.commit()


def test_a_running_loop_sends_from_the_address_saved_meanwhile(
    app_config, app, db, smtp, tmp_path
):
    """`deliver-mail --loop` runs for days: the From address changed in Settings while
    it runs is the one its next message leaves from."""
    env = {
        **os.environ,
        "INTAKE_DATABASE_URL": app_config["DATABASE_URL"],
        "INTAKE_MAIL_URL": smtp.url(),
        "INTAKE_MAIL_OUTBOX_DIR": str(tmp_path / "unused"),
        "INTAKE_LOG_LEVEL": "WARNING",
        "INTAKE_SECRET_KEY": "w" * 32,
        "INTAKE_PRACTICE_CACHE_SECONDS": "1",  # another host's cache: 1 s stale at most
    }
    save_practice(dataclasses.replace(current_practice(), email="old@practice.test"))
    db.session.commit()
    worker = _loop(env)
    try:
        _queue_one(db, "First")
        assert _wait_for(lambda: len(smtp.inbox.messages) == 1), worker.stderr
        save_practice(
            dataclasses.replace(current_practice(), email="new@practice.test")
        )
        db.session.commit()
        time.sleep(1.2)  # past the practice cache of the worker's process
        _queue_one(db, "Second")
        assert _wait_for(lambda: len(smtp.inbox.messages) == 2)
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
    first, second = smtp.inbox.messages
    assert first["From"].addresses[0].addr_spec == "old@practice.test"
    assert second["From"].addresses[0].addr_spec == "new@practice.test"
    assert second["Subject"] == "Second"


# --- reminders cancelled when they no longer apply -----------------------------------


def test_a_reminder_is_cancelled_once_the_prospect_is_a_client(
    mail_app, app, wizard, client, db, smtp
):
    """A prospect left a second questionnaire half done (a reminder waits for it),
    then accepted the proposal of their first: no "finish your questionnaire" reaches
    a client, now or when the reminder's day comes."""
    first = make_submission(status="proposal_sent")  # the same address as COLLAB
    db.session.commit()
    wizard.post_step(1, COLLAB)
    page = client.get("/start/step/2")
    client.post(
        "/start/email-link",
        data={"csrf_token": csrf_of(page), "back": "/start/step/2", "remind": "y"},
    )
    (reminder,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder")
    ).all()
    assert reminder.status == "queued"
    move_status(first, "won", author="Hannah Lindqvist (online)")
    db.session.commit()
    db.session.expire_all()
    assert reminder.status == "cancelled"
    # the day comes: the worker sends the link mail, never the reminder
    reminder.send_after = utcnow()
    db.session.execute(
        sa.update(Submission)
        .where(Submission.status == "draft")
        .values(updated_at=utcnow() - dt.timedelta(days=4))
    )
    db.session.commit()
    assert deliver_due(worker="w1") == {"sent": 1}
    assert [m["Subject"].strip() for m in smtp.inbox.messages] == [
        m.subject
        for m in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "resume_link")
        )
    ]


def test_the_worker_cancels_a_reminder_queued_for_a_client(
    mail_app, app, wizard, client, db, smtp
):
    """Even a reminder that escaped the move (a client won some other way) is
    checked when it is due, and cancelled with its reason."""
    wizard.post_step(1, COLLAB)
    page = client.get("/start/step/2")
    client.post(
        "/start/email-link",
        data={"csrf_token": csrf_of(page), "back": "/start/step/2", "remind": "y"},
    )
    make_submission(status="won")  # the same address
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.kind == "reminder")
        .values(send_after=utcnow())
    )
    db.session.execute(
        sa.update(Submission)
        .where(Submission.status == "draft")
        .values(updated_at=utcnow() - dt.timedelta(days=4))
    )
    db.session.commit()
    assert deliver_due(worker="w1") == {"sent": 1, "cancelled": 1}
    (reminder,) = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder")
    ).all()
    assert reminder.status == "cancelled"
    why = db.session.scalars(
        sa.select(MailAttempt.detail).where(MailAttempt.outbox_id == reminder.id)
    ).one()
    assert why == "the prospect is a client now"
    assert [m["Subject"] for m in smtp.inbox.messages if "emind" in m["Subject"]] == []
    assert len(smtp.inbox.messages) == 1


# --- a server that dawdles ------------------------------------------------------------


def test_a_server_slower_than_the_timeout_costs_one_timeout_per_pass(
    app_config, app, db, smtp
):
    """A real server that takes the connection and then hangs on the message: the
    wait is bounded by INTAKE_MAIL_TIMEOUT, the pass stops there, and the rest of the
    queue waits untouched, sent as soon as the server is quick again."""
    app.config.update(MAIL_URL=smtp.url(), MAIL_TIMEOUT=0.5, MAIL_RETRY_SECONDS=0)
    smtp.inbox.delay = 3
    for i in range(4):
        _queue_one(db, f"Message {i}")
    started = time.monotonic()
    assert deliver_due(worker="w1") == {"unreachable": 1}
    assert time.monotonic() - started < 2.5
    attempts = db.session.scalars(
        sa.select(OutboxMessage.attempts).order_by(OutboxMessage.id)
    ).all()
    assert attempts == [1, 0, 0, 0]
    smtp.inbox.delay = 0
    time.sleep(0.1)
    outcomes = deliver_due(worker="w1")
    assert outcomes["sent"] >= 3
    time.sleep(3)  # the server finishes the first message it was still holding
    assert {m["Subject"] for m in smtp.inbox.messages} >= {
        "Message 1",
        "Message 2",
        "Message 3",
    }


def test_messages_go_out_in_parallel_so_a_slow_one_does_not_hold_the_rest(
    app_config, app, db, smtp
):
    """The server takes 0.8 s per message: four go out side by side (deliver-mail's
    INTAKE_MAIL_PARALLEL), in about one message's time, each exactly once."""
    from intake.mail.worker import deliver_in_parallel

    app.config.update(MAIL_URL=smtp.url(), MAIL_TIMEOUT=5)
    smtp.inbox.delay = 0.8
    for i in range(4):
        _queue_one(db, f"Message {i}")
    started = time.monotonic()
    assert deliver_in_parallel(worker="w", threads=4) == {"sent": 4}
    elapsed = time.monotonic() - started
    assert elapsed < 2.4, elapsed  # one after another: 3.2 s at least
    assert sorted(m["Subject"] for m in smtp.inbox.messages) == [
        f"Message {i}" for i in range(4)
    ]
    claimers = set(db.session.scalars(sa.select(OutboxMessage.claimed_by)).all())
    assert len(claimers) > 1 and all(c.startswith("w/") for c in claimers)


# --- openings counted from a person's view only --------------------------------------


def test_openings_from_the_delivered_link_count_a_person_only(
    mail_app, app, signed_in, db, smtp
):
    """The link as it arrived in the prospect's mail: a scanner fetching it, a
    preview, a prefetch, a HEAD request and the prospect's own redirect after
    answering are not openings; the prospect reading it is one."""
    prospect = make_submission(status="reviewing")
    db.session.commit()
    detail = signed_in.get(f"/workspace/submissions/{prospect.id}")
    signed_in.post(
        f"/workspace/submissions/{prospect.id}/send-proposal",
        data={"csrf_token": csrf_of(detail), "message": "Hello,\r\n\r\nHere it is."},
    )
    assert deliver_due(worker="w1") == {"sent": 1}
    (mail,) = smtp.inbox.messages
    (link,) = set(re.findall(r"https?://[^\s\"<>]+/proposal/[\w-]+", _text(mail)))
    path = "/" + link.split("/", 3)[3]
    signed_in.get("/workspace/logout")
    reader = app.test_client()
    for method, agent, extra in [
        ("HEAD", FIREFOX, {}),
        ("GET", "Mozilla/5.0 (compatible; Microsoft Office/16.0)", {}),
        ("GET", "Mozilla/5.0 (compatible; SafeLinks)", {}),
        ("GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com)", {}),
        ("GET", FIREFOX, {"Sec-Purpose": "prefetch"}),
    ]:
        response = reader.open(
            path, method=method, headers={"User-Agent": agent, **extra}
        )
        assert response.status_code == 200, (method, agent)
    assert reader.get(f"{path}?after=1", headers={"User-Agent": FIREFOX}).status_code
    db.session.expire_all()
    offer = db.session.scalars(sa.select(Offer)).one()
    assert offer.open_count == 0
    reader.get(path, headers={"User-Agent": FIREFOX})
    db.session.expire_all()
    assert db.session.scalars(sa.select(Offer)).one().open_count == 1
