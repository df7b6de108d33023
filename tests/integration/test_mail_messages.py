"""The e-mails themselves, followed as a prospect and a consultant would: the link to
continue, the confirmation, the consultant's notice or digest, the reminder and its
unsubscribe link, the password reset."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app

from intake import create_app
from intake.extensions import db as _db
from intake.mail import schedule
from intake.mail.worker import deliver_due
from intake.models import (
    Consultant,
    MailSuppression,
    OutboxMessage,
    PasswordReset,
    Submission,
    utcnow,
)
from intake.practice_store import current_practice, save_practice
from tests.conftest import Wizard, csrf_of, sign_in, transactions
from tests.factories import PASSWORD, make_consultant
from tests.integration import test_auth
from tests.personas import PERSONAS
from tests.smtp import free_port

COLLAB = PERSONAS["strategic_collaborator"]
shared_store = test_auth.shared_store  # its fixture: a Redis database for two hosts
LINK = re.compile(r"https?://[^\s\"<>]+")
# what a prospect must never read: the internal assessment
INTERNAL = re.compile(
    r"strong fit|possible fit|not a fit|verdict|score|red flag|overall|chemistry",
    re.IGNORECASE,
)


def _mails(db, kind=None):
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.scalars(
        query.options(
            sa.orm.undefer(OutboxMessage.text_body),
            sa.orm.undefer(OutboxMessage.html_body),
        )
    ).all()


def _eml_files(app_config) -> dict[str, object]:
    """The delivered .eml files by kind (development's file delivery)."""
    out = {}
    for path in sorted(Path(app_config["MAIL_OUTBOX_DIR"]).glob("*.eml")):
        kind = path.stem.split("-", 3)[3]
        out.setdefault(kind, []).append(
            message_from_bytes(path.read_bytes(), policy=policy.default)
        )
    return out


def _text(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def _path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


# --- e-mail me my link, on every step ------------------------------------------------


def test_every_step_offers_to_email_the_link_once_an_address_is_given(wizard, client):
    page = client.get("/start/step/1").get_data(as_text=True)
    assert "E-mail me my link" not in page  # no draft, no address yet
    wizard.post_step(1, COLLAB)
    page = client.get("/start/step/2").get_data(as_text=True)
    assert "E-mail me my link" in page
    assert f"We send it to {COLLAB['email']}." in page
    review = client.get("/start/review").get_data(as_text=True)
    assert "E-mail me my link" in review


def test_the_emailed_link_resumes_the_draft_on_another_device(
    wizard, client, app, app_config, db
):
    wizard.post_step(1, COLLAB)
    page = client.get("/start/step/2")
    response = client.post(
        "/start/email-link",
        data={"csrf_token": csrf_of(page), "back": "/start/step/2"},
    )
    assert response.headers["Location"] == "/start/step/2"
    flashed = client.get("/start/step/2").get_data(as_text=True)
    assert f"We have sent your link to {COLLAB['email']}." in flashed
    # development: written as a file right after the request, and listed as sent
    (row,) = _mails(db, "resume_link")
    assert (row.to_addr, row.status) == (COLLAB["email"], "sent")
    (mail,) = _eml_files(app_config)["resume_link"]
    assert mail["To"] == COLLAB["email"]
    assert mail["List-Unsubscribe"] is None  # not a reminder
    text = _text(mail)
    assert "Hello Alex," in text or text.startswith("Hello ")
    (link,) = [u for u in LINK.findall(text) if "/start/resume/" in u]
    # development, no public address: the request's own (the page shows the same link)
    assert link.startswith("http://intake.test/start/resume/")
    assert "We will not write about it again" not in text
    assert not INTERNAL.search(text + mail.get_body(("html",)).get_content())
    # the private link is not kept once delivered
    assert link not in row.text_body and link not in row.html_body
    other = app.test_client()
    resumed = other.get(_path_of(link))
    assert resumed.headers["Location"] == "/start/step/2"


def test_no_address_no_mail(wizard, client, db):
    wizard.post_step(1, {**COLLAB, "email": "x@example.com"})
    db.session.execute(sa.update(Submission).values(email=""))
    db.session.commit()
    page = client.get("/start/step/2")
    response = client.post(
        "/start/email-link", data={"csrf_token": csrf_of(page), "back": "//evil.com"}
    )
    assert response.headers["Location"] == "/start/"
    assert _mails(db) == []


# --- submission ------------------------------------------------------------------------


def test_a_submission_confirms_to_the_prospect_and_tells_each_consultant(
    wizard, app_config, db
):
    make_consultant()
    make_consultant(email="second@example.com", name="Sam Second")
    db.session.commit()
    wizard.complete(COLLAB)
    s = db.session.scalars(sa.select(Submission)).one()
    received = _mails(db, "received")
    notices = _mails(db, "new_submission")
    assert [m.to_addr for m in received] == [COLLAB["email"]]
    assert sorted(m.to_addr for m in notices) == [
        "consultant@example.com",
        "second@example.com",
    ]
    assert all(
        m.status == "sent" and m.submission_id == s.id for m in received + notices
    )
    files = _eml_files(app_config)
    mail = files["received"][0]
    body = _text(mail) + mail.get_body(("html",)).get_content()
    assert not INTERNAL.search(body), INTERNAL.search(body)
    assert str(s.overall) not in _text(mail)
    assert "will write to you within 1 business day" in _text(mail)
    assert mail["Reply-To"] == current_practice().email
    notice = _text(files["new_submission"][0])
    assert f"Name:      {s.name}" in notice
    assert f"Business:  {s.business}" in notice
    assert not INTERNAL.search(notice), INTERNAL.search(notice)
    assert f"http://intake.test/workspace/submissions/{s.id}" in notice
    # no verdict in it, and a reply (which quotes it) goes to the practice: writing
    # to the prospect starts a fresh message from a link
    assert files["new_submission"][0]["Reply-To"] == current_practice().email
    assert f"Write to the prospect in a new message: mailto:{s.email}?subject=" in (
        notice
    )
    html = files["new_submission"][0].get_body(("html",)).get_content()
    assert f'href="mailto:{s.email}?subject=' in html


def test_a_repeated_submit_sends_nothing_more(wizard, db):
    wizard.complete(COLLAB)
    before = len(_mails(db))
    wizard.submit()
    assert len(_mails(db)) == before == 1  # no consultant yet: the confirmation only


def test_thanks_page_says_what_was_sent(wizard, client):
    wizard.complete(COLLAB)
    page = client.get("/start/thanks").get_data(as_text=True)
    assert (
        f"We have e-mailed a confirmation to <strong>{COLLAB['email']}</strong>" in page
    )


def test_the_daily_digest_instead_of_one_mail_each(wizard, db):
    make_consultant()
    db.session.commit()
    save_practice(
        current_practice().__class__(
            **{**current_practice().__dict__, "new_submission_mail": "daily"}
        )
    )
    db.session.commit()
    wizard.complete(COLLAB)
    assert _mails(db, "new_submission") == []
    current_app.config["DIGEST_HOUR"] = 7
    today = utcnow().replace(hour=7, minute=5) + dt.timedelta(days=1)
    db.session.execute(
        sa.update(Submission).values(submitted_at=today - dt.timedelta(hours=3))
    )
    db.session.commit()
    assert schedule.queue_digest_if_due(today.replace(hour=6)) == 0
    assert schedule.queue_digest_if_due(today) == 1
    assert schedule.queue_digest_if_due(today) == 0  # once a day
    (digest,) = _mails(db, "digest")
    s = db.session.scalars(sa.select(Submission)).one()
    assert digest.to_addr == "consultant@example.com"
    assert digest.subject.startswith("1 new questionnaire since ")
    assert f"- {s.name}, {s.business}: {s.verdict}" in digest.text_body
    # the next day lists only what came after
    tomorrow = today + dt.timedelta(days=1)
    assert schedule.queue_digest_if_due(tomorrow) == 0


# --- reminders -------------------------------------------------------------------------


def _ask_for_link(wizard, client, remind=True):
    wizard.post_step(1, COLLAB)
    page = client.get("/start/step/2")
    data = {"csrf_token": csrf_of(page), "back": "/start/step/2"}
    if remind:
        data["remind"] = "y"
    client.post("/start/email-link", data=data)


def _age_draft(db, days):
    past = utcnow() - dt.timedelta(days=days)
    db.session.execute(sa.update(Submission).values(updated_at=past))
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.kind == "reminder")
        .values(send_after=utcnow())
    )
    db.session.commit()


