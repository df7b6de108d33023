"""The consultation, end to end through a real SMTP server (aiosmtpd) and Chromium: a
prospect fills the questionnaire on a phone, books a call from the thank-you page,
receives the invitation (.ics METHOD:REQUEST), moves the call (the same UID, SEQUENCE
one higher, the old time free again); the consultant sees the call in the calendar
feed (read by vobject, a second iCalendar library), records what was agreed, and sends
a proposal built on it; the prospect accepts, and the signed copy and the review
calendar follow the agreements."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import urllib.request

import pytest

from tests.browser import answer_step, next_step, questionnaire, skip_without_browser

skip_without_browser()

import vobject  # noqa: E402
from icalendar import Calendar  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from tests.browser import test_offer_journey as offer_journey  # noqa: E402
from tests.browser.conftest import TIMEOUT_MS  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402
from tests.personas import STRATEGIC_COLLABORATOR  # noqa: E402

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
ZONE = "Europe/London"
EVERY_DAY = tuple(
    (d, "09:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)
INTERNAL = re.compile(
    r"\b(strong fit|possible fit|not a fit|verdict|score|red flag)\b", re.IGNORECASE
)
# the real app on a loopback port with the real mail server (test_offer_journey's)
mail_server = offer_journey.mail_server
served = offer_journey.served
deliver, received, attachments = (
    offer_journey.deliver,
    offer_journey.received,
    offer_journey.attachments,
)


def _open_hours(app) -> None:
    from intake.extensions import db
    from intake.practice import Availability
    from intake.practice_store import current_practice, save_practice

    with app.app_context():
        practice = current_practice()
        save_practice(
            dataclasses.replace(
                practice,
                availability=Availability(
                    enabled=True,
                    hours=EVERY_DAY,
                    details="Video: https://meet.example/n",
                ),
                standards=dataclasses.replace(practice.standards, time_zone=ZONE),
            )
        )
        db.session.commit()


def _fill_questionnaire(page, answers) -> None:
    """Every step the quick way; a question an answer opens is answered on a second
    pass (test_prospect_journey drives the same wizard by keyboard)."""
    steps = questionnaire().steps
    page.goto("/start/step/1")
    for n, step in enumerate(steps, 1):
        answer_step(page, step, answers)
        next_step(page)
        if page.url.endswith(f"/start/step/{n}"):
            answer_step(page, step, answers)
            next_step(page)
    assert page.url.endswith("/start/review"), page.url
    with page.expect_navigation():
        page.click('form.submit-form button[type="submit"]')


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _invitation(server, to, subject):
    files = attachments(received(server, to, subject))
    (ics,) = [v for k, v in files.items() if k.endswith(".ics")]
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert Calendar.from_ical(ics)["METHOD"] == "REQUEST"
    return event


def _book_and_move(phone, app, server, email):
    """Book the first free time, then move the call to the next one."""
    phone.goto("/start/thanks")
    _no_sideways_scroll(phone)
    slots = phone.locator('input[name="slot"]')
    first, second = (
        slots.nth(0).get_attribute("value"),
        slots.nth(1).get_attribute("value"),
    )
    phone.locator(f'label[for="{slots.nth(0).get_attribute("id")}"]').click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Book this time").click()
    assert phone.locator("h1").inner_text() == "Your call is booked"
    _no_sideways_scroll(phone)
    deliver(app)
    booked = _invitation(server, email, "Your consultation call is booked")
    assert int(booked["SEQUENCE"]) == 0

    # the prospect moves the call from the same page (its private link)
    phone.locator(f'input[name="slot"][value="{second}"]').check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Move the call to this time").click()
    deliver(app)
    moved = _invitation(server, email, "Your call has moved")
    assert str(moved["UID"]) == str(booked["UID"])
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("dtstart") > booked.decoded("dtstart")
    # the old time is free again: offered on the page that moves the call
    phone.reload()
    assert phone.locator(f'input[name="slot"][value="{first}"]').count() == 1
    with app.app_context():  # one call held, at the new time
        from intake.consultation.models import BOOKED, Booking
        from intake.extensions import db

        held = db.session.query(Booking).filter_by(status=BOOKED).all()
        assert [b.start_at for b in held] == [moved.decoded("dtstart")]
    return moved.decoded("dtstart")


def _feed_event(desk):
    """The call as a subscribed calendar sees it, read by vobject."""
    desk.goto("/workspace/calendar")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Make the link").click()
    link = desk.locator("#calendar-link").input_value()
    with urllib.request.urlopen(link, timeout=30) as response:
        feed = vobject.readOne(response.read().decode("utf-8"))
    (event,) = feed.vevent_list
    return event


def _record_notes(desk, start: dt.date) -> None:
    notes = desk.locator("#agreed")
    assert notes.locator("#cn-monthly_hours").input_value() == "45"  # from the answers
    desk.fill("#cn-monthly_hours", "20")
    for area in (
        "bookkeeping_admin",
        "hiring_onboarding",
        "projects",
        "systems_processes",
    ):
        desk.set_checked(f'input[name="cn-areas"][value="{area}"]', False)
    for cadence in ("weekly", "annual"):
        desk.set_checked(f'input[name="cn-reviews"][value="{cadence}"]', False)
    desk.fill("#cn-start_date", start.isoformat())
    desk.fill("#cn-reply_times", "Same-day replies to anything sent before noon.")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Save the notes").click()
    assert "Consultation notes saved" in desk.inner_text("main")


def test_book_move_agree_send_accept(chromium, served, mail_server):
    app, base = served
    _open_hours(app)
    consultant, email = "consultant@example.com", STRATEGIC_COLLABORATOR["email"]

    # the prospect, on a phone: the questionnaire, then a call from the thank-you page
    home = chromium.new_context(base_url=base, viewport=PHONE, timezone_id=ZONE)
    home.set_default_timeout(TIMEOUT_MS * 4)
    phone = home.new_page()
    _fill_questionnaire(phone, STRATEGIC_COLLABORATOR)
    call_start = _book_and_move(phone, app, mail_server, email)

    # the consultant: the call in the feed, then the prospect's page
    office = chromium.new_context(base_url=base, timezone_id=ZONE)
    office.set_default_timeout(TIMEOUT_MS * 4)  # the first PDF render is slow
    desk = office.new_page()
    desk.goto("/workspace/login")
    desk.fill("#email", consultant)
    desk.fill("#password", PASSWORD)
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    event = _feed_event(desk)
    assert event.dtstart.value == call_start
    detail_url = re.search(r"https?://\S+/workspace/submissions/\d+", event.url.value)
    desk.goto(detail_url.group(0))
    # before any notes: the call is suggested, shown in the practice's time zone
    suggestion = desk.inner_text(".call-suggestion")
    assert (
        "Their call is booked for" in suggestion
        and "(Europe/London time)" in suggestion
    )
    start = dt.date.today() + dt.timedelta(days=40)
    _record_notes(desk, start)
    assert desk.locator(".call-suggestion").count() == 0
    message = desk.locator("#send-message").input_value()
    agreed_on = re.search(r"as we agreed on (\d+ \w+ \d{4})", message).group(1)
    with desk.expect_navigation():
        desk.click("text=Send proposal")
    deliver(app)

    # the prospect reads the proposal from the e-mail, on the phone, and accepts
    mail = received(mail_server, email, "Your proposal")
    text = mail.get_body(("plain",)).get_content()
    assert f"as we agreed on {agreed_on}" in text and not INTERNAL.search(text)
    (link,) = set(offer_journey.LINK.findall(text))
    phone.goto(link)
    _no_sideways_scroll(phone)
    assert not INTERNAL.search(phone.inner_text("main"))
    pdf = phone.request.get(link + "/proposal.pdf").body()
    words = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in PdfReader(io.BytesIO(pdf)).pages
    )
    assert f"As we agreed on {agreed_on}" in words
    assert "About 20 hours of support a month: Partner" in words
    assert "Same-day replies to anything sent before noon." in words
    assert "Things to settle before we start" not in words
    assert not INTERNAL.search(words)
    assert phone.locator("#start_date").input_value() == start.isoformat()
    phone.check('input[name="option"][value="Partner"]')
    phone.check("#agree")
    phone.fill("#full_name", "Hannah Lindqvist")
    with phone.expect_navigation():
        phone.click("text=Accept and sign")
    assert "you have accepted this proposal" in phone.inner_text("main")
    deliver(app)
    files = attachments(received(mail_server, email, "signed proposal"))
    reviews = Calendar.from_ical(files["Reviews.ics"]).walk("VEVENT")
    assert {str(e["UID"]).split("-")[2] for e in reviews} == {"monthly", "quarterly"}
    assert min(e.decoded("dtstart").date() for e in reviews) >= start
    office.close()
    home.close()
