"""Every workspace page on a phone (375 px) and a desktop (1280 px): nothing wider than
the window (no horizontal scrolling), no serious or critical axe issue, and on a phone
the list reads as cards.

Set INTAKE_SCREENSHOTS to a folder (e.g. /tmp/shots) to also save a full-page
screenshot of every page at both widths, for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.browser import skip_without_browser

skip_without_browser()
Axe = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="axe-playwright-python is not installed (pip install -e '.[dev]')",
).Axe

from tests.factories import PASSWORD  # noqa: E402

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)
BLOCKING = ("serious", "critical")
SHOTS = (
    Path(os.environ["INTAKE_SCREENSHOTS"])
    if os.environ.get("INTAKE_SCREENSHOTS")
    else None
)
# the elements sticking out past the right edge of the window, for the message
WIDER_THAN_WINDOW = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > limit + 0.5)
    .filter(el => !el.closest('.visually-hidden'))
    .slice(0, 6)
    .map(el => el.outerHTML.slice(0, 100));
}"""


@pytest.fixture(scope="module")
def seeded(live_server):
    """Eight submitted prospects (one of them a repeat) and three drafts."""
    now = dt.datetime.now(dt.UTC)
    ids = {}
    for n, persona in enumerate(
        [
            "strategic_collaborator",
            "friendly_founder",
            "needy_always_on",
            "solid_but_cautious",
            "pair_of_hands",
            "one_off_project",
            "hands_off_executive",
        ]
    ):
        ids[persona] = live_server.add_submission(
            persona=persona, submitted_at=now - dt.timedelta(days=9 - n)
        )
    ids["repeat"] = live_server.add_submission(
        persona="strategic_collaborator", submitted_at=now - dt.timedelta(hours=5)
    )
    for persona in ("tiny_budget_busy", "occasional_helper", "tiny_budget_busy"):
        ids["draft"] = live_server.add_submission(persona=persona, status="draft")
    return ids


def sign_in(page) -> None:
    page.goto("/workspace/login")
    page.fill("#email", "consultant@example.com")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/workspace/today"), page.url
    page.goto("/workspace/")


