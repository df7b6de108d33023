"""From questionnaire to signed client through a real SMTP server (aiosmtpd): the
prospect submits, the consultant is told, sends the proposal from the workspace in
Chromium, the prospect opens the link from the e-mail they received and accepts; the
signed copy and the review calendar reach both sides. axe checks the proposal page."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading

import pytest

from tests.browser import QUESTIONNAIRE_PATH, skip_without_browser

skip_without_browser()

from icalendar import Calendar  # noqa: E402

from tests.browser.conftest import TIMEOUT_MS  # noqa: E402
from tests.conftest import Wizard  # noqa: E402
from tests.factories import PASSWORD, make_consultant  # noqa: E402
from tests.personas import STRATEGIC_COLLABORATOR  # noqa: E402
from tests.smtp import SmtpServer, free_port  # noqa: E402

pytestmark = pytest.mark.browser
LINK = re.compile(r"https?://[^\s\"<>]+/proposal/[\w-]+")


@pytest.fixture
def mail_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def served(tmp_path, mail_server):
    """The app with a real mail server and its public address, on a loopback port."""
    from werkzeug.serving import make_server

    from intake import create_app
    from intake.extensions import db

    port = free_port()
    app = create_app(
        {
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'intake.sqlite3'}",
            "QUESTIONNAIRE_PATH": str(QUESTIONNAIRE_PATH),
            "RATELIMIT_STORAGE_URL": "memory://",
            "COUNTS_CACHE_SECONDS": 0,
            "LOG_LEVEL": "WARNING",
            "MAIL_URL": mail_server.url(),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )
    with app.app_context():
        db.create_all()
        make_consultant()
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def deliver(app) -> None:
    """One pass of the delivery worker (what `flask deliver-mail` does)."""
    from intake.mail.worker import deliver_due

    with app.app_context():
        deliver_due()


def received(server, to: str, subject_part: str):
    found = [
        m
        for m in server.inbox.messages
        if m["To"] == to and subject_part in str(m["Subject"])
    ]
    assert len(found) == 1, [(m["To"], m["Subject"]) for m in server.inbox.messages]
    return found[0]


def attachments(message) -> dict[str, bytes]:
    return {p.get_filename(): p.get_content() for p in message.iter_attachments()}


def test_submit_send_open_accept_with_real_mail(chromium, served, mail_server):
    app, base = served
    consultant, prospect = "consultant@example.com", STRATEGIC_COLLABORATOR["email"]

    # the prospect sends the questionnaire (the wizard has its own browser journeys)
    from intake import registry

    with app.app_context():
        wizard = Wizard(app.test_client(), registry.active())
        assert wizard.complete(STRATEGIC_COLLABORATOR).status_code == 302
    deliver(app)
    notice = received(mail_server, consultant, "New questionnaire")
    detail_url = re.search(
        r"http://\S+/workspace/submissions/\d+",
        str(notice.get_body(("plain",)).get_content()),
    ).group(0)

    # the consultant, in Chromium: sign in, open the prospect, send the proposal
    office = chromium.new_context(base_url=base)
    office.set_default_timeout(TIMEOUT_MS * 4)  # the first PDF render is slow
    desk = office.new_page()
    desk.goto(detail_url)
    desk.fill("#email", consultant)
    desk.fill("#password", PASSWORD)
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    assert desk.url == detail_url, desk.url
    desk.fill("#send-message", "Hello Hannah,\n\nAs promised, our proposal.\n\nCasey")
    with desk.expect_navigation():
        desk.click("text=Send proposal")
    assert "Proposal sent to" in desk.inner_text("main")
    deliver(app)

    # the prospect opens the link from the e-mail they received, in another browser
    offer_mail = received(mail_server, prospect, "Your proposal")
    text = offer_mail.get_body(("plain",)).get_content()
    assert "As promised, our proposal." in text
    (link,) = set(LINK.findall(text))
    home = chromium.new_context()
    home.set_default_timeout(TIMEOUT_MS * 4)
    reader = home.new_page()
    reader.goto(link)
    assert reader.inner_text("h1").startswith("Proposal for")
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(reader).response["violations"]
    blocking = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert blocking == []

    start = dt.date.today() + dt.timedelta(days=10)
    reader.fill("#start_date", start.isoformat())
    reader.check("#agree")
    reader.fill("#full_name", "Hannah Lindqvist")
    with reader.expect_navigation():
        reader.click("text=Accept and sign")
    assert "you have accepted this proposal" in reader.inner_text("main")
    deliver(app)

    # the signed copy and the calendar, to both sides
    for to, subject in (
        (prospect, "signed proposal"),
        (consultant, "Proposal accepted"),
    ):
        files = attachments(received(mail_server, to, subject))
        assert files["Signed proposal.pdf"].startswith(b"%PDF")
        calendar = Calendar.from_ical(files["Reviews.ics"])
        kinds = {str(e["UID"]).split("-")[2] for e in calendar.walk("VEVENT")}
        assert kinds == {"weekly", "monthly", "quarterly", "annual"}
    desk.reload()
    assert "Hannah Lindqvist" in desk.inner_text("#send")
    assert "Won" in desk.inner_text("main")
    office.close()
    home.close()
