"""Fixtures for the browser tests: one Chromium per session, one live server per module.

The live server is the real app (`create_app`) on a fresh SQLite file, served by
werkzeug on a free loopback port from a background thread, with one consultant
account. Each test module gets its own server and database, so journeys do not see
each other's prospects.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.browser import CHROMIUM, QUESTIONNAIRE_PATH, why_no_browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000  # a step that takes longer than this has hung


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives Chromium through Playwright against a live server "
        "(skipped where /usr/bin/chromium or Playwright is missing)",
    )


@dataclass
class LiveServer:
    """The app under test and where it listens."""

    app: object
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path

    def add_submission(self, **kw) -> int:
        """A scored prospect made by the factories; returns its id."""
        from intake.extensions import db
        from tests.factories import make_submission

        with self.app.app_context():
            submission = make_submission(**kw)
            db.session.commit()
            return submission.id

    def add_expired_draft(self) -> str:
        """An unfinished questionnaire whose resume link has expired; returns the token."""
        from intake.extensions import db
        from intake.security import hash_token
        from tests.factories import make_submission

        token = "expired-" + secrets.token_urlsafe(16)
        with self.app.app_context():
            draft = make_submission(status="draft")
            draft.token_hash = hash_token(token)
            draft.token_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
            db.session.commit()
        return token


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, launched once for the whole session."""
    reason = why_no_browser()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The real app on a loopback port, with tables and one consultant."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from intake import create_app
    from intake.extensions import db
    from tests.factories import make_consultant

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # the app logs its own request lines
            pass

    database = tmp_path_factory.mktemp("browser") / "intake.sqlite3"
    app = create_app(
        {
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{database}",
            "QUESTIONNAIRE_PATH": str(QUESTIONNAIRE_PATH),
            "RATELIMIT_STORAGE_URL": "memory://",
            "COUNTS_CACHE_SECONDS": 0,
            "LOG_LEVEL": "WARNING",
            "MAIL_OUTBOX_DIR": str(database.parent / "outbox"),
        }
    )
    with app.app_context():
        db.create_all()
        make_consultant()
        db.session.commit()
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def new_context(chromium, live_server):
    """Open browser contexts (each a separate visitor); all closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.base_url)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
