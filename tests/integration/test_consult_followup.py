"""Issue 24's follow-up: the call offered in the "we have your answers" e-mail, the
external booking link by verdict, the reminder of an unopened proposal, the welcome
e-mail after acceptance. Through the real views, and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from intake.consultation.models import Booking
from intake.extensions import db as _db
from intake.mail.worker import deliver_due
from intake.models import MailSuppression, OutboxMessage
from intake.offers import followup
from intake.offers.models import Offer
from intake.practice import Availability
from intake.practice_store import current_practice, save_practice
from tests.conftest import Wizard, csrf_of, sign_in
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
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _received(app, smtp):
    # each request of a test client runs in its own app context (a shared one would
    # share `g`, and with it one CSRF token, between two browsers)
    with app.app_context():
        deliver_due()
    return [
        m
        for m in smtp.inbox.messages
        if m["Subject"].strip().startswith("We have your")
    ]


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


# -- the reminder of an unopened proposal ---------------------------------------------


def _send_proposal(app, days=3):
    """A proposal sent from the workspace by its owner; (submission id, link path)."""
    from tests.factories import make_consultant, make_submission
    from tests.integration.test_offers import LINK, _link_from_mail, _send

    with app.app_context():
        make_consultant(email="owner@example.com")
        make_consultant(email="second@example.com").role = "consultant"
        _practice(_db, proposal_reminder_days=days)
        prospect = make_submission(persona="strategic_collaborator", status="reviewing")
        _db.session.commit()
        prospect_id = prospect.id
    team = app.test_client()
    assert sign_in(team, email="owner@example.com").status_code == 302
    assert _send(team, prospect_id).status_code == 302
    if not app.config.get("MAIL_URL"):  # delivered to a file at once, then redacted
        return prospect_id, _link_from_mail(app)
    with app.app_context():
        (sent,) = _outbox("proposal_sent")
        link = LINK.search(sent.text_body)[0]
    return prospect_id, "/" + link.split("/", 3)[3]


def _outbox(kind):
    return _db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id)
        .options(sa.orm.undefer(OutboxMessage.text_body))
    ).all()


def _days_later(days: float):
    """The proposal sent `days` ago: its offer and its scheduled messages moved back."""
    back = dt.timedelta(days=days)
    for offer in _db.session.scalars(sa.select(Offer)):
        offer.created_at -= back
    for row in _db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind.in_(followup.KINDS))
    ):
        row.send_after -= back
    _db.session.commit()


def _kinds_status(kinds=followup.KINDS) -> list[tuple[str, str]]:
    _db.session.expire_all()
    return sorted(
        (m.kind, m.status)
        for m in _db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind.in_(kinds))
        )
    )


def test_an_unopened_proposal_gets_one_reminder_and_the_team_is_told(app, smtp):
    prospect_id, _link = _send_proposal(app)
    with app.app_context():
        deliver_due()  # the proposal itself
        assert [m.kind for m in _outbox(followup.REMINDER)] == ["proposal_reminder"]
        _days_later(2.9)
        deliver_due()
        assert _kinds_status() == [
            ("proposal_reminder", "queued"),
            ("proposal_reminder_team", "queued"),
            ("proposal_reminder_team", "queued"),
        ]
        _days_later(0.2)
        deliver_due()
        deliver_due()  # a second pass sends nothing more
    got = {
        m["To"]: m
        for m in smtp.inbox.messages
        if m["Subject"]
        .strip()
        .startswith(("In case it went astray", "Proposal not opened"))
    }
    reminder = got[PERSONAS["strategic_collaborator"]["email"]]
    text = _text(reminder)
    assert "/proposal/" in text and "/mail/unsubscribe/" in text
    assert reminder["List-Unsubscribe"].startswith("<http")
    assert not INTERNAL.search(text)
    assert "only reminder" in text
    for member in ("owner@example.com", "second@example.com"):
        assert "not been opened in 3 days" in _text(got[member])
    subjects = [m["Subject"] for m in smtp.inbox.messages]
    assert sum("In case it went astray" in s for s in subjects) == 1


@pytest.mark.parametrize("meanwhile", ["opened", "accepted", "withdrawn", "off"])
def test_the_reminder_is_cancelled_by_what_happened_meanwhile(app, meanwhile):
    prospect_id, link = _send_proposal(app)
    prospect = app.test_client()
    if meanwhile in ("opened", "accepted"):
        page = prospect.get(link)
        assert page.status_code == 200
    if meanwhile == "accepted":
        from tests.integration.test_offers import _accept_data

        accepted = prospect.post(link + "/accept", data=_accept_data(page))
        assert accepted.status_code == 302
    with app.app_context():
        if meanwhile == "withdrawn":
            offer = _db.session.scalar(sa.select(Offer))
            offer.state = "withdrawn"
        if meanwhile == "off":
            _practice(_db, proposal_reminder_days=0)
        _db.session.commit()
        _days_later(4)
        deliver_due()
        assert _kinds_status() == [
            ("proposal_reminder", "cancelled"),
            ("proposal_reminder_team", "cancelled"),
            ("proposal_reminder_team", "cancelled"),
        ]


def test_the_decision_with_an_explicit_now(app):
    """More days set since sending: it waits; an unsubscribed address: none."""
    _send_proposal(app, days=3)
    with app.app_context():
        (row,) = _outbox(followup.REMINDER)
        offer = _db.session.scalar(sa.select(Offer))
        practice = current_practice()
        sent = offer.created_at
        assert followup.decision(row, practice, sent + dt.timedelta(days=2)) == (
            "the practice allows more days",
            sent + dt.timedelta(days=3),
        )
        assert followup.decision(row, practice, sent + dt.timedelta(days=3)) is None
        later = dataclasses.replace(practice, proposal_reminder_days=5)
        assert followup.decision(row, later, sent + dt.timedelta(days=4))[1] == (
            sent + dt.timedelta(days=5)
        )
        assert followup.decision(row, practice, offer.expires_at)[1] is None
        _db.session.add(MailSuppression(email_key=row.to_addr.lower()))
        assert followup.decision(row, practice, sent + dt.timedelta(days=3)) == (
            "the prospect unsubscribed",
            None,
        )


def test_unsubscribing_cancels_the_waiting_reminder(app):
    _send_proposal(app)
    with app.app_context():
        (row,) = _outbox(followup.REMINDER)
        link = re.search(r"\S+/mail/unsubscribe/\S+", row.text_body)[0]
    client = app.test_client()
    assert client.post("/" + link.split("/", 3)[3]).status_code == 200
    with app.app_context():
        assert ("proposal_reminder", "cancelled") in _kinds_status()


def test_no_reminder_when_the_practice_sets_none(app):
    _send_proposal(app, days=0)
    with app.app_context():
        assert _kinds_status() == []


# -- the welcome e-mail -------------------------------------------------------------


@pytest.mark.parametrize("steps", [(), ("Share your calendar", "Book the kick-off")])
def test_the_welcome_mail_after_acceptance_lists_the_first_steps(app, smtp, steps):
    from tests.integration.test_offers import _accept_data

    _prospect_id, link = _send_proposal(app)
    with app.app_context():
        _practice(_db, first_steps=steps)
    prospect = app.test_client()
    page = prospect.get(link)
    assert prospect.post(link + "/accept", data=_accept_data(page)).status_code == 302
    with app.app_context():
        deliver_due()
    (welcome,) = [
        m for m in smtp.inbox.messages if m["Subject"].strip().startswith("Welcome to")
    ]
    text = _text(welcome)
    assert welcome["To"] == PERSONAS["strategic_collaborator"]["email"]
    assert not INTERNAL.search(text)
    if steps:
        assert (
            "Your first steps:\n\n1. Share your calendar\n2. Book the kick-off" in text
        ), text
        assert "<ol" in str(welcome.get_body(("html",)).get_content())
    else:
        assert "first steps" not in text.lower()


# -- Settings, Follow-up --------------------------------------------------------------


def test_follow_up_settings_save_and_refuse_bad_input(app):
    from tests.factories import make_consultant

    with app.app_context():
        make_consultant(email="owner@example.com")
        _db.session.commit()
    owner = app.test_client()
    sign_in(owner, email="owner@example.com")
    page = owner.get("/workspace/settings")
    assert 'action="/workspace/settings/follow-up"' in page.text
    token = csrf_of(page)
    saved = owner.post(
        "/workspace/settings/follow-up",
        data={
            "csrf_token": token,
            "proposal_reminder_days": "5",
            "first_steps": "Share your calendar\n\n  Book the kick-off  \n",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        practice = current_practice()
        assert practice.proposal_reminder_days == 5
        assert practice.first_steps == ("Share your calendar", "Book the kick-off")
    for bad in (
        {"proposal_reminder_days": "x"},
        {"proposal_reminder_days": "-1"},
        {"proposal_reminder_days": "9" * 40},
        {"proposal_reminder_days": "2", "first_steps": "step\n" * 13},
        {"proposal_reminder_days": "2", "first_steps": "x" * 301},
    ):
        refused = owner.post(
            "/workspace/settings/follow-up", data={"csrf_token": token, **bad}
        )
        assert refused.status_code == 422, bad
        assert "Please check the follow-up below" in refused.text
        assert bad["proposal_reminder_days"][:40] in refused.text  # nothing lost
    with app.app_context():
        assert current_practice().proposal_reminder_days == 5


# -- the pages pass the W3C checker ---------------------------------------------------


def test_the_new_pages_pass_the_nu_html_checker(app, questionnaire, smtp, tmp_path):
    import subprocess

    from tests.factories import make_consultant
    from tests.integration.test_html_validity import checker

    command = checker()
    _open_hours(app)
    _submit(app.test_client(), questionnaire)
    (mail,) = _received(app, smtp)
    link = re.findall(r"http\S+/call/invite/\S+slot=\S+", _text(mail))[0]
    path = "/" + link.split("/", 3)[3]
    prospect = app.test_client()
    pages = {
        "confirm": prospect.get(path).text,
        "gone": prospect.get(path.split("?")[0] + "?slot=x").text,
    }
    with app.app_context():
        make_consultant(email="owner@example.com")
        make_consultant(email="mia@example.com", name="Mia").role = "consultant"
        _db.session.commit()
    owner = app.test_client()
    sign_in(owner, email="owner@example.com")
    pages["availability"] = owner.get("/workspace/settings/availability?member=2").text
    pages["follow-up"] = owner.get("/workspace/settings/follow-up").text
    pages["follow-up-error"] = owner.post(
        "/workspace/settings/follow-up",
        data={
            "csrf_token": csrf_of(owner.get("/workspace/settings/follow-up")),
            "proposal_reminder_days": "99",  # what a number input can send
        },
    ).text
    with app.app_context():
        _practice(
            _db,
            booking_url=EXTERNAL,
            availability=Availability(),
        )
    pages["thanks-external"] = _submit(app.test_client(), questionnaire).text
    assert EXTERNAL in pages["thanks-external"]
    files = []
    for name, html in pages.items():
        file = tmp_path / f"{name}.html"
        file.write_text(html, encoding="utf-8")
        files.append(str(file))
    run = subprocess.run(
        [*command, "--errors-only", *files], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
