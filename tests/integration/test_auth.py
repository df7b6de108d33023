"""Signing in and out: limits keyed on the account, device cookies, equal work for
unknown e-mails, sessions that end on the server, and private workspace pages."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import threading
import time
import unicodedata

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from intake import create_app
from intake.extensions import db as _db
from intake.models import AuditEvent
from intake.security import normalise_identity
from tests.conftest import csrf_of, sign_in
from tests.factories import PASSWORD, make_consultant, make_submission

EMAIL = "consultant@example.com"


@pytest.fixture
def account(app):
    """The consultant's account, made outside any request: each test browser then
    gets its own app context per request, as in production (no shared `g`)."""
    with app.app_context():
        make_consultant(email=EMAIL)
        make_consultant(email="other@example.com")
        _db.session.commit()


def attempt(app, address: str, *, email=EMAIL, password="wrong password", client=None):
    """One sign-in from a fresh browser (or `client`) at `address`; the status code."""
    client = client or app.test_client()
    env = {"REMOTE_ADDR": address}
    token = csrf_of(client.get("/workspace/login", environ_base=env))
    response = client.post(
        "/workspace/login",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base=env,
    )
    return response.status_code


def sign_out(client, address="192.0.2.1"):
    env = {"REMOTE_ADDR": address}  # the address it signed in from (strong protection)
    token = csrf_of(client.get("/workspace/", environ_base=env))
    response = client.post(
        "/workspace/logout", data={"csrf_token": token}, environ_base=env
    )
    assert response.headers["Location"] == "/workspace/login"
    return response


def test_signing_out_says_so(client, consultant):
    sign_in(client)
    sign_out(client)
    page = client.get("/workspace/login").get_data(as_text=True)
    assert "You have signed out. Sign in again to go back to the workspace." in page


# ---- 1. one identity for the lookup and the limits ----------------------------------

VARIANTS = [
    "consultant@example.com\x01",
    "con\x0bsultant@example.com",
    "  CONSULTANT@Example.COM\t",
    "ｃｏｎｓｕｌｔａｎｔ＠ｅｘａｍｐｌｅ．ｃｏｍ",  # full-width compatibility forms
    "consul\u200btant@example.com",  # a zero-width space
]


@pytest.mark.parametrize("email", VARIANTS)
def test_every_spelling_of_the_account_signs_in_to_it(client, consultant, email):
    assert normalise_identity(email) == EMAIL
    response = sign_in(client, email=email)
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/workspace/today",
    )


def test_spellings_of_one_account_share_one_counter(app, account):
    statuses = [
        attempt(app, f"10.1.0.{i}", email=VARIANTS[i]) for i in range(len(VARIANTS))
    ]
    assert statuses == [401] * 5
    assert attempt(app, "10.1.0.99", password=PASSWORD) == 429


@given(st.text(max_size=40))
def test_the_identity_is_a_fixed_point(value):
    once = normalise_identity(value)
    assert normalise_identity(once) == once
    assert once == once.strip()
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in once)


# ---- 2. a locked account stays open to the consultant's own browser -----------------


def test_an_attacker_cannot_lock_the_consultant_out_of_a_known_browser(app, account):
    known = app.test_client()
    assert attempt(app, "192.0.2.1", client=known, password=PASSWORD) == 302
    sign_out(known)
    # an attacker tries from many addresses, each a fresh browser
    statuses = [attempt(app, f"198.51.100.{i}") for i in range(12)]
    assert statuses == [401] * 5 + [429] * 7
    # an unknown browser is locked out, even with the right password ...
    assert attempt(app, "192.0.2.1", password=PASSWORD) == 429
    # ... but the consultant's own browser is not
    assert attempt(app, "192.0.2.1", client=known, password=PASSWORD) == 302


def test_a_known_browser_has_its_own_limited_allowance(app, account):
    known = app.test_client()
    assert attempt(app, "192.0.2.1", client=known, password=PASSWORD) == 302
    sign_out(known)
    statuses = [attempt(app, "192.0.2.1", client=known) for _ in range(5)]
    assert statuses == [401] * 5
    # its allowance spent, it is an unknown browser again, drawing on the account's
    statuses = [attempt(app, "192.0.2.1", client=known) for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_a_device_cookie_of_another_account_does_not_help(app, account):
    browser = app.test_client()
    assert (
        attempt(
            app,
            "192.0.2.1",
            client=browser,
            email="other@example.com",
            password=PASSWORD,
        )
        == 302
    )
    statuses = [attempt(app, "192.0.2.1", client=browser) for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_parallel_guesses_cannot_overdraw_the_allowance(app, account):
    statuses: list[int] = []

    def guess(n: int):
        statuses.append(attempt(app, f"203.0.113.{n}"))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * 5 + [429] * 11


@pytest.fixture
def shared_store(redis_url):
    """A Redis both 'hosts' count in: the run's private one (tests/redis_server.py)."""
    return redis_url


