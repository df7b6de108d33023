"""Outcomes in Chromium at 375 and 1280 px: the report with too few outcomes and on the
demo data, a client's page with its check-ins, Today's check-in row. No sideways
scrolling, no serious axe issue; a check-in recorded through the form by keyboard.
INTAKE_SCREENSHOTS=folder saves each page at both widths."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser import skip_without_browser

skip_without_browser()
pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="axe-playwright-python is not installed (pip install -e '.[dev]')",
)

from tests.browser.test_workspace_layout import Check, go, sign_in  # noqa: E402

pytestmark = pytest.mark.browser


def _won_client(live_server, days_ago: int) -> int:
    from intake import pipeline
    from intake.extensions import db
    from tests.factories import make_submission

    now = dt.datetime.now(dt.UTC)
    with live_server.app.app_context():
        s = make_submission(persona="strategic_collaborator")
        db.session.flush()
        pipeline.move_status(
            s, "won", author="Casey", now=now - dt.timedelta(days=days_ago)
        )
        db.session.commit()
        return s.id


def _demo(live_server) -> None:
    from intake.extensions import db
    from intake.outcomes.demo import create_demo_outcomes

    with live_server.app.app_context():
        create_demo_outcomes()
        db.session.commit()


def test_outcome_pages_fit_a_phone_and_a_desktop(new_context, live_server):
    client_id = _won_client(live_server, days_ago=200)
    page = new_context().new_page()
    check = Check(page)
    sign_in(page)
    go(page, "/workspace/outcomes")
    assert "Not enough outcomes to say anything yet" in page.inner_text("main")
    check("outcomes-too-few")
    go(page, "/workspace/today?show=check_ins")
    assert "6-month check-in with" in page.inner_text("main")
    check("today-check-in")
    go(page, f"/workspace/submissions/{client_id}")
    # by keyboard: the check-in (6 months is chosen, as it is due), a rating, a note
    page.focus("#outcome-checkpoint")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first rating: Thriving
    page.fill("#outcome-note", "Weekly check-ins kept; they now delegate the launches.")
    page.focus("#outcomes button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    text = page.inner_text("#outcomes")
    assert "6 months: Thriving" in text, text
    page.locator("#outcomes").scroll_into_view_if_needed()
    check("submission-outcomes")
    _demo(live_server)
    go(page, "/workspace/outcomes")
    main = page.inner_text("main")
    assert "includes generated demo data" in main
    assert "Suggested changes to points" in main and "Raise" in main
    page.click("details.how-to-read summary")
    check("outcomes-demo")
    assert not check.problems, "\n".join(check.problems)