def test_a_reminder_goes_once_after_the_days_only_when_asked(wizard, client, db):
    _ask_for_link(wizard, client, remind=False)
    assert _mails(db, "reminder") == []
    _ask_for_link(wizard, client)
    (reminder,) = _mails(db, "reminder")
    assert reminder.status == "queued"
    assert reminder.send_after > utcnow() + dt.timedelta(days=2, hours=23)
    (link_mail,) = _mails(db, "resume_link")[-1:]
    assert deliver_due() == {}  # not due yet
    _age_draft(db, 3)
    assert deliver_due() == {"sent": 1}
    _ask_for_link(wizard, client)  # asking again: still one reminder ever
    assert len(_mails(db, "reminder")) == 1


def test_a_reminder_waits_when_the_prospect_came_back(wizard, client, db):
    _ask_for_link(wizard, client)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.kind == "reminder")
        .values(send_after=utcnow())
    )
    db.session.commit()
    assert deliver_due() == {"postponed": 1}
    (reminder,) = _mails(db, "reminder")
    assert (reminder.status, reminder.attempts) == ("queued", 0)
    assert reminder.send_after > utcnow() + dt.timedelta(days=2)


def test_no_reminder_after_the_questionnaire_was_sent(wizard, client, db):
    _ask_for_link(wizard, client)
    for n in range(2, len(wizard.questionnaire.steps) + 1):
        wizard.post_step(n, COLLAB)
    wizard.submit()
    # cancelled when it stopped applying, not days later when the worker looks at it:
    # the Outbox never shows a reminder waiting for someone who already sent everything
    db.session.expire_all()
    (reminder,) = _mails(db, "reminder")
    assert reminder.status == "cancelled"
    _age_draft(db, 3)
    deliver_due()
    (reminder,) = _mails(db, "reminder")
    assert reminder.status == "cancelled"


