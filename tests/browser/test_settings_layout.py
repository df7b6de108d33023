"""Settings on a phone (375x812) and a desk (1280x800): a Save in every section, the
first one within the first screens, no sideways scrolling, and the confirmation and
the errors of a save in view where the page lands (issue 25, point 8).

INTAKE_SCREENSHOTS=<folder> also saves the page at both widths, and prints the y of
each Save button.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import skip_without_browser

skip_without_browser()

from tests.factories import PASSWORD  # noqa: E402

pytestmark = pytest.mark.browser

SIZES = {375: 812, 1280: 800}
SHOTS = (
    Path(os.environ["INTAKE_SCREENSHOTS"])
    if os.environ.get("INTAKE_SCREENSHOTS")
    else None
)
SAVES = """() => [...document.querySelectorAll('main button[type=submit]')]
  .map(b => [b.innerText.trim(), Math.round(b.getBoundingClientRect().top + scrollY)])"""
IN_VIEW = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


@pytest.fixture(params=sorted(SIZES))
def width(request):
    return request.param


@pytest.fixture
def phone_or_desk(new_context, width):
    page = new_context(viewport={"width": width, "height": SIZES[width]}).new_page()
    page.goto("/workspace/login")
    page.fill("#email", "consultant@example.com")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


def _no_sideways_scroll(page):
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    ), page.url


def test_each_section_has_its_save_and_nothing_scrolls_sideways(phone_or_desk, width):
    page = phone_or_desk
    page.goto("/workspace/settings")
    saves = page.evaluate(SAVES)
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"settings-{width}.png"), full_page=True)
        height = page.evaluate("() => document.documentElement.scrollHeight")
        print(f"\nsettings at {width}: page {height} px; Save buttons at", saves)
    labels = [label for label, _y in saves]
    assert labels == [
        "Save practice",
        "Save brand",
        "Save your standards",
        "Save packages and add-ons",
        "Save referrals",
        "Save proposal wording",
        "Save mail and reminders",
        "Save availability",
        "Save follow-up",
        "Save thank-you page",
    ]
    # the first Save within two screens (it was at 13,442 px on a phone)
    assert saves[0][1] < 2 * SIZES[width]
    _no_sideways_scroll(page)


def test_a_save_lands_on_its_section_with_the_confirmation_in_view(
    phone_or_desk, width
):
    page = phone_or_desk
    page.goto("/workspace/settings")
    page.fill("#brand_colour", "#aa3366")
    assert page.inner_text("#brand_colour-hex") == "#aa3366"  # the hex follows
    with page.expect_navigation():
        page.click("#brand button[type=submit]")
    assert page.url.endswith("/workspace/settings?saved=brand#brand")
    assert page.inner_text("#brand .flash-success") == "Brand: saved."
    assert page.evaluate(IN_VIEW, "#brand .flash-success")
    assert page.input_value("#brand_colour") == "#aa3366"
    if SHOTS:
        page.screenshot(path=str(SHOTS / f"settings-saved-{width}.png"))
    # a row added to the referrals, in view after the save
    page.fill("#referrals-0-name", "Pat's Typing")
    page.fill("#referrals-0-url", "ftp://files.example")
    with page.expect_navigation():
        page.click("#referrals button[type=submit]")
    assert page.evaluate(IN_VIEW, "#referrals #error-summary")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.input_value("#referrals-0-name") == "Pat's Typing"  # nothing lost
    if SHOTS:
        page.screenshot(path=str(SHOTS / f"settings-referral-error-{width}.png"))
    _no_sideways_scroll(page)
    page.fill("#referrals-0-url", "https://files.example")
    with page.expect_navigation():
        page.click("#referrals button[type=submit]")
    assert page.evaluate(IN_VIEW, "#referrals .flash-success")
    page.fill("#brand_colour", "#1f5f8b")  # as the other tests expect it
    with page.expect_navigation():
        page.click("#brand button[type=submit]")
