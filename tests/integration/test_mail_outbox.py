"""The outbox: queued in the caller's transaction, delivered by a worker through a real
SMTP server on loopback, retried with back-off, never lost and never sent twice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app

from intake.mail import queue_mail
from intake.mail.message import REDACTED_TEXT
from intake.mail.worker import claim_next, deliver_due
from intake.models import MailAttempt, OutboxMessage, utcnow
from tests.conftest import TEST_DATABASE_URL
from tests.smtp import SilentServer, SmtpServer, free_port, make_certificate

REPO = Path(__file__).resolve().parents[2]
CONTEXT = {"link": "https://intake.example/x", "expires": "1 May", "ttl_days": 30}


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app_config, smtp):
    """The app sending through the loopback server, retrying at once."""
    app_config.update(MAIL_URL=smtp.url(), MAIL_RETRY_SECONDS=0, MAIL_TIMEOUT=2)
    return app_config


def _queue(n=1, **kw):
    rows = [
        queue_mail(
            to=kw.get("to", f"person{i}@example.com"),
            template="resume_link",
            subject=kw.get("subject", f"Hello {i}"),
            context={**CONTEXT, "name": f"Person {i}"},
            private=kw.get("private", False),
        )
        for i in range(n)
    ]
    return rows


def _attempts(db, row_id):
    return db.session.scalars(
        sa.select(MailAttempt.outcome)
        .where(MailAttempt.outbox_id == row_id)
        .order_by(MailAttempt.id)
    ).all()


def test_a_rolled_back_event_leaves_no_mail_and_a_committed_one_does(mail_app, app, db):
    _queue()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    (row,) = _queue()
    db.session.commit()
    stored = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [(r.to_addr, r.status, r.attempts) for r in stored] == [
        ("person0@example.com", "queued", 0)
    ]
    assert row.message_id.startswith("<") and row.message_id.endswith("@127.0.0.1>")


def test_delivers_text_and_html_with_message_id_through_smtp(mail_app, app, db, smtp):
    (row,) = _queue(subject="Your  link\n to continue")
    db.session.commit()
    assert deliver_due(worker="w1") == {"sent": 1}
    (received,) = smtp.inbox.messages
    assert received["Message-ID"] == row.message_id
    assert received["To"] == "person0@example.com"
    assert received["Subject"] == "Your link to continue"
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Hello Person 0," in text and "<" not in text
    assert '<a href="https://intake.example/x" style=' in html
    db.session.refresh(row)
    assert (row.status, row.attempts, row.claimed_by) == ("sent", 1, "w1")
    assert row.sent_at is not None and row.lease_until is None
    assert _attempts(db, row.id) == ["sent"]
    assert deliver_due(worker="w1") == {}  # nothing left: never twice
    assert len(smtp.inbox.messages) == 1


def test_the_date_header_is_when_it_was_handed_to_the_server(mail_app, app, db, smtp):
    """A message queued three days ago (a reminder's wait, an outage) is dated when it
    leaves, not when it was written: an old Date buries it and looks like spam."""
    (row,) = _queue()
    row.created_at = utcnow() - dt.timedelta(days=3)
    db.session.commit()
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert deliver_due(worker="w1") == {"sent": 1}
    after = dt.datetime.now(dt.UTC)
    (received,) = smtp.inbox.messages
    dated = received["Date"].datetime
    assert before <= dated <= after, (before, dated, after)
    assert dated.utcoffset() == dt.timedelta(0)


def test_server_down_keeps_the_message_and_delivers_it_when_back(app_config, db):
    port = free_port()  # nothing listens here: connection refused
    current_app.config.update(
        MAIL_URL=f"smtp://127.0.0.1:{port}", MAIL_RETRY_SECONDS=60
    )
    (row,) = _queue()
    db.session.commit()
    before = utcnow()
    assert deliver_due(worker="w1") == {"unreachable": 1}
    db.session.refresh(row)
    assert row.status == "queued" and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    # back-off: the first retry waits MAIL_RETRY_SECONDS
    assert row.send_after >= before + dt.timedelta(seconds=59)
    assert deliver_due(worker="w1") == {}  # not due yet
    # the server comes back and the wait is over
    server = SmtpServer()
    server.port = port
    server.controller.port = port
    server.start()
    try:
        current_app.config["MAIL_URL"] = server.url()
        row.send_after = utcnow()
        db.session.commit()
        assert deliver_due(worker="w2") == {"sent": 1}
        assert server.inbox.message_ids() == [row.message_id]
    finally:
        server.stop()
    assert _attempts(db, row.id) == ["retry", "sent"]


def test_back_off_doubles_and_gives_up_after_the_last_attempt(app_config, db):
    current_app.config.update(
        MAIL_URL=f"smtp://127.0.0.1:{free_port()}",
        MAIL_RETRY_SECONDS=10,
        MAIL_MAX_ATTEMPTS=3,
    )
    (row,) = _queue()
    db.session.commit()
    for expected in (10, 20, None):
        deliver_due(worker="w1")
        db.session.refresh(row)
        attempt = db.session.scalars(
            sa.select(MailAttempt).order_by(MailAttempt.id.desc()).limit(1)
        ).one()
        if expected is not None:
            # the wait starts while the attempt is being recorded
            assert row.send_after - attempt.finished_at <= dt.timedelta(
                seconds=expected
            )
            assert row.send_after - attempt.started_at >= dt.timedelta(seconds=expected)
        row.send_after = utcnow()
        db.session.commit()
    assert (row.status, row.attempts) == ("failed", 3)
    assert _attempts(db, row.id) == ["retry", "retry", "failed"]
    assert deliver_due(worker="w1") == {}


def test_temporary_refusal_is_retried_and_delivered_once(mail_app, app, db, smtp):
    smtp.inbox.refuse_rcpt = "451 4.3.0 Mailbox busy, try later"
    (row,) = _queue()
    db.session.commit()
    assert deliver_due(worker="w1") == {"retry": 1}
    db.session.refresh(row)
    assert row.last_error == "recipient refused: 451 4.3.0 Mailbox busy, try later"
    smtp.inbox.refuse_rcpt = ""
    assert deliver_due(worker="w1") == {"sent": 1}
    assert smtp.inbox.message_ids() == [row.message_id]


def test_permanent_refusal_fails_at_once_and_is_kept(mail_app, app, db, smtp):
    smtp.inbox.refuse_rcpt = "550 5.1.1 No such user here"
    (row,) = _queue()
    db.session.commit()
    assert deliver_due(worker="w1") == {"failed": 1}
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "recipient refused: 550 5.1.1 No such user here"
    assert smtp.inbox.messages == []


def test_a_server_that_never_answers_times_out_and_keeps_the_message(app_config, db):
    silent = SilentServer()
    current_app.config.update(
        MAIL_URL=silent.url(), MAIL_TIMEOUT=0.5, MAIL_RETRY_SECONDS=30
    )
    try:
        (row,) = _queue()
        db.session.commit()
        assert deliver_due(worker="w1") == {"unreachable": 1}
    finally:
        silent.close()
    db.session.refresh(row)
    assert row.status == "queued" and "timed out" in row.last_error
    assert _attempts(db, row.id) == ["retry"]


def test_a_hung_server_costs_one_timeout_per_pass_not_one_per_message(app_config, db):
    """Four messages and a server that never answers: the pass stops after the first
    timeout, the other three stay queued untouched (no attempt counted) for the next
    pass, so the queue is not held for four timeouts one after another."""
    silent = SilentServer()
    current_app.config.update(
        MAIL_URL=silent.url(), MAIL_TIMEOUT=0.5, MAIL_RETRY_SECONDS=30
    )
    try:
        rows = _queue(4)
        db.session.commit()
        assert deliver_due(worker="w1") == {"unreachable": 1}
    finally:
        silent.close()
    db.session.expire_all()
    assert [(r.status, r.attempts) for r in rows] == [("queued", 1)] + [
        ("queued", 0)
    ] * 3
    assert _attempts(db, rows[0].id) == ["retry"]
    assert [_attempts(db, r.id) for r in rows[1:]] == [[], [], []]


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts it, as a CA
    return cert, key


def test_starttls_and_auth_from_the_url(app, db, certificate):
    server = SmtpServer(user="practice", password="p@ss:word", cert=certificate)
    server.start()
    try:
        current_app.config.update(
            MAIL_URL=server.url("practice:wrong", query="?starttls"),
            MAIL_RETRY_SECONDS=0,
        )
        (row,) = _queue()
        db.session.commit()
        assert deliver_due(worker="w1") == {"retry": 1}  # a setting to fix: kept
        db.session.refresh(row)
        assert row.last_error.startswith("server answered 535")
        password = "p%40ss%3Aword"  # "p@ss:word", escaped as URLs require
        current_app.config["MAIL_URL"] = server.url(
            f"practice:{password}", query="?starttls"
        )
        assert deliver_due(worker="w1") == {"sent": 1}
        assert server.inbox.message_ids() == [row.message_id]
    finally:
        server.stop()


def test_smtps_delivers_over_tls_from_the_first_byte(app, db, certificate):
    server = SmtpServer(cert=certificate, tls="smtps").start()
    try:
        current_app.config["MAIL_URL"] = server.url(scheme="smtps")
        (row,) = _queue()
        db.session.commit()
        assert deliver_due(worker="w1") == {"sent": 1}
        assert server.inbox.message_ids() == [row.message_id]
    finally:
        server.stop()


def test_a_dead_workers_claim_is_taken_over_after_its_lease(mail_app, app, db, smtp):
    (row,) = _queue()
    db.session.commit()
    assert claim_next("dead-worker") == row.id  # claimed, then the worker died
    assert deliver_due(worker="w2") == {}  # its lease still runs
    db.session.execute(
        sa.update(OutboxMessage).values(lease_until=utcnow() - dt.timedelta(seconds=1))
    )
    db.session.commit()
    assert deliver_due(worker="w2") == {"sent": 1}
    db.session.refresh(row)
    assert (row.claimed_by, row.attempts) == ("w2", 2)
    assert smtp.inbox.message_ids() == [row.message_id]


def test_private_bodies_are_blanked_once_sent(mail_app, app, db, smtp):
    (row,) = _queue(private=True)
    db.session.commit()
    deliver_due(worker="w1")
    assert "https://intake.example/x" in smtp.inbox.messages[0].as_string()
    db.session.expire_all()
    row = db.session.get(OutboxMessage, row.id)
    assert row.text_body == REDACTED_TEXT
    assert "intake.example/x" not in row.html_body


def test_without_a_server_messages_become_eml_files_once(app_config, app, db):
    outbox = Path(app_config["MAIL_OUTBOX_DIR"])
    (row,) = _queue()
    db.session.commit()
    assert deliver_due(worker="w1") == {"sent": 1}
    (path,) = outbox.glob("*.eml")
    assert path.name.endswith(f"-{row.id:06d}-resume_link.eml")
    assert f"Message-ID: {row.message_id}" in path.read_text()
    # a message delivered again (a lost lease) overwrites its file: still one
    db.session.execute(sa.update(OutboxMessage).values(status="queued"))
    db.session.commit()
    deliver_due(worker="w1")
    assert len(list(outbox.glob("*.eml"))) == 1


def test_deleting_a_submission_deletes_its_mail(app, db):
    from tests.factories import make_submission

    s = make_submission()
    db.session.flush()
    queue_mail(
        to="a@example.com",
        template="resume_link",
        subject="x",
        context=CONTEXT,
        submission_id=s.id,
    )
    db.session.commit()
    db.session.delete(s)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def _worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "intake", "deliver-mail"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_racing_send_every_message_exactly_once(
    app_config, app, db, smtp, tmp_path
):
    """Two worker processes (two hosts, as far as the database can tell) drain one
    outbox through one server: every message arrives, none twice."""
    smtp.inbox.delay = 0.01
    rows = _queue(60)
    db.session.commit()
    expected = sorted(r.message_id for r in rows)
    env = {
        **os.environ,
        "INTAKE_DATABASE_URL": app_config["DATABASE_URL"],
        "INTAKE_MAIL_URL": smtp.url(),
        "INTAKE_MAIL_OUTBOX_DIR": str(tmp_path / "unused"),
        "INTAKE_LOG_LEVEL": "WARNING",
        "INTAKE_SECRET_KEY": "w" * 32,  # a worker refuses the development key
    }
    workers = [_worker(env), _worker(env)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert sorted(smtp.inbox.message_ids()) == expected
    db.session.expire_all()
    claimers = db.session.scalars(sa.select(OutboxMessage.claimed_by)).all()
    statuses = set(db.session.scalars(sa.select(OutboxMessage.status)).all())
    assert statuses == {"sent"}
    # each process sends with INTAKE_MAIL_PARALLEL threads, named process/thread
    assert len({c.rsplit("/", 1)[0] for c in claimers}) == 2, "both workers took part"
    assert db.session.scalar(sa.select(sa.func.count(MailAttempt.id))) == 60
    if TEST_DATABASE_URL:
        assert db.engine.dialect.name == "postgresql"


def test_deliver_mail_command_says_where_and_what(app, db, runner):
    _queue(2)
    db.session.commit()
    result = runner.invoke(args=["deliver-mail"])
    assert result.exit_code == 0, result.output
    outbox = current_app.config["MAIL_OUTBOX_DIR"]
    assert result.output == f"Delivered to .eml files in {outbox}: 2 sent.\n"
    result = runner.invoke(args=["deliver-mail"])
    assert result.output == f"Delivered to .eml files in {outbox}: nothing was due.\n"


@pytest.mark.parametrize(
    "url",
    ["http://mail.example.com", "smtp://", "smtp://host:notaport", "mail.example.com"],
)
def test_a_mail_url_that_cannot_work_stops_start_up(url):
    from intake import create_app
    from intake.config import ConfigError

    with pytest.raises(ConfigError, match="INTAKE_MAIL_URL"):
        create_app({"TESTING": True, "MAIL_URL": url})


@pytest.mark.parametrize(
    "url,expected",
    [
        ("smtp://127.0.0.1:1025", ("127.0.0.1", 1025, "none", "", "")),
        (
            "smtp://u:p%40ss@mx.example.com?starttls",
            ("mx.example.com", 587, "starttls", "u", "p@ss"),
        ),
        ("smtps://u:p@mx.example.com", ("mx.example.com", 465, "tls", "u", "p")),
        (
            "smtp://mx.example.com:2525?starttls",
            ("mx.example.com", 2525, "starttls", "", ""),
        ),
    ],
)
def test_mail_url_forms(url, expected):
    from intake.mail.transport import parse_mail_url

    s = parse_mail_url(url)
    assert (s.host, s.port, s.security, s.username, s.password) == expected
    assert "p@ss" not in s.describe()


def test_a_message_that_cannot_be_written_fails_alone(mail_app, app, db, smtp):
    (bad,) = _queue(to="someone@example.com\nBcc: all@example.com")
    (good,) = _queue()
    db.session.commit()
    assert deliver_due(worker="w1") == {"failed": 1, "sent": 1}
    db.session.refresh(bad)
    assert bad.status == "failed"
    assert bad.last_error.startswith("cannot be written as an e-mail:")
    assert smtp.inbox.message_ids() == [good.message_id]


def test_a_running_worker_reads_the_settings_afresh_on_each_pass(app_config, app, db):
    """`deliver-mail --loop` lives for days: a new practice name (the From header)
    saved in the workspace meanwhile is used by its next pass."""
    from intake.mail.cli import _one_pass
    from intake.practice_store import current_practice, save_practice

    current_app.config.update(PRACTICE_CACHE_SECONDS=3600)
    assert current_practice().name  # the loop's context has read the practice once
    (row,) = _queue()
    db.session.commit()
    with app.app_context():  # the workspace, in another request
        renamed = dataclasses.replace(current_practice(), name="Renamed Practice")
        save_practice(renamed)
        db.session.commit()
    assert _one_pass("w1") == {"sent": 1}
    (eml,) = Path(app_config["MAIL_OUTBOX_DIR"]).glob("*.eml")
    assert "Renamed Practice" in eml.read_text()


def test_the_queue_state_names_the_oldest_waiting_message(app_config, app, db):
    """What the Outbox and /healthz report: due and unsent messages, the oldest's wait,
    and `late` past INTAKE_MAIL_QUEUE_WARN_MINUTES (no worker, or the server away)."""
    from intake.mail.outbox import queue_state

    assert queue_state().as_json() == {
        "state": "ok",
        "waiting": 0,
        "oldest_minutes": None,
    }
    old, recent, later = _queue(3)
    now = utcnow()
    old.send_after = now - dt.timedelta(minutes=40)
    recent.send_after = now - dt.timedelta(minutes=3)
    later.send_after = now + dt.timedelta(days=2)  # a reminder's time has not come
    db.session.commit()
    state = queue_state(now)
    assert (state.waiting, state.oldest_minutes, state.late) == (2, 40, True)
    old.status = "sent"
    db.session.commit()
    assert queue_state(now).as_json() == {
        "state": "ok",
        "waiting": 1,
        "oldest_minutes": 3,
    }