class Check:
    """Overflow and axe at each width for each page; a screenshot when asked."""

    def __init__(self, page):
        self.page = page
        self.axe = Axe()
        self.problems: list[str] = []
        self.seen: list[str] = []

    def __call__(self, name: str) -> None:
        self.seen.append(name)
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            scroll, inner = self.page.evaluate(
                "[document.scrollingElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                wide = self.page.evaluate(WIDER_THAN_WINDOW)
                self.problems.append(
                    f"{name} at {width} px scrolls sideways ({scroll} > {inner}): {wide}"
                )
            for v in self.axe.run(self.page).response["violations"]:
                if v["impact"] in BLOCKING:
                    targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
                    self.problems.append(
                        f"{name} at {width} px: {v['impact']} {v['id']} "
                        f"({v['help']}): {targets[:4]}"
                    )
            if SHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                self.page.screenshot(
                    path=str(SHOTS / f"ws-{name}-{width}.png"), full_page=True
                )
        self.page.set_viewport_size({"width": 1280, "height": 900})


def go(page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, (path, response.status)


def test_every_workspace_page_fits_a_phone_and_a_desktop(new_context, seeded):
    page = new_context().new_page()
    check = Check(page)
    go(page, "/workspace/login")
    check("login")
    sign_in(page)
    check("list")
    go(page, "/workspace/today")
    check("today")
    go(page, "/workspace/board")
    check("board")
    go(page, "/workspace/?verdict=not+a+fit&sort=overall&direction=asc")
    check("list-filtered")
    go(page, "/workspace/?q=nobody-by-this-name")
    check("list-empty")
    go(page, "/workspace/?verdict=possible+fit&sort=overall")
    page.click("details.saved-views summary")
    page.fill("#view-name", "Possible fits, best first, a long name to wrap on a phone")
    with page.expect_navigation():
        page.click("form.save-view button[type=submit]")
    page.click("details.saved-views-nav summary")
    check("list-saved-views")
    go(page, "/workspace/drafts")
    check("drafts")
    go(page, f"/workspace/drafts/{seeded['draft']}")
    check("draft")
    detail = f"/workspace/submissions/{seeded['repeat']}"
    go(page, detail)
    page.fill("#body", "Called; wants to start in January.")
    with page.expect_navigation():
        page.click("#notes button[type=submit]")
    page.select_option("#status", "booked")
    with page.expect_navigation():
        page.click("form[action$='/status'] button[type=submit]")
    check("submission")
    go(page, f"/workspace/submissions/{seeded['pair_of_hands']}")
    check("submission-not-a-fit")
    go(page, "/workspace/settings")
    check("settings")
    page.fill("#email", "not-an-address")
    with page.expect_navigation():
        page.click("#practice button[type=submit]")
    check("settings-errors")
    go(page, "/workspace/team")
    # a pending invitation to a long address: its Resend and Cancel buttons must fit
    page.fill("#email", "a.long.address.for.an.invited.colleague@practice-example.com")
    with page.expect_navigation():
        page.click("form[action$='/team/invite'] button[type=submit]")
    check("team")
    go(page, detail + "/proposal")
    check("proposal-preview")
    go(page, f"/workspace/submissions/{seeded['pair_of_hands']}/letter")
    check("letter-preview")
    assert not check.problems, "\n".join(check.problems)


def test_on_a_phone_the_list_is_cards_with_what_matters(new_context, seeded):
    page = new_context(viewport={"width": 375, "height": 800}).new_page()
    sign_in(page)
    head = page.locator("table.prospects thead").bounding_box()
    assert head and head["height"] <= 1, head  # the column heads: for screen readers
    first = page.locator("table.prospects tbody tr").first
    box = first.bounding_box()
    assert box and box["width"] <= 375
    text = first.inner_text()
    # newest first: the repeat of Hannah Lindqvist, sent five hours ago
    for expected in ("Hannah Lindqvist", "Lindqvist Advisory", "overall", "Strong fit"):
        assert expected in text, (expected, text)
    assert "0 red flags" in text, text
    assert first.locator(".c-status .badge").is_visible()  # the pipeline status
    assert not first.locator(".bars").is_visible()  # the bars stay on the desktop
    assert "hours ago" in text or "today" in text.lower(), text
    for cell in first.locator("td").all():
        if cell.is_visible():
            cell_box = cell.bounding_box()
            assert cell_box["x"] >= 0 and cell_box["x"] + cell_box["width"] <= 375


LONG_MAIL = (
    "maximiliana.featherstonehaugh-cholmondeley@a-very-long-practice.example.com"
)


@pytest.fixture(scope="module")
def crowded(live_server, seeded):
    """Thirty more prospects with long names and 60+ character e-mails, sent days
    before the others, and drafts with such addresses and a reminder pending."""
    import uuid

    from intake.extensions import db
    from intake.models import MAIL_QUEUED, OutboxMessage, Submission

    assert len(LONG_MAIL) > 60
    now = dt.datetime.now(dt.UTC)
    for n in range(30):
        live_server.add_submission(
            persona=("strategic_collaborator", "one_off_project")[n % 2],
            submitted_at=now - dt.timedelta(days=12, hours=n),
            full_name=f"Maximiliana Constance Featherstonehaugh-Cholmondeley {n}",
            email=f"{n}.{LONG_MAIL}",
        )
    draft = live_server.add_submission(
        persona="tiny_budget_busy", status="draft", email=f"draft.{LONG_MAIL}"
    )
    with live_server.app.app_context():
        row = db.session.get(Submission, draft)
        row.email, row.email_key = f"draft.{LONG_MAIL}", f"draft.{LONG_MAIL}"
        row.updated_at = now - dt.timedelta(days=2)
        db.session.add(
            OutboxMessage(
                kind="reminder",
                message_id=f"<{uuid.uuid4().hex}@intake.test>",
                once_key=f"reminder:{draft}",
                submission_id=draft,
                to_addr=row.email,
                subject="Your questionnaire is waiting for you",
                text_body="",
                html_body="",
                status=MAIL_QUEUED,
                send_after=now + dt.timedelta(days=3),
            )
        )
        db.session.commit()
    return draft


def _visible_rows(page, selector: str) -> int:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter(e => {
             const r = e.getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight; }).length""",
        selector,
    )


def test_the_list_starts_on_the_first_screen_and_fits_fifteen_rows_on_a_desk(
    new_context, crowded
):
    """The counts, chart and filters wait behind a disclosure: the first prospect is
    on a phone's first screen (it was at 1,475 px) and a desk shows 15 rows or more
    (it showed none: the first at 701 px, rows 80 px tall)."""
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page)
    first = page.locator("table.prospects tbody tr").first.bounding_box()
    assert first["y"] + 60 < 812, first  # its name is readable without scrolling
    assert not page.locator("#q").is_visible()  # the filters, folded
    page.click("details.list-tools summary")
    assert page.locator("#q").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/workspace/")
    assert _visible_rows(page, "table.prospects tbody tr") >= 15
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 1280, width
    # a filter in use keeps the disclosure open, so what narrows the list shows
    page.goto("/workspace/?verdict=strong+fit")
    assert page.locator("#verdict").is_visible()


def test_drafts_and_a_draft_fit_a_phone_with_long_addresses(new_context, crowded):
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page)
    for path in ("/workspace/drafts", f"/workspace/drafts/{crowded}"):
        go(page, path)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, (path, width, page.evaluate(WIDER_THAN_WINDOW))
    go(page, "/workspace/drafts")
    assert page.get_by_text(f"draft.{LONG_MAIL}").first.is_visible()


def test_the_activity_keeps_what_was_done_on_a_phone(new_context, crowded):
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page)
    go(page, "/workspace/activity")
    cell = page.locator("table.prospects tbody tr").first.locator("td").nth(2)
    box = cell.bounding_box()
    assert cell.inner_text().strip(), "the What column is empty"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