@pytest.fixture
def another_app(app_config):
    """Factory: more apps on the test database (other hosts, other settings); their
    connections are closed at the end (an open one left to GC warns in a later test)."""
    made = []

    def make(**changes):
        made.append(create_app({**app_config, **changes}))
        return made[-1]

    yield make
    for extra in made:
        with extra.app_context():
            _db.engine.dispose()


def test_guesses_count_across_hosts(app, account, shared_store, another_app):
    hosts = [another_app(RATELIMIT_STORAGE_URL=shared_store) for _ in range(2)]
    known = hosts[0].test_client()
    assert attempt(hosts[0], "192.0.2.1", client=known, password=PASSWORD) == 302
    statuses = [attempt(hosts[n % 2], f"198.51.100.{n}") for n in range(10)]
    assert statuses == [401] * 5 + [429] * 5
    assert attempt(hosts[1], "192.0.2.9", password=PASSWORD) == 429
    assert attempt(hosts[1], "192.0.2.1", client=known, password=PASSWORD) == 302


# ---- 3. unknown e-mails cost the same work -----------------------------------------


@pytest.fixture
def many_attempts(app_config):
    app_config["LOGIN_ATTEMPTS"] = "1000 per minute"


def test_unknown_and_known_emails_take_about_as_long(many_attempts, app, account):
    client = app.test_client()
    token = csrf_of(client.get("/workspace/login"))

    def timed(email: str) -> float:
        data = {"csrf_token": token, "email": email, "password": "wrong password"}
        start = time.perf_counter()
        assert client.post("/workspace/login", data=data).status_code == 401
        return time.perf_counter() - start

    timed("nobody@example.com")  # first use: the stand-in hash is made once
    known, unknown = [], []
    for _ in range(10):
        known.append(timed(EMAIL))
        unknown.append(timed("nobody@example.com"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 1 / 3 < ratio < 3, (statistics.median(known), statistics.median(unknown))


# ---- 4. sessions end on the server ---------------------------------------------------


def signed_in_browser(app, address="192.0.2.1"):
    browser = app.test_client()
    assert attempt(app, address, client=browser, password=PASSWORD) == 302
    return browser


def dashboard_status(client, address="192.0.2.1") -> int:
    return client.get("/workspace/", environ_base={"REMOTE_ADDR": address}).status_code


def session_cookie(client):
    return client.get_cookie("session", domain="intake.test")


def copy_of_session(app, browser):
    thief = app.test_client()
    thief.set_cookie("session", session_cookie(browser).value, domain="intake.test")
    return thief


def test_a_cookie_copied_before_sign_out_no_longer_opens_the_workspace(app, account):
    browser = signed_in_browser(app)
    thief = copy_of_session(app, browser)
    assert dashboard_status(thief) == 200
    sign_out(browser)
    assert dashboard_status(thief) == 302
    assert dashboard_status(browser) == 302


def test_a_network_change_keeps_the_session_a_new_browser_does_not(app, account):
    """A phone moving from Wi-Fi to mobile data keeps its session (it was signed out
    mid-note); the session stays bound to the browser that signed in."""
    browser = signed_in_browser(app, address="192.0.2.1")
    assert dashboard_status(browser, address="198.51.100.23") == 200
    assert dashboard_status(browser, address="192.0.2.1") == 200
    other = browser.get(
        "/workspace/",
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
        headers={"User-Agent": "Another browser/1.0"},
    )
    assert other.status_code == 302 and "/workspace/login" in other.headers["Location"]


def test_a_new_password_ends_every_session(app, account):
    browser = signed_in_browser(app)
    result = app.test_cli_runner().invoke(
        args=["create-user", EMAIL], env={"INTAKE_NEW_PASSWORD": "a new long password"}
    )
    assert result.exit_code == 0, result.output
    response = browser.get("/workspace/", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert response.headers["Location"] == "/workspace/login?next=%2Fworkspace%2F"


def test_sign_out_everywhere_ends_every_session_and_forgets_devices(app, account):
    laptop, phone = signed_in_browser(app), signed_in_browser(app, "192.0.2.2")
    token = csrf_of(
        laptop.get("/workspace/", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    )
    response = laptop.post(
        "/workspace/logout-everywhere",
        data={"csrf_token": token},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    assert response.headers["Location"] == "/workspace/login"
    assert (dashboard_status(laptop), dashboard_status(phone, "192.0.2.2")) == (
        302,
        302,
    )
    # the phone's device cookie no longer counts: the account's lockout applies to it
    statuses = [attempt(app, f"198.51.100.{n}") for n in range(5)]
    assert statuses == [401] * 5
    assert attempt(app, "192.0.2.2", client=phone, password=PASSWORD) == 429


@pytest.mark.parametrize(
    "key,age", [("seen_at", 60 * 60 + 5), ("signed_in_at", 12 * 3600 + 5)]
)
def test_idle_and_old_sessions_end(app, account, key, age):
    browser = signed_in_browser(app)
    with browser.session_transaction() as session:
        session[key] -= age
    response = browser.get(
        "/workspace/settings", environ_base={"REMOTE_ADDR": "192.0.2.1"}
    )
    assert response.headers["Location"] == "/workspace/login?next=/workspace/settings"
    page = browser.get(response.headers["Location"])
    assert "Your session ended. Please sign in again." in page.get_data(as_text=True)


def test_session_limits_are_configurable(account, another_app):
    app = another_app(SESSION_IDLE_MINUTES=2, SESSION_MAX_HOURS=1)
    browser = signed_in_browser(app)
    with browser.session_transaction() as session:
        session["seen_at"] -= 90  # within two minutes
    assert dashboard_status(browser) == 200
    with browser.session_transaction() as session:
        session["signed_in_at"] -= 3601
    assert dashboard_status(browser) == 302


def test_sign_in_starts_a_fresh_session_that_ends_with_the_browser(app, account):
    from tests.conftest import Wizard
    from tests.personas import PERSONAS

    with app.app_context():
        from intake import registry

        questionnaire = registry.active()
    browser = app.test_client()
    Wizard(browser, questionnaire).post_step(1, PERSONAS["strategic_collaborator"])
    assert session_cookie(browser).expires is not None  # the prospect's 30 days
    before = session_cookie(browser).value
    assert attempt(app, "192.0.2.1", client=browser, password=PASSWORD) == 302
    cookie = session_cookie(browser)
    assert cookie.expires is None and cookie.value != before
    with browser.session_transaction() as session:
        assert sorted(k for k in session if not k.startswith("_")) == [
            "seen_at",
            "signed_in_at",
        ]


# ---- 9. nothing personal kept in caches ------------------------------------------


def test_workspace_pages_and_downloads_are_not_stored(signed_in, db):
    submission = make_submission()
    db.session.commit()
    for url in (
        "/workspace/",
        "/workspace/drafts",
        "/workspace/settings",
        f"/workspace/submissions/{submission.id}",
        f"/workspace/submissions/{submission.id}/proposal",
        f"/workspace/submissions/{submission.id}/proposal.pdf",
        "/workspace/export.csv",
        "/workspace/login",
    ):
        response = signed_in.get(url)
        assert (response.status_code, response.headers["Cache-Control"]) == (
            200,
            "no-store",
        ), url


# ---- 5. numbers from URLs and forms are bounded -----------------------------------

BIG = "9" * 300


@pytest.mark.parametrize(
    "url,status",
    [
        ("/workspace/submissions/99999999999999999999", 404),
        ("/workspace/submissions/2147483648", 404),
        ("/workspace/submissions/0", 404),
        ("/workspace/submissions/99999999999999999999/proposal.pdf", 404),
        ("/workspace/?page=" + BIG, 200),
        ("/workspace/export.csv?page=" + BIG, 200),
        ("/workspace/drafts?page=" + BIG, 200),
        ("/start/step/99999999999999999999", 404),
    ],
)
def test_oversized_numbers_in_urls_are_not_a_500(signed_in, db, url, status):
    make_submission()
    db.session.commit()
    response = signed_in.get(url)
    assert response.status_code == status


@pytest.mark.parametrize("action", ["notes", "status", "delete", "package"])
def test_oversized_ids_in_form_urls_are_404(signed_in, action):
    token = csrf_of(signed_in.get("/workspace/"))
    response = signed_in.post(
        f"/workspace/submissions/{BIG}/{action}", data={"csrf_token": token}
    )
    assert response.status_code == 404


def test_a_price_with_hundreds_of_digits_is_a_form_error(signed_in):
    from tests.integration.test_workspace import post_settings

    response = post_settings(signed_in, "packages", **{"packages-0-monthly_price": BIG})
    assert response.status_code == 422
    assert "Number must be between 0 and 1000000." in response.get_data(as_text=True)


# ---- the audit trail ------------------------------------------------------------------


def trail(db) -> list[tuple]:
    db.session.expire_all()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    return [(e.actor, e.action, e.submission_id, e.detail) for e in events]


def test_every_consultant_action_is_recorded_without_personal_data(signed_in, db):
    from tests.integration.test_workspace import post_settings

    s = make_submission()
    db.session.commit()
    sid, url = s.id, f"/workspace/submissions/{s.id}"
    token = csrf_of(signed_in.get(url))
    signed_in.post(f"{url}/notes", data={"csrf_token": token, "body": "Call Hannah"})
    signed_in.post(f"{url}/status", data={"csrf_token": token, "status": "booked"})
    signed_in.post(f"{url}/package", data={"csrf_token": token, "package": ""})
    assert signed_in.get(f"{url}/proposal.pdf").status_code == 200
    assert signed_in.get("/workspace/export.csv?q=hannah").status_code == 200
    assert post_settings(signed_in, "mail").status_code == 302
    signed_in.post(f"{url}/delete", data={"csrf_token": token, "confirm": "y"})
    sign_out(signed_in, "127.0.0.1")
    who = EMAIL
    assert trail(db) == [
        (who, "sign_in", None, "from a new browser"),
        (who, "note", sid, ""),
        (who, "status", sid, "New → Consultation booked"),
        (who, "package", sid, "back to the recommendation"),
        (who, "download", sid, "proposal"),
        (who, "export", None, ""),
        (who, "settings", None, "mail"),
        (who, "delete", sid, ""),
        (who, "sign_out", None, ""),
    ]
    text = repr(trail(db)).lower()
    for personal in ("hannah", "lindqvist", "call", "@northway"):
        assert personal not in text


def test_the_trail_is_shown_and_keeps_deleted_submissions(signed_in, consultant, db):
    kept, gone = make_submission(), make_submission()
    db.session.commit()
    token = csrf_of(signed_in.get("/workspace/"))
    for s in (kept, gone):
        signed_in.post(
            f"/workspace/submissions/{s.id}/status",
            data={"csrf_token": token, "status": "won"},
        )
    signed_in.post(
        f"/workspace/submissions/{gone.id}/delete",
        data={"csrf_token": token, "confirm": "y"},
    )
    page = signed_in.get("/workspace/activity")
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert '<a href="/workspace/activity" aria-current="page">Activity</a>' in html
    rows = re.findall(
        r"<tr><td><time [^>]+>[^<]+</time></td><td>([^<]+)</td>\s*<td>([^<]+)", html
    )
    who = consultant.name  # the trail shows the member's name (issue 15: a team)
    assert who and who != EMAIL
    assert rows == [
        (who, "Deleted a submission"),
        (who, "Changed the status"),
        (who, "Changed the status"),
        (who, "Signed in"),
    ]
    assert f'<a href="/workspace/submissions/{kept.id}">#{kept.id}</a>' in html
    assert f"#{gone.id} (deleted)" in html
    assert f'href="/workspace/submissions/{gone.id}"' not in html


def test_a_failed_action_records_nothing(signed_in, db):
    s = make_submission()
    db.session.commit()
    token = csrf_of(signed_in.get("/workspace/"))
    signed_in.post(
        f"/workspace/submissions/{s.id}/delete", data={"csrf_token": token}
    )  # not confirmed
    assert [event[1] for event in trail(db)] == ["sign_in"]


def test_a_password_reset_forgets_trusted_browsers(app, account):
    """As "sign out everywhere": a browser the old password trusted loses its own
    allowance of guesses (it kept it through a reset)."""
    from intake.mail.password_reset import use_reset
    from intake.models import Consultant, PasswordReset, utcnow

    phone = signed_in_browser(app, "192.0.2.2")
    with app.app_context():
        user = _db.session.scalar(
            sa.select(Consultant).where(Consultant.email == EMAIL)
        )
        reset = PasswordReset(
            consultant_id=user.id,
            token_hash="0" * 64,
            expires_at=utcnow() + dt.timedelta(hours=1),
        )
        _db.session.add(reset)
        _db.session.flush()
        assert use_reset(reset, "a brand new password")
        _db.session.commit()
    statuses = [attempt(app, f"198.51.100.{n}") for n in range(5)]
    assert statuses == [401] * 5
    # the account is locked for unknown browsers, and the phone is one of them now
    new_password = "a brand new password"
    assert attempt(app, "192.0.2.2", client=phone, password=new_password) == 429


def test_create_user_keys_the_account_by_the_one_sign_in_identity(app):
    """`flask create-user` stores the identity sign-in looks up (full-width letters,
    a stray control character and capitals folded), so the account can sign in."""
    typed = "\u200bＬｅａｄ@Example.com "
    result = app.test_cli_runner().invoke(
        args=["create-user", typed], env={"INTAKE_NEW_PASSWORD": PASSWORD}
    )
    assert result.exit_code == 0, result.output
    assert attempt(app, "192.0.2.9", email="lead@example.com", password=PASSWORD) == 302


def test_every_password_setter_uses_the_one_minimum(app):
    """The CLI and the new-password form (reset, joining) refuse the same lengths."""
    from intake.forms import NewPasswordForm
    from intake.security import MIN_PASSWORD

    short = "x" * (MIN_PASSWORD - 1)
    result = app.test_cli_runner().invoke(
        args=["create-user", "lead@example.com"], env={"INTAKE_NEW_PASSWORD": short}
    )
    assert result.exit_code == 1
    assert f"needs {MIN_PASSWORD} to" in result.output
    with app.test_request_context(
        method="POST", data={"password": short, "confirm": short}
    ):
        form = NewPasswordForm(meta={"csrf": False})
        assert not form.validate()
        assert form.errors["password"] == [
            f"Please use at least {MIN_PASSWORD} characters."
        ]
