"""Booking the consultation call from the thank-you page on a 375 px phone: the
browser's own time zone is detected and shown, the times are radio buttons by day, and
the booked call's page follows; without JavaScript the practice's zone is shown."""

from __future__ import annotations

import dataclasses
import re

import pytest

from tests.browser import skip_without_browser

skip_without_browser()

from tests.conftest import Wizard  # noqa: E402
from tests.personas import STRATEGIC_COLLABORATOR  # noqa: E402

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}
EVERY_DAY = tuple(
    (d, "09:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


@pytest.fixture
def submitted(live_server):
    """Booking open every day in London; a prospect who has just sent the
    questionnaire: their session cookie."""
    from intake import registry
    from intake.extensions import db
    from intake.practice import Availability
    from intake.practice_store import current_practice, save_practice

    app = live_server.app
    with app.app_context():
        practice = current_practice()
        save_practice(
            dataclasses.replace(
                practice,
                availability=Availability(enabled=True, hours=EVERY_DAY),
                standards=dataclasses.replace(
                    practice.standards, time_zone="Europe/London"
                ),
            )
        )
        db.session.commit()
        questionnaire = registry.active()
    client = app.test_client()
    assert Wizard(client, questionnaire).complete(STRATEGIC_COLLABORATOR).status_code
    return client.get_cookie("session").value


def _visitor(new_context, live_server, cookie, **options):
    context = new_context(viewport=PHONE, **options)
    context.add_cookies(
        [{"name": "session", "value": cookie, "url": live_server.base_url}]
    )
    return context.new_page()


def test_book_from_the_thank_you_page_on_a_phone_in_the_browsers_zone(
    new_context, live_server, submitted
):
    page = _visitor(new_context, live_server, submitted, timezone_id="Asia/Tokyo")
    page.goto("/start/thanks")
    page.wait_for_url(re.compile(r"tz=Asia%2FTokyo|tz=Asia/Tokyo"))
    assert page.locator("#tz").input_value() == "Asia/Tokyo"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first_day = page.locator("fieldset.slot-day").first
    assert first_day.locator("legend").inner_text()
    first = first_day.locator("label").first
    time_shown = first.inner_text().strip()
    first.click()  # the label selects its radio button
    assert first_day.locator('input[type="radio"]').first.is_checked()
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_url(re.compile(r"/booking/"))
    assert page.locator("h1").inner_text() == "Your call is booked"
    lead = page.locator(".lead").inner_text()
    assert f"{time_shown}–" in lead and "Asia/Tokyo time" in lead
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_without_javascript_the_practices_zone_and_it_can_be_changed(
    new_context, live_server, submitted
):
    page = _visitor(
        new_context,
        live_server,
        submitted,
        java_script_enabled=False,
        timezone_id="Asia/Tokyo",
    )
    page.goto("/start/thanks")
    assert page.locator("#tz").input_value() == "Europe/London"
    page.select_option("#tz", "America/New_York")
    page.get_by_role("button", name="Show times in this zone").click()
    assert page.locator("#tz").input_value() == "America/New_York"
    assert page.locator('input[name="slot"]').count() > 0
