"""Today and the board on a phone (375x812) and a desk (1280x800): the first prospect
within the first screen, nothing wider than the window, no axe violation at any level;
the chips change what is shown; the board moves cards by keyboard.

Set INTAKE_SCREENSHOTS to a folder (e.g. /tmp/shots-today) to also save a screenshot
of Today, the board and the list at both sizes; the first prospect's position on each
is printed (pytest -s).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
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

SIZES = ((375, 812), (1280, 800))
SHOTS = (
    Path(os.environ["INTAKE_SCREENSHOTS"])
    if os.environ.get("INTAKE_SCREENSHOTS")
    else None
)
PAGES = {
    "today": ("/workspace/today", ".today-row"),
    "board": ("/workspace/board", ".board-card"),
    "list": ("/workspace/", "table.prospects tbody tr"),
}
LONG = (
    "maximiliana.featherstonehaugh-cholmondeley@a-very-long-practice-name.example.com"
)


@pytest.fixture(scope="module")
def seeded(live_server):
    """Prospects for every reason of Today, long names and e-mails, a pending reminder."""
    from intake.extensions import db
    from intake.models import MAIL_QUEUED, OutboxMessage, Submission
    from intake.offers.models import SENT, Offer

    now = dt.datetime.now(dt.UTC)
    ids = {}
    for n, persona in enumerate(
        ["strategic_collaborator", "solid_but_cautious", "one_off_project"] * 4
    ):
        ids[f"new{n}"] = live_server.add_submission(
            persona=persona,
            submitted_at=now - dt.timedelta(hours=5 + 20 * n),
            full_name=f"Maximiliana Constance Featherstonehaugh-Cholmondeley {n}",
            email=f"{n}.{LONG}",
        )
    for n in range(3):
        ids[f"sent{n}"] = live_server.add_submission(
            persona="friendly_founder", status="proposal_sent"
        )
    ids["draft"] = live_server.add_submission(
        persona="tiny_budget_busy", status="draft", email=LONG
    )
    with live_server.app.app_context():
        for n in range(3):
            db.session.add(
                Offer(
                    submission_id=ids[f"sent{n}"],
                    token_hash=uuid.uuid4().hex,
                    state=SENT,
                    created_at=now - dt.timedelta(days=6 + 10 * n),
                    expires_at=now + dt.timedelta(days=24 - 11 * n),
                    sent_by="consultant@example.com",
                    content={},
                    pdf=b"%PDF-1.7",
                    pdf_sha256="0" * 64,
                )
            )
        draft = db.session.get(Submission, ids["draft"])
        draft.updated_at = now - dt.timedelta(days=2)
        db.session.add(
            OutboxMessage(
                kind="reminder",
                message_id=f"<{uuid.uuid4().hex}@intake.test>",
                once_key=f"reminder:{draft.id}",
                submission_id=draft.id,
                to_addr=LONG,
                subject="Your questionnaire is waiting for you",
                text_body="",
                html_body="",
                status=MAIL_QUEUED,
                send_after=now + dt.timedelta(days=3),
            )
        )
        db.session.commit()
    return ids


def sign_in(page) -> None:
    page.goto("/workspace/login")
    page.fill("#email", "consultant@example.com")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/workspace/today"), page.url


def test_the_first_prospect_is_on_the_first_screen_at_both_sizes(new_context, seeded):
    page = new_context().new_page()
    sign_in(page)
    axe = Axe()
    problems, positions = [], []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for name, (path, row) in PAGES.items():
            page.goto(path)
            scroll, inner = page.evaluate(
                "[document.scrollingElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                problems.append(f"{name} at {width} scrolls sideways ({scroll})")
            for v in axe.run(page).response["violations"]:
                if name != "list":  # the list keeps test_workspace_layout's bar
                    problems.append(f"{name} at {width}: {v['impact']} {v['id']}")
            top = page.locator(row).first.bounding_box()["y"]
            positions.append(f"{name} {width}x{height}: first prospect at y={top:.0f}")
            if top >= height:
                problems.append(f"{name} at {width}: first prospect at {top} px")
            if SHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))
    print("\n".join(positions))
    assert not problems, "\n".join(problems)


def test_the_chips_change_what_is_shown(new_context, seeded):
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page)
    everyone = page.locator(".today-row").count()
    page.click("nav.chips >> text=Proposals")
    assert page.url.endswith("/workspace/today?show=proposals")
    assert (
        page.locator('nav.chips a[aria-current="page"]')
        .inner_text()
        .startswith("Proposals")
    )
    rows = page.locator(".today-row")
    assert 0 < rows.count() < everyone
    assert all("Proposal" in t for t in rows.all_inner_texts())
    # the change is on the first screen
    assert rows.first.bounding_box()["y"] < 812


def test_the_board_scrolls_inside_and_moves_by_keyboard(new_context, seeded):
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page)
    page.goto("/workspace/board")
    inside, board, window = page.evaluate(
        """[document.querySelector('.board').scrollWidth,
            document.querySelector('.board').clientWidth,
            document.scrollingElement.scrollWidth]"""
    )
    assert inside > board and window <= 375
    new_before = int(page.inner_text("#col-new .col-count"))
    first = page.locator("#col-new .board-card input[type=checkbox]").first
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    page.select_option("#move-status", "reviewing")
    page.focus(".move-bar button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Moved 1 prospect to Reviewing." in page.inner_text("main")
    assert int(page.inner_text("#col-new .col-count")) == new_before - 1


def test_from_the_list_to_the_next_prospect_and_back(new_context, seeded):
    page = new_context(viewport={"width": 375, "height": 812}).new_page()
    sign_in(page)
    listed = "/workspace/?status=new&sort=name&direction=asc"
    page.goto(listed)
    # below 600 px the sort is a select of the filter form
    assert page.locator("#sort").is_visible()
    assert page.locator("#sort").input_value() == "name"
    names = page.locator("a.prospect-link").all_inner_texts()
    with page.expect_navigation():
        page.locator("a.prospect-link").first.click()
    assert page.inner_text("h1") == names[0]
    with page.expect_navigation():
        page.click("a.next-prospect")
    assert page.inner_text("h1") == names[1]
    if SHOTS:
        page.screenshot(path=str(SHOTS / "prospect-from-list-375.png"))
    with page.expect_navigation():
        page.click("text=← All prospects")
    assert page.url.endswith(listed), page.url
