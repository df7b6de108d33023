"""The workspace by keyboard alone: every stop of the list and of a prospect's page
shows where focus is, the stops come in reading order, and a consultant can search,
open a prospect, add a note and change the status with Tab, typing and Enter."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser import press_and_wait, skip_without_browser, tab_to

skip_without_browser()

from tests.factories import PASSWORD  # noqa: E402

pytestmark = pytest.mark.browser

# what has focus, where it is, and whether a person can see it
STOP = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    html: el.outerHTML.slice(0, 90),
    key: el.id || el.getAttribute('href') || el.getAttribute('name') || el.tagName,
    visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    order: [...document.querySelectorAll('*')].indexOf(el),
    onscreen: box.width > 0 && box.height > 0,
  };
}"""


@pytest.fixture(scope="module")
def seeded(live_server):
    now = dt.datetime.now(dt.UTC)
    return {
        persona: live_server.add_submission(
            persona=persona, submitted_at=now - dt.timedelta(days=n)
        )
        for n, persona in enumerate(
            ["strategic_collaborator", "one_off_project", "solid_but_cautious"]
        )
    }


def walk(page, limit: int = 120) -> list[dict]:
    """Tab from the top of the page through every stop, once round."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(STOP)
        if stops and stop["order"] <= stops[0]["order"] or stop["key"] == "BODY":
            break
        stops.append(stop)
    return stops


def assert_walk_is_visible_and_in_order(stops: list[dict]) -> None:
    assert stops, "no focusable element"
    hidden = [s for s in stops if not (s["visible"] and s["onscreen"])]
    assert not hidden, f"focus not visible on: {hidden}"
    orders = [s["order"] for s in stops]
    assert orders == sorted(orders), [s["key"] for s in stops]  # reading order


def keys(stops: list[dict]) -> list[str]:
    return [s["key"] for s in stops]


def sign_in_by_keyboard(page) -> None:
    page.goto("/workspace/login")
    tab_to(page, "#email")
    page.keyboard.type("consultant@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    press_and_wait(page)
    assert page.url.endswith("/workspace/today"), page.url
    page.goto("/workspace/")


def test_the_list_by_keyboard(page, seeded):
    sign_in_by_keyboard(page)
    # the counts, filters and saved views sit behind one disclosure (closed while no
    # filter is in use): a Tab stop of its own, opened with Enter
    closed = walk(page)
    assert_walk_is_visible_and_in_order(closed)
    assert keys(closed)[0] == "#main"  # the skip link comes first
    assert "q" not in keys(closed)
    tab_to(page, "details.list-tools > summary")
    page.keyboard.press("Enter")
    assert page.locator("#q").is_visible()
    # from the opened disclosure on, round to the top
    stops = walk(page)
    assert_walk_is_visible_and_in_order(stops)
    order = keys(stops)
    # filters, then the table's sort links, then the prospects
    assert order.index("q") < order.index("verdict") < order.index("status")
    sort_links = [i for i, k in enumerate(order) if "sort=" in k]
    prospects = [
        i for i, k in enumerate(order) if k.startswith("/workspace/submissions/")
    ]
    assert len(prospects) == len(seeded)
    assert max(sort_links) < min(prospects)

    # search by typing, then open the only match with Enter
    tab_to(page, "#q")
    page.keyboard.type("reilly")
    press_and_wait(page)
    assert "q=reilly" in page.url
    tab_to(page, "a.prospect-link")
    press_and_wait(page)
    assert page.inner_text("h1") == "Tom Reilly"


def test_a_prospects_page_by_keyboard(page, seeded):
    sign_in_by_keyboard(page)
    page.goto(f"/workspace/submissions/{seeded['strategic_collaborator']}")
    stops = walk(page)
    assert_walk_is_visible_and_in_order(stops)
    order = keys(stops)
    # laid out for the call: the way back, the e-mail address, then (their words and
    # the talking points hold no stop) the next action, the status and the note, all
    # before the proposal's forms
    mail = next(i for i, k in enumerate(order) if k.startswith("mailto:"))
    before = order[:mail]
    if before[-1].startswith("/workspace/submissions/"):
        before = before[:-1]  # Next prospect
    assert before[-1] == "/workspace/"
    assert order[mail + 1] == "#send"  # the next action: send the proposal
    assert mail < order.index("status") < order.index("body") < order.index("package")

    # write a note straight from the desk, save it
    tab_to(page, "#body")
    page.keyboard.type("Rang her; call booked for Tuesday.")
    page.keyboard.press("Tab")
    press_and_wait(page)
    assert page.inner_text(".flash-success") == "Note added."
    assert "Rang her; call booked for Tuesday." in page.inner_text("ul.notes")

    # change the status with the arrow keys
    tab_to(page, "#status")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#status") == "reviewing"
    page.keyboard.press("Tab")
    press_and_wait(page)
    assert page.inner_text(".flash-success") == "Status changed to Reviewing."
    assert "from New to Reviewing" in page.text_content("ol.history")  # folded away
