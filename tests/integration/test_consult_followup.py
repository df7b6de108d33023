"""Issue 24's follow-up: the call offered in the "we have your answers" e-mail, the
external booking link by verdict, the reminder of an unopened proposal, the welcome
e-mail after acceptance. Through the real views, and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from intake.consultation.models import Booking
from intake.extensions import db as _db
from intake.mail.worker import deliver_due
from intake.practice import Availability
from intake.practice_store import current_practice, save_practice
from tests.conftest import Wizard, csrf_of
from tests.integration.test_consultation import EVERY_DAY, INTERNAL, _slots
from tests.personas import PERSONAS
from tests.smtp import SmtpServer

EXTERNAL = "https://cal.example/northway/consultation"
BY_VERDICT = {
    "strategic_collaborator": "strong fit",
    "solid_but_cautious": "possible fit",
    "one_off_project": "not a fit",
}


@pytest.fixture
def smtp(app):
    server = SmtpServer().start()
    app.config.update(MAIL_URL=server.url(), MAIL_RETRY_SECONDS=0, MAIL_TIMEOUT=5)
    yield server
    server.stop()


def _practice(db, **changes):
    practice = current_practice()
    save_practice(dataclasses.replace(practice, **changes))
    db.session.commit()


def _open_hours(app, **kw):
    with app.app_context():
        _set_hours(**kw)


def _bookings(app) -> list[Booking]:
    with app.app_context():
        return _db.session.query(Booking).all()


def _set_hours(**kw):
    _practice(
        _db,
        availability=Availability(
            enabled=True, hours=EVERY_DAY, notice_hours=30, horizon_days=10, **kw
        ),
        standards=dataclasses.replace(
            current_practice().standards, time_zone="Europe/London"
        ),
    )


def _submit(client, questionnaire, persona="strategic_collaborator"):
    assert Wizard(client, questionnaire).complete(PERSONAS[persona]).status_code == 302
    return client.get("/start/thanks")


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _received(app, smtp):
    # each request of a test client runs in its own app context (a shared one would
    # share `g`, and with it one CSRF token, between two browsers)
    with app.app_context():
        deliver_due()
    return [m for m in smtp.inbox.messages if m["Subject"].startswith("We have your")]


# -- the external booking page, by verdict -------------------------------------------


@pytest.mark.parametrize("persona", sorted(BY_VERDICT))
@pytest.mark.parametrize("tailored", [False, True])
def test_the_external_booking_link_follows_the_verdicts_chosen(
    app, questionnaire, persona, tailored
):
    """Without the tailored page, each verdict the practice chose sees the link once;
    the others do not see it."""
    with app.app_context():
        _practice(
            _db,
            booking_url=EXTERNAL,
            tailored_thanks=tailored,
            availability=Availability(offer_to=("possible fit", "not a fit")),
        )
    page = _submit(app.test_client(), questionnaire, persona).text
    offered = BY_VERDICT[persona] != "strong fit"
    assert page.count(f'href="{EXTERNAL}"') == (1 if offered else 0)
    assert INTERNAL.search(page.split("<main")[1]) is None


def test_the_default_verdicts_see_the_external_link_and_not_a_fit_does_not(
    app, questionnaire
):
    with app.app_context():
        _practice(_db, booking_url=EXTERNAL)  # tailored page off, the defaults
    for persona, verdict in BY_VERDICT.items():
        page = _submit(app.test_client(), questionnaire, persona).text
        assert (f'href="{EXTERNAL}"' in page) == (verdict != "not a fit"), persona


def test_own_free_times_take_the_place_of_the_external_link(app, questionnaire):
    with app.app_context():
        _practice(_db, booking_url=EXTERNAL)
        _set_hours()
    page = _submit(app.test_client(), questionnaire).text
    assert EXTERNAL not in page and _slots(page)


# -- the free times in the "we have your answers" e-mail -----------------------------


def test_the_received_mail_offers_a_few_times_that_book_with_one_button(
    app, questionnaire, smtp
):
    _open_hours(app)
    client = app.test_client()
    _submit(client, questionnaire)
    (mail,) = _received(app, smtp)
    text = _text(mail)
    assert not INTERNAL.search(text) and not INTERNAL.search(str(mail.get_body()))
    assert "(Europe/London time)" in text and "Europe/London time):" in text
    links = re.findall(r"http\S+/call/invite/\S+slot=\S+", text)
    assert len(links) == 3
    every = re.search(r"Every free time, in your own time zone: (\S+)", text)[1]
    assert "slot=" not in every
    every_path = "/" + every.split("/", 3)[3]
    every_page = app.test_client().get(every_path).text
    assert len(_slots(every_page)) > 3 and "Europe/London" in every_page
    # another device: the link shows the time and a button; the GET books nothing
    prospect = app.test_client()
    path = "/" + links[1].split("/", 3)[3]
    shown = prospect.get(path)
    assert shown.status_code == 200
    assert "Book this time" in shown.text and "See all the free times" in shown.text
    assert _bookings(app) == []
    slot = re.search(r'name="slot" value="([^"]+)"', shown.text)[1]
    assert slot in path
    booked = prospect.post(
        path.split("?")[0],
        data={"csrf_token": csrf_of(shown), "slot": slot, "tz": "Europe/London"},
    )
    assert booked.status_code == 302 and "/booking/" in booked.headers["Location"]
    (booking,) = _bookings(app)
    assert booking.start_at.strftime("%Y-%m-%dT%H:%MZ") == slot
    # the same link again: the call is booked, no second one
    again = prospect.get(path)
    assert "Your call is booked for" in again.text
    assert len(_bookings(app)) == 1
    # the link to all times: the call booked, no times any more
    assert "Your call is booked for" in app.test_client().get(every_path).text


def test_a_time_taken_meanwhile_shows_the_others(app, questionnaire, smtp):
    _open_hours(app)
    _submit(app.test_client(), questionnaire)
    (mail,) = _received(app, smtp)
    link = re.findall(r"http\S+/call/invite/\S+slot=\S+", _text(mail))[0]
    path = "/" + link.split("/", 3)[3]
    first = app.test_client()
    shown = first.get(path)
    slot = re.search(r'name="slot" value="([^"]+)"', shown.text)[1]
    other = _submit(app.test_client(), questionnaire, "steady_collaborator")
    assert other.status_code == 200
    taken = app.test_client()
    page = _submit(taken, questionnaire, "friendly_founder")
    assert (
        taken.post(
            "/call/book",
            data={"csrf_token": csrf_of(page), "slot": slot, "tz": "Europe/London"},
        ).status_code
        == 302
    )
    again = first.get(path)
    assert again.status_code == 200
    assert "no longer free" in again.text and slot not in _slots(again.text)
    assert _slots(again.text)
    for bad in ("x", "2026-01-01T09:00Z", "%00", "9" * 500):
        odd = first.get(path.split("?")[0] + f"?slot={bad}")
        assert odd.status_code == 200 and "no longer free" in odd.text


def test_no_times_in_the_mail_for_a_verdict_not_offered(app, questionnaire, smtp):
    _open_hours(app)
    _submit(app.test_client(), questionnaire, "one_off_project")
    (mail,) = _received(app, smtp)
    assert "/call/invite/" not in _text(mail) and "consultation call" not in _text(mail)


def test_the_mail_carries_the_external_link_by_verdict(app, questionnaire, smtp):
    with app.app_context():
        _practice(_db, booking_url=EXTERNAL)
    _submit(app.test_client(), questionnaire)
    _submit(app.test_client(), questionnaire, "one_off_project")
    offered, not_offered = _received(app, smtp)
    assert EXTERNAL in _text(offered) and EXTERNAL not in _text(not_offered)
