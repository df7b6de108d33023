"""Accessibility in a real browser: axe-core over every page of both journeys (no
serious or critical violations), visible focus, the skip link, page titles that name
the step, and reduced motion.

Set INTAKE_SCREENSHOTS to a folder (e.g. /tmp/shots) to also save a full-page
screenshot of every checked page at 375 px and 1280 px wide, for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.browser import skip_without_browser

skip_without_browser()
Axe = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="axe-playwright-python is not installed (pip install -e '.[dev]')",
).Axe

from tests.browser import (  # noqa: E402
    answer_step,
    focused,
    is_focused,
    next_step,
    questionnaire,
    tab_to,
)
from tests.factories import PASSWORD  # noqa: E402
from tests.personas import STRATEGIC_COLLABORATOR  # noqa: E402

pytestmark = pytest.mark.browser

Q = questionnaire()
TOTAL = len(Q.steps)
WIDTHS = (375, 1280)
BLOCKING = ("serious", "critical")
SHOTS = (
    Path(os.environ["INTAKE_SCREENSHOTS"])
    if os.environ.get("INTAKE_SCREENSHOTS")
    else None
)


class Audit:
    """Runs axe on each page at each width; keeps every violation for the report."""

    def __init__(self, page):
        self.page = page
        self.axe = Axe()
        self.results: dict[str, list[dict]] = {}

    def check(self, name: str) -> None:
        assert name not in self.results, f"page {name!r} checked twice"
        found: dict[tuple[str, str], dict] = {}
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            response = self.axe.run(self.page).response
            for v in response["violations"]:
                key = (v["id"], v["impact"])
                entry = found.setdefault(
                    key,
                    {
                        "id": v["id"],
                        "impact": v["impact"],
                        "help": v["help"],
                        "widths": [],
                        "targets": [],
                    },
                )
                entry["widths"].append(width)
                for node in v["nodes"]:
                    target = " ".join(map(str, node["target"]))
                    if target not in entry["targets"]:
                        entry["targets"].append(target)
            if SHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                self.page.screenshot(
                    path=str(SHOTS / f"{name}-{width}.png"), full_page=True
                )
        self.page.set_viewport_size({"width": 1280, "height": 900})
        self.results[name] = list(found.values())

    def blocking(self) -> dict[str, list[dict]]:
        return {
            name: [v for v in violations if v["impact"] in BLOCKING]
            for name, violations in self.results.items()
            if any(v["impact"] in BLOCKING for v in violations)
        }

    def report(self) -> str:
        lines = []
        for name, violations in self.results.items():
            if not violations:
                lines.append(f"{name}: no violations")
            for v in violations:
                lines.append(
                    f"{name}: {v['impact']} {v['id']} ({v['help']}) at "
                    f"{'/'.join(map(str, v['widths']))} px: {', '.join(v['targets'][:5])}"
                )
        return "\n".join(lines)


def go(page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, (path, response.status)


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_every_page_of_both_journeys_has_no_serious_or_critical_axe_violations(
    new_context, live_server
):
    expired_token = live_server.add_expired_draft()
    audit = Audit(new_context().new_page())
    page = audit.page

    # ---- the prospect
    go(page, "/start/")
    audit.check("start")
    go(page, "/start/step/1")
    answer_step(page, Q.steps[0], {**STRATEGIC_COLLABORATOR, "email": "not-an-email"})
    page.fill("#q_needs_summary", "")
    next_step(page)
    assert page.title().startswith("Error: Step 1")
    assert (  # a label ending in "?" is not followed by a colon
        "look for support now, and where would you like the business to be in two or "
        "three years? Please answer this question." in page.inner_text("#error-summary")
    )
    audit.check("step-1-errors")
    for number, step in enumerate(Q.steps, 1):
        if number > 1:
            assert page.url.endswith(f"/start/step/{number}")
        audit.check(f"step-{number}")
        if step.id == "style":  # an answer that opens a question, shown by the script
            answer_step(page, step, {**STRATEGIC_COLLABORATOR, "authority": ["none"]})
            assert page.is_visible("#block-trust_building")
            audit.check(f"step-{number}-revealed")
        answer_step(page, step, STRATEGIC_COLLABORATOR)
        next_step(page)
    assert page.url.endswith("/start/review")
    audit.check("review")
    go(page, "/start/")
    audit.check("start-with-draft")
    go(page, "/start/review")
    submit(page, "form.submit-form button")
    assert page.url.endswith("/start/thanks")
    audit.check("thanks")
    go(page, f"/start/resume/{expired_token}", 410)
    audit.check("resume-expired")
    go(page, "/start/resume/no-such-link", 404)
    audit.check("resume-unknown")
    go(page, "/start/step/99", 404)
    audit.check("not-found")

    # ---- the consultant
    not_fit = live_server.add_submission(persona="pair_of_hands")
    go(page, "/workspace/login")
    audit.check("login")
    page.fill("#email", "consultant@example.com")
    page.fill("#password", "not the password")
    submit(page, "form.form-panel button[type=submit]")
    assert page.title().startswith("Error: Sign in")
    audit.check("login-error")
    page.fill("#password", PASSWORD)
    submit(page, "form.form-panel button[type=submit]")
    assert page.url.endswith("/workspace/today")
    audit.check("today")
    go(page, "/workspace/")
    audit.check("list")
    go(page, "/workspace/?verdict=strong+fit&sort=overall&direction=asc")
    audit.check("list-filtered")
    go(page, "/workspace/?q=nobody-by-this-name")
    audit.check("list-empty")
    live_server.add_submission(persona="solid_but_cautious", status="draft")
    go(page, "/workspace/drafts")
    audit.check("drafts")
    go(page, "/workspace/")
    submit(page, "text=Hannah Lindqvist")
    detail = page.url
    page.fill("#body", "First call went well.")
    submit(page, "#notes button[type=submit]")
    page.select_option("#status", "reviewing")
    submit(page, "form.status-form button[type=submit]")
    audit.check("submission")
    page.fill("#cn-monthly_hours", "lots")  # the consultation notes, refused
    submit(page, "#agreed button[type=submit]")
    audit.check("submission-notes-error")
    go(page, f"/workspace/submissions/{not_fit}")
    audit.check("submission-not-a-fit")
    go(page, "/workspace/settings")
    audit.check("settings")
    page.fill("#office_end", "07:00")
    submit(page, "#standards button[type=submit]")
    assert page.title().startswith("Error: Practice settings")
    summary = page.inner_text("#standards #error-summary")
    assert (
        "Office hours to: The end of office hours must be after the start." in summary
    )
    audit.check("settings-errors")
    go(page, "/workspace/settings")
    page.click("#packages summary >> nth=0")  # each package opens from its summary
    page.click("#packages summary >> nth=1")
    page.fill("#packages-0-name", "")
    page.fill("#packages-0-monthly_hours", "")
    page.fill("#packages-0-monthly_price", "")
    page.fill("#packages-1-monthly_price", "")
    submit(page, "#packages button[type=submit]")
    summary = page.inner_text("#packages #error-summary")
    assert "Package 2 price a month: Required for a package." in summary
    audit.check("settings-package-errors")
    page.fill("#referrals-0-url", "ftp://files.example")
    submit(page, "#referrals button[type=submit]")
    summary = page.inner_text("#referrals #error-summary")
    assert "Referral 1 name: Required for a referral." in summary
    audit.check("settings-referral-errors")
    go(page, detail + "/proposal")
    audit.check("proposal-preview")
    go(page, f"/workspace/submissions/{not_fit}/letter")
    audit.check("letter-preview")

    print(audit.report())
    if SHOTS:
        (SHOTS / "axe.json").write_text(json.dumps(audit.results, indent=2))
    blocking = audit.blocking()
    assert not blocking, "serious or critical axe violations:\n" + audit.report()


# ---- focus, skip link, titles, motion -----------------------------------------------

OUTLINE = """el => {
  const s = getComputedStyle(el);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow};
}"""


def assert_focus_visible(page, selector: str) -> None:
    assert is_focused(page, selector), focused(page)
    style = page.eval_on_selector(selector, OUTLINE)
    assert style["style"] != "none" and style["width"] >= 2, (selector, style)


def test_focus_is_visible_on_links_inputs_and_buttons(page):
    page.goto("/start/step/1")
    page.keyboard.press("Tab")
    assert_focus_visible(page, "a.skip-link")
    tab_to(page, "#q_full_name")
    assert_focus_visible(page, "#q_full_name")
    tab_to(page, "#q_needs_summary")
    assert_focus_visible(page, "#q_needs_summary")
    tab_to(page, 'button[value="next"]')
    assert_focus_visible(page, 'button[value="next"]')


def test_skip_link_is_the_first_stop_and_jumps_to_the_main_content(page):
    for path in ("/start/", "/start/step/1", "/workspace/login"):
        page.goto(path)
        page.keyboard.press("Tab")
        assert is_focused(page, "a.skip-link"), (path, focused(page))
        assert page.get_attribute("a.skip-link", "href") == "#main"
        box = page.locator("a.skip-link").bounding_box()
        assert box and box["y"] >= 0, "the focused skip link is on screen"
        page.keyboard.press("Enter")
        assert is_focused(page, "main#main"), (path, focused(page))
        page.keyboard.press("Tab")  # the next stop is inside the main content
        assert page.evaluate(
            "document.getElementById('main').contains(document.activeElement)"
        ), (path, focused(page))


def test_page_titles_name_the_step(page):
    practice = "Northway Administrative Partners"
    page.goto("/start/step/1")
    for number, step in enumerate(Q.steps, 1):
        assert page.url.endswith(f"/start/step/{number}")
        assert page.title() == f"Step {number} of {TOTAL}: {step.title} · {practice}"
        assert page.inner_text("h1") == step.title
        assert page.inner_text(".progress-label") == f"Step {number} of {TOTAL}"
        answer_step(page, step, STRATEGIC_COLLABORATOR)
        next_step(page)
    assert page.title() == f"Check your answers · {practice}"


def test_reduced_motion_is_respected(new_context):
    page = new_context(reduced_motion="reduce").new_page()
    page.goto("/start/")
    rules = page.evaluate(
        """() => [...document.styleSheets].flatMap(sheet => [...sheet.cssRules])
              .filter(r => r instanceof CSSMediaRule)
              .map(r => r.conditionText)"""
    )
    assert any(re.search(r"prefers-reduced-motion:\s*reduce", r) for r in rules), rules
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    durations = page.evaluate(
        """() => [...document.querySelectorAll('body *')].map(el => {
              const s = getComputedStyle(el);
              return [s.transitionDuration, s.animationDuration, s.scrollBehavior];
           })"""
    )
    for transition, animation, scroll in durations:
        assert set(transition.split(", ")) <= {"0s"}, transition
        assert set(animation.split(", ")) <= {"0s"}, animation
        assert scroll == "auto"