def test_unsubscribe_from_the_reminder_without_signing_in(
    wizard, client, app, app_config, db
):
    _ask_for_link(wizard, client)
    _age_draft(db, 3)
    deliver_due()
    (mail,) = _eml_files(app_config)["reminder"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = mail["List-Unsubscribe"].strip().strip("<>")  # folded: a leading space
    text = _text(mail)
    assert f"No more reminders to this address: {url}" in text
    assert "This is the only reminder we send." in text
    assert not INTERNAL.search(text + mail.get_body(("html",)).get_content())
    stranger = app.test_client()
    page = stranger.get(_path_of(url)).get_data(as_text=True)
    assert f"will send none to <strong>{COLLAB['email'].lower()}</strong>" in page
    done = stranger.post(_path_of(url))  # what a mail program's one-click sends
    assert done.status_code == 200
    assert "Done: no more reminders" in done.get_data(as_text=True)
    assert db.session.get(MailSuppression, COLLAB["email"].lower()) is not None


def test_an_unsubscribed_address_gets_no_reminder(wizard, client, db):
    db.session.add(MailSuppression(email_key=COLLAB["email"].lower()))
    db.session.commit()
    _ask_for_link(wizard, client)
    _age_draft(db, 3)
    assert deliver_due() == {"cancelled": 1}


def test_a_forged_unsubscribe_link_is_refused(client):
    response = client.get("/mail/unsubscribe/not-a-real-token")
    assert response.status_code == 404
    assert "We could not read this link" in response.get_data(as_text=True)


# --- password reset ----------------------------------------------------------------------


def _forgot(client, email):
    page = client.get("/workspace/forgot-password")
    return client.post(
        "/workspace/forgot-password",
        data={"csrf_token": csrf_of(page), "email": email},
    )


def test_sign_in_page_links_to_the_reset(client):
    page = client.get("/workspace/login").get_data(as_text=True)
    assert 'href="/workspace/forgot-password">Forgotten your password?</a>' in page


def test_reset_answers_the_same_for_known_and_unknown_addresses(client, consultant, db):
    known = _forgot(client, "Consultant@Example.com").get_data(as_text=True)
    unknown = _forgot(client, "nobody@example.com").get_data(as_text=True)
    # the page names the address as the account's identity (lower-cased)
    assert known.replace("consultant@example.com", "X") == unknown.replace(
        "nobody@example.com", "X"
    )
    assert "If an account uses" in known
    (mail,) = _mails(db, "password_reset")
    assert mail.to_addr == "consultant@example.com"


def test_a_strangers_resets_neither_flood_nor_lock_out_the_owner(app):
    """Ten asks from ten networks: each answered the same, three e-mails at most (it
    was: the sixth ask within 15 minutes refused, the owner's own ask too)."""
    with app.app_context():
        make_consultant()
        _db.session.commit()
    pages = []
    for n in range(10):
        browser = app.test_client()
        env = {"REMOTE_ADDR": f"198.51.100.{n}"}
        page = browser.get("/workspace/forgot-password", environ_base=env)
        response = browser.post(
            "/workspace/forgot-password",
            data={"csrf_token": csrf_of(page), "email": "consultant@example.com"},
            environ_base=env,
        )
        assert response.status_code == 200
        pages.append(re.sub(r'value="[^"]+"', "", response.get_data(as_text=True)))
    assert len(set(pages)) == 1
    with app.app_context():
        assert len(_mails(_db, "password_reset")) == 3


@pytest.fixture
def many_asks(app_config):
    app_config["LOGIN_ATTEMPTS"] = "100000 per minute"
    app_config["MAIL_URL"] = (
        "smtp://127.0.0.1:9"  # queued for the worker, as in production
    )


def _accounts(app, count: int) -> None:
    """Many accounts (one password hash for all: hashing 240 would take a minute)."""
    with app.app_context():
        first = make_consultant(email="known0@example.com")
        _db.session.flush()
        _db.session.add_all(
            Consultant(
                email=f"known{n}@example.com",
                name=f"Known {n}",
                password_hash=first.password_hash,
            )
            for n in range(1, count)
        )
        _db.session.commit()


def test_reset_takes_as_long_for_unknown_addresses(many_asks, app):
    """Medians of 200 asks each within 25 % (they were 8.1 vs 5.1 ms): an unknown
    address does the same work, undone."""
    _accounts(app, 240)
    client = app.test_client()
    token = csrf_of(client.get("/workspace/forgot-password"))

    def timed(email: str) -> float:
        start = time.perf_counter()
        response = client.post(
            "/workspace/forgot-password", data={"csrf_token": token, "email": email}
        )
        assert response.status_code == 200
        return time.perf_counter() - start

    for n in range(200, 240):  # warm both paths
        timed(f"known{n}@example.com"), timed(f"warm{n}@example.com")
    known, unknown = [], []
    for n in range(200):  # interleaved: the machine's load falls on both alike
        known.append(timed(f"known{n}@example.com"))
        unknown.append(timed(f"nobody{n}@example.com"))
    medians = statistics.median(known), statistics.median(unknown)
    print(
        f"reset medians: known {medians[0] * 1000:.2f} ms, "
        f"unknown {medians[1] * 1000:.2f} ms"
    )
    assert 0.8 < medians[0] / medians[1] < 1.25, medians
    with app.app_context():
        assert len(_mails(_db, "password_reset")) == 240


def test_a_reset_request_does_not_wait_for_the_disk_known_or_not(
    client, consultant, db, statements
):
    """PostgreSQL: the request's transaction says so whether the address is known
    (a link kept) or not (undone): a kept link's WAL flush made the known addresses'
    answers slower, which the timing test above caught under load. SQLite needs no
    statement (synchronous=NORMAL)."""
    postgres = db.engine.dialect.name == "postgresql"
    for email in ("consultant@example.com", "nobody@example.com"):
        statements.clear()
        assert _forgot(client, email).status_code == 200
        (asked,) = [
            t for t in transactions(statements) if any("password_reset" in s for s in t)
        ]
        assert ("SET LOCAL synchronous_commit = off" in asked) is postgres, email
    with client.application.app_context():
        assert len(_mails(db, "password_reset")) == 1


def test_reset_link_sets_a_new_password_once(client, consultant, app_config, db):
    _forgot(client, "consultant@example.com")
    (mail,) = _eml_files(app_config)["password_reset"]
    (link,) = [u for u in LINK.findall(_text(mail)) if "/reset-password/" in u]
    path = _path_of(link)
    form = client.get(path)
    assert "Choose a new password" in form.get_data(as_text=True)
    short = client.post(
        path,
        data={"csrf_token": csrf_of(form), "password": "short", "confirm": "short"},
    )
    assert "Please use at least 10 characters." in short.get_data(as_text=True)
    new = "a brand new passphrase"
    done = client.post(
        path, data={"csrf_token": csrf_of(form), "password": new, "confirm": new}
    )
    assert done.headers["Location"] == "/workspace/login"
    assert sign_in(client, password=PASSWORD).status_code == 401
    assert sign_in(client, password=new).status_code == 302
    again = client.get(path)
    assert again.status_code == 410
    assert "This link no longer works" in again.get_data(as_text=True)


def test_an_expired_reset_link_does_not_work(client, consultant, app_config, db):
    _forgot(client, "consultant@example.com")
    db.session.execute(
        sa.update(PasswordReset).values(expires_at=utcnow() - dt.timedelta(seconds=1))
    )
    db.session.commit()
    (mail,) = _eml_files(app_config)["password_reset"]
    (link,) = [u for u in LINK.findall(_text(mail)) if "/reset-password/" in u]
    assert client.get(_path_of(link)).status_code == 410
    user = db.session.scalars(sa.select(Consultant)).one()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("token", ["x", "a" * 101, "%00"])
def test_a_wrong_reset_link_explains(client, token):
    response = client.get(f"/workspace/reset-password/{token}")
    assert response.status_code == 410
    assert "This link no longer works" in response.get_data(as_text=True)


def _new_browser_asks_for_link(app, questionnaire, answers=COLLAB, **env):
    """A new browser starts a questionnaire and asks for its link; the page after."""
    browser = Wizard(app.test_client(), questionnaire)
    assert browser.post_step(1, answers, environ_base=env).status_code == 302
    page = browser.client.get("/start/step/2")
    data = {"csrf_token": csrf_of(page), "back": "/start/step/2"}
    response = browser.client.post("/start/email-link", data=data, environ_base=env)
    assert response.headers["Location"] == "/start/step/2"
    return browser.client.get("/start/step/2").get_data(as_text=True)


def _resume_links(app) -> int:
    with app.app_context():  # its own: a test's context would share `g` with requests
        return len(_mails(_db, "resume_link"))


def test_one_address_receives_three_links_an_hour_however_many_questionnaires(
    app, questionnaire
):
    """The limit is per recipient (it was per questionnaire: ~150 mails in 10 minutes
    to one victim); further asks are told why, and nothing is lost."""
    pages = [_new_browser_asks_for_link(app, questionnaire) for _ in range(5)]
    sent = [f"We have sent your link to {COLLAB['email']}." in p for p in pages]
    assert sent == [True] * 3 + [False] * 2
    assert "so we will not send it again just now" in " ".join(pages[-1].split())
    assert _resume_links(app) == 3
    other = {**COLLAB, "email": "someone.else@example.com"}
    assert "We have sent your link" in _new_browser_asks_for_link(
        app, questionnaire, other
    )
    assert _resume_links(app) == 4


def test_one_questionnaire_asks_for_its_link_within_the_limits(wizard, client, db):
    """Page reads are never limited; the fourth ask within the hour sends nothing."""
    wizard.post_step(1, COLLAB)
    token = csrf_of(client.get("/start/step/2"))
    data = {"csrf_token": token, "back": "/start/step/2"}
    answers = [
        client.post("/start/email-link", data=data).status_code for _ in range(6)
    ]
    assert answers == [302] * 6
    assert len(_mails(db, "resume_link")) == 3
    for _ in range(20):  # reading the page is never limited
        assert client.get("/start/step/2").status_code == 200


def test_emailing_the_link_from_a_step_saves_what_was_typed_there_first(
    wizard, client, db
):
    """The button on a step page sends that step's form: its answers are kept, as
    "Your answers are saved as you go" promises (an invalid one keeps the last one)."""
    wizard.post_step(1, COLLAB)
    page = client.get("/start/step/2")
    html = page.get_data(as_text=True)
    assert 'form="step-form" formaction="/start/email-link?step=2"' in html
    data = {
        **wizard.step_data(2, COLLAB),
        "csrf_token": csrf_of(page),
        "back": "/start/step/2",
    }
    data.pop("nav")
    response = client.post("/start/email-link?step=2", data=data)
    assert response.headers["Location"] == "/start/step/2"
    draft = db.session.scalars(sa.select(Submission)).one()
    db.session.refresh(draft)
    step_two = wizard.questionnaire.steps[1]
    typed = {q.id for q in step_two.questions if q.id in COLLAB}
    assert typed and {k: draft.answers.get(k) for k in typed} == {
        k: COLLAB[k] for k in typed
    }
    (row,) = _mails(db, "resume_link")
    assert row.to_addr == COLLAB["email"]


@pytest.fixture
def host(app_config):
    """Factory: another app on the test database (another host, other settings)."""
    made = []

    def make(**changes):
        made.append(create_app({**app_config, **changes}))
        return made[-1]

    yield make
    for extra in made:
        with extra.app_context():
            from intake.extensions import db as host_db

            host_db.engine.dispose()


def test_the_recipient_limit_counts_across_hosts(
    app,
    questionnaire,
    shared_store,
    host,
):
    hosts = [host(RATELIMIT_STORAGE_URL=shared_store) for _ in range(3)]
    pages = [_new_browser_asks_for_link(hosts[n % 3], questionnaire) for n in range(4)]
    assert ["We have sent your link" in p for p in pages] == [True] * 3 + [False]


def test_without_the_rate_limit_store_the_link_is_still_sent_within_a_limit(
    app, questionnaire, host
):
    """Prospects' pages work without Redis: no 503; the count goes on per process."""
    down = host(RATELIMIT_STORAGE_URL=f"redis://127.0.0.1:{free_port()}/0")
    answers = {**COLLAB, "email": "store.down@example.com"}
    pages = [_new_browser_asks_for_link(down, questionnaire, answers) for _ in range(4)]
    assert ["We have sent your link" in p for p in pages] == [True] * 3 + [False]


@pytest.mark.parametrize(
    "name",
    ["https://phish.example/login now", "Visit phish.example", "Win 1000 EUR"],
)
def test_a_name_like_a_link_is_not_used_to_greet(app, questionnaire, app_config, name):
    _new_browser_asks_for_link(app, questionnaire, {**COLLAB, "full_name": name})
    (mail,) = _eml_files(app_config)["resume_link"]
    text = _text(mail)
    assert text.startswith("Hello,\n"), text[:80]
    assert "phish" not in text and "1000" not in text
