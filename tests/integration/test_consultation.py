"""The consultation call through the real views: availability in Settings, slots on
the thank-you page in the prospect's zone, booking with its invitation, moving and
cancelling by the private link, the reminder, two prospects for one slot, the feed,
and hostile input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
import vobject

from intake.consultation.models import Booking
from intake.extensions import db as _db
from intake.mail.worker import deliver_due
from intake.models import MAIL_CANCELLED, OutboxMessage, Submission, utcnow
from intake.practice import Availability
from intake.practice_store import current_practice, save_practice
from tests.conftest import Wizard, csrf_of, sign_in
from tests.factories import make_consultant
from tests.personas import PERSONAS

COLLAB = PERSONAS["strategic_collaborator"]
NOT_A_FIT = PERSONAS["one_off_project"]
SLOT = re.compile(r'name="slot" id="[^"]+" value="([^"]+)"')
INTERNAL = re.compile(
    r"\b(strong fit|possible fit|not a fit|verdict|score|red flag)\b", re.IGNORECASE
)
EVERY_DAY = tuple(
    (d, "09:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


def _open_hours(db, **kw):
    practice = current_practice()
    av = Availability(
        enabled=True,
        hours=EVERY_DAY,
        notice_hours=30,
        horizon_days=10,
        details="Video: https://meet.example/northway",
        **kw,
    )
    save_practice(
        dataclasses.replace(
            practice,
            availability=av,
            standards=dataclasses.replace(
                practice.standards, time_zone="Europe/London"
            ),
        )
    )
    db.session.commit()


@pytest.fixture
def open_hours(db):
    _open_hours(db)


def _slots(html: str) -> list[str]:
    return SLOT.findall(html)


def _submitted(client, questionnaire, persona=COLLAB):
    assert Wizard(client, questionnaire).complete(persona).status_code == 302
    return client.get("/start/thanks")


def _book(client, page, slot, tz="Europe/London"):
    return client.post(
        "/call/book", data={"csrf_token": csrf_of(page), "slot": slot, "tz": tz}
    )


def _eml(app_config, kind):
    out = []
    for path in sorted(Path(app_config["MAIL_OUTBOX_DIR"]).glob("*.eml")):
        if path.stem.split("-", 3)[3] == kind:
            out.append(message_from_bytes(path.read_bytes(), policy=policy.default))
    return out


def _vobject(mail):
    (part,) = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    return vobject.readOne(part.get_payload(decode=True).decode())


def _ics(mail) -> icalendar.Calendar:
    (part,) = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_booking_is_off_until_the_practice_turns_it_on(client, questionnaire, db):
    page = _submitted(client, questionnaire)
    assert page.status_code == 200
    assert _slots(page.get_data(as_text=True)) == []
    token = csrf_of(client.get("/start/step/1"))
    refused = client.post("/call/book", data={"csrf_token": token, "slot": "x"})
    assert refused.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0


def test_thank_you_page_offers_slots_by_day_in_the_chosen_zone(
    client, questionnaire, db, open_hours
):
    page = _submitted(client, questionnaire)
    html = page.get_data(as_text=True)
    slots = _slots(html)
    assert slots, html
    assert '<option value="Europe/London" selected>' in html  # no JS: the practice's
    assert "<legend>" in html and 'type="radio"' in html
    assert not INTERNAL.search(html.split('<section class="call-panel"')[1])
    first = dt.datetime.strptime(slots[0], "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.UTC)
    assert first >= utcnow() + dt.timedelta(hours=30)
    # the same slots in Tokyo: other labels, the same values
    tokyo = client.get("/start/thanks?tz=Asia/Tokyo").get_data(as_text=True)
    assert _slots(tokyo) == slots
    assert '<option value="Asia/Tokyo" selected>' in tokyo
    local = first.astimezone(dt.timezone(dt.timedelta(hours=9))).strftime("%H:%M")
    assert f"> {local}</label>" in tokyo
    # a zone that is not one falls back to the practice's
    odd = client.get("/start/thanks?tz=%00Mars/Olympus").get_data(as_text=True)
    assert '<option value="Europe/London" selected>' in odd


def test_not_offered_to_verdicts_the_practice_did_not_choose(
    client, questionnaire, db, open_hours
):
    page = _submitted(client, questionnaire, NOT_A_FIT)
    assert _slots(page.get_data(as_text=True)) == []


def test_book_confirms_by_page_and_mail_with_an_invitation(
    client, questionnaire, db, open_hours, app_config
):
    make_consultant(email="owner@example.com")
    db.session.commit()
    page = _submitted(client, questionnaire)
    slot = _slots(page.get_data(as_text=True))[3]
    response = _book(client, page, slot, tz="America/New_York")
    assert response.status_code == 302
    manage_url = response.headers["Location"]
    assert manage_url.startswith("/booking/")
    confirm = client.get(manage_url).get_data(as_text=True)
    assert "Your call is booked" in confirm
    assert "America/New York time" in confirm
    assert "https://meet.example/northway" in confirm
    booking = db.session.scalar(sa.select(Booking))
    assert booking.start_at.strftime("%Y-%m-%dT%H:%MZ") == slot
    assert db.session.get(Submission, booking.submission_id).status == "booked"
    # the thank-you page now shows the call, not slots
    again = client.get("/start/thanks").get_data(as_text=True)
    assert "Your call is booked for" in again and _slots(again) == []
    deliver_due()  # delivered after the request already; anything left now
    (mail,) = _eml(app_config, "booking_confirmed")
    body = mail.get_body(("plain",)).get_content()
    assert manage_url.split("?")[0] in body
    assert not INTERNAL.search(body)
    event = _ics(mail).walk("VEVENT")[0]
    cal = _ics(mail)
    assert cal["METHOD"] == "REQUEST"
    assert event["SEQUENCE"] == 0
    assert (
        str(event["UID"]) == f"consultation-{booking.id}@intake.test"
    )  # the request's host (no public URL in tests)
    assert event.decoded("DTSTART") == booking.start_at
    assert str(event["ORGANIZER"]) == f"mailto:{current_practice().email}"
    assert str(event["ATTENDEE"]) == f"mailto:{COLLAB['email']}"
    assert "meet.example" in str(event["DESCRIPTION"])
    (team,) = _eml(app_config, "booking_team")
    assert team["To"] == "owner@example.com"
    # a second booking from the same browser changes nothing
    assert (
        _book(client, page, _slots(page.get_data(as_text=True))[5]).status_code == 302
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 1


def test_reminder_the_day_before_is_cancelled_with_the_call(
    client, questionnaire, db, open_hours, app_config
):
    page = _submitted(client, questionnaire)
    slot = _slots(page.get_data(as_text=True))[-1]
    manage_url = _book(client, page, slot).headers["Location"].split("?")[0]
    booking = db.session.scalar(sa.select(Booking))
    reminder = db.session.get(OutboxMessage, booking.reminder_id)
    assert reminder.kind == "booking_reminder"
    assert reminder.send_after == booking.start_at - dt.timedelta(days=1)
    manage = client.get(manage_url)
    cancelled = client.post(
        manage_url + "/cancel", data={"csrf_token": csrf_of(manage)}
    )
    assert cancelled.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, reminder.id).status == MAIL_CANCELLED
    booking = db.session.scalar(sa.select(Booking))
    assert (booking.status, booking.sequence) == ("cancelled", 1)
    assert "Your call is cancelled" in client.get(manage_url).get_data(as_text=True)
    deliver_due()
    (mail,) = _eml(app_config, "booking_cancelled")
    cal = _ics(mail)
    assert cal["METHOD"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1 and str(event["STATUS"]) == "CANCELLED"
    # the slot is free again
    page = client.get("/start/thanks").get_data(as_text=True)
    assert "Book your consultation call" in page and slot in _slots(page)


def test_move_sends_an_update_and_replaces_the_reminder(
    client, questionnaire, db, open_hours, app_config
):
    page = _submitted(client, questionnaire)
    slots = _slots(page.get_data(as_text=True))
    manage_url = _book(client, page, slots[-2]).headers["Location"].split("?")[0]
    old_reminder = db.session.scalar(sa.select(Booking)).reminder_id
    manage = client.get(manage_url)
    assert slots[-1] in _slots(manage.get_data(as_text=True))
    moved = client.post(
        manage_url + "/move",
        data={"csrf_token": csrf_of(manage), "slot": slots[-1], "tz": "Europe/Paris"},
    )
    assert moved.status_code == 302
    db.session.expire_all()
    booking = db.session.scalar(sa.select(Booking))
    assert booking.start_at.strftime("%Y-%m-%dT%H:%MZ") == slots[-1]
    assert booking.sequence == 1
    assert db.session.get(OutboxMessage, old_reminder).status == MAIL_CANCELLED
    assert booking.reminder_id != old_reminder
    deliver_due()
    first, update = _eml(app_config, "booking_confirmed")
    assert "has moved" in update.get_body(("plain",)).get_content()
    a, b = (_ics(m).walk("VEVENT")[0] for m in (first, update))
    read = _vobject(update).vevent
    assert (read.sequence.value, read.uid.value) == ("1", str(a["UID"]))
    assert a["UID"] == b["UID"] and (a["SEQUENCE"], b["SEQUENCE"]) == (0, 1)
    assert b.decoded("DTSTART") == booking.start_at


def test_a_slot_not_offered_or_past_is_refused_clearly(
    client, questionnaire, db, open_hours
):
    page = _submitted(client, questionnaire)
    free = _slots(page.get_data(as_text=True))
    past = (utcnow() - dt.timedelta(days=2)).strftime("%Y-%m-%dT09:00Z")
    too_soon = (utcnow() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:00Z")
    for bad in (
        past,
        too_soon,
        "2026-06-08T09:07Z",
        "9999-12-31T09:00Z",
        "\x00",
        "9" * 5000,
        "",
    ):
        response = _book(client, page, bad, tz="\x00" + "x" * 300)
        assert response.status_code in (409, 422), bad[:20]
        html = response.get_data(as_text=True)
        assert "choose" in html.lower()
        assert _slots(html) == free  # the choice is offered again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == 0


def test_hostile_links_are_never_a_500(client, db, open_hours):
    for url in (
        "/booking/x",
        "/booking/" + "9" * 5000,
        "/booking/%00",
        "/calendar/x.ics",
        "/calendar/%00.ics",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/booking/x/move", "/booking/x/cancel", "/call/book"):
        assert client.post(url, data={"slot": "\x00"}).status_code < 500


def _race(app, clients_pages, slot):
    """Post the same slot from every client at once; their status codes."""
    barrier = threading.Barrier(len(clients_pages))
    results = []

    def post(client, page):
        barrier.wait()
        response = _book(client, page, slot)
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=post, args=cp) for cp in clients_pages]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(results)


def _count(app) -> int:
    with app.app_context():
        return _db.session.scalar(sa.select(sa.func.count()).select_from(Booking))


def test_two_prospects_for_the_same_slot_exactly_one_wins(app, questionnaire):
    # no app context held here: each request has its own (and its own `g`)
    with app.app_context():
        _open_hours(_db)
    prospects = []
    for n in range(4):
        client = app.test_client()
        page = _submitted(
            client, questionnaire, {**COLLAB, "email": f"p{n}@example.com"}
        )
        prospects.append((client, page))
    slot = _slots(prospects[0][1].get_data(as_text=True))[0]
    results = _race(app, prospects, slot)
    assert [status for status, _html in results] == [302, 409, 409, 409]
    assert _count(app) == 1
    # the losers are told (taken at the commit, or no longer free when they looked)
    # and shown the other times
    for _status, html in results[1:]:
        assert "just taken" in html or "no longer free" in html
        assert slot not in _slots(html) and _slots(html)


def _two_submissions(db):
    from tests.factories import make_submission

    out = []
    for _ in range(2):
        out.append(make_submission())
        db.session.commit()  # the questionnaire's snapshot first (PostgreSQL's FK)
    return out


def test_the_database_refuses_a_second_active_booking_of_a_slot(db, open_hours):
    a, b = _two_submissions(db)
    start = dt.datetime(2030, 1, 7, 10, tzinfo=dt.UTC)
    for n, s in enumerate((a, b)):
        db.session.add(
            Booking(
                submission_id=s.id,
                start_at=start,
                end_at=start + dt.timedelta(minutes=45),
                token_hash=f"{n}" * 64,
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    # a cancelled call does not hold its slot
    a, b = _two_submissions(db)
    db.session.add_all(
        [
            Booking(
                submission_id=a.id,
                start_at=start,
                end_at=start,
                token_hash="a" * 64,
                status="cancelled",
            ),
            Booking(
                submission_id=b.id, start_at=start, end_at=start, token_hash="b" * 64
            ),
        ]
    )
    db.session.commit()


def test_availability_in_settings(client, db, consultant):
    sign_in(client)
    page = client.get("/workspace/settings")
    html = page.get_data(as_text=True)
    assert 'action="/workspace/settings/availability"' in html
    form = client.get("/workspace/settings/availability")
    data = {
        "csrf_token": csrf_of(form),
        "enabled": "y",
        "offer_to": ["strong fit", "possible fit", "not a fit"],
        "mon": "09:00-12:00, 13:30-17:00",
        "tue": "",
        "wed": "10:00-11:00",
        "thu": "",
        "fri": "",
        "sat": "",
        "sun": "",
        "call_minutes": "30",
        "buffer_minutes": "10",
        "notice_hours": "12",
        "horizon_days": "30",
        "days_off": "2026-12-25\n2026-12-24",
        "details": "Phone: +44 20 7946 0000",
    }
    saved = client.post("/workspace/settings/availability", data=data)
    assert saved.status_code == 302
    av = current_practice().availability
    assert av.enabled and av.offer_to == ("strong fit", "possible fit", "not a fit")
    assert av.hours == (
        ("mon", "09:00", "12:00"),
        ("mon", "13:30", "17:00"),
        ("wed", "10:00", "11:00"),
    )
    assert av.days_off == ("2026-12-24", "2026-12-25")
    assert (av.call_minutes, av.buffer_minutes, av.notice_hours) == (30, 10, 12)
    assert "13:30-17:00" in client.get("/workspace/settings").get_data(as_text=True)
    # bad input: a clear message, nothing saved, no 500
    for field, bad in (
        ("mon", "9 to 5"),
        ("mon", "17:00-09:00"),
        ("days_off", "next tuesday"),
        ("notice_hours", "9" * 40),
        ("horizon_days", "0"),
        ("details", "x\x00" * 700),
        ("call_minutes", "7"),
    ):
        response = client.post(
            "/workspace/settings/availability", data={**data, field: bad}
        )
        assert response.status_code == 422, field
        assert "Please check the availability" in response.get_data(as_text=True)
    assert current_practice().availability == av
    # owners only: tests/integration/test_workspace_guard.py's owner table


def test_calendar_feed_link_is_private_and_revocable(app, questionnaire):
    with app.app_context():
        _open_hours(_db)
        make_consultant()
        _db.session.commit()
    prospect = app.test_client()
    page = _submitted(prospect, questionnaire)
    _book(prospect, page, _slots(page.get_data(as_text=True))[0])
    client = app.test_client()
    sign_in(client)
    calendar = client.get("/workspace/calendar")
    made = client.post("/workspace/calendar", data={"csrf_token": csrf_of(calendar)})
    link = re.search(r'value="(http[^"]+\.ics)"', made.get_data(as_text=True))[1]
    path = "/" + link.split("/", 3)[3]
    feed = app.test_client().get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(feed.data)
    (event,) = cal.walk("VEVENT")
    with app.app_context():
        booking = _db.session.scalar(sa.select(Booking))
    assert event.decoded("DTSTART") == booking.start_at
    assert f"/workspace/submissions/{booking.submission_id}" in str(event["URL"])
    assert str(event["SUMMARY"]) == (  # the member who takes it is named
        f"Consultation call: {COLLAB['full_name']} (with Casey Consultant)"
    )
    # the same feed read by a second iCalendar library, as calendars other than ours do
    parsed = vobject.readOne(feed.data.decode())
    (other,) = parsed.vevent_list
    assert other.dtstart.value == booking.start_at
    assert other.uid.value == str(event["UID"])
    assert other.url.value.endswith(f"/workspace/submissions/{booking.submission_id}")
    # a new link revokes the old one
    client.post("/workspace/calendar", data={"csrf_token": csrf_of(calendar)})
    assert app.test_client().get(path).status_code == 404


def test_today_lists_calls_today_and_tomorrow_in_the_practices_zone(db, open_hours):
    from intake.workspace.today import needs_attention_for_today

    a, b = _two_submissions(db)
    c, _ = _two_submissions(db)
    # Friday 4 December 2026, 23:30 in London (UTC+0)
    now = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    for n, (s, start) in enumerate(
        (
            (a, dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)),  # tomorrow, 09:00
            (b, dt.datetime(2026, 12, 4, 23, 45, tzinfo=dt.UTC)),  # today, 23:45
            (c, dt.datetime(2026, 12, 6, 9, tzinfo=dt.UTC)),  # the day after: no row
        )
    ):
        db.session.add(
            Booking(
                submission_id=s.id,
                start_at=start,
                end_at=start + dt.timedelta(minutes=45),
                token_hash=f"{n}" * 64,
            )
        )
    db.session.commit()
    items = needs_attention_for_today(current_practice(), now)
    calls = {i.id: i.reason for i in items if i.kind == "call"}
    assert calls == {a.id: "Call tomorrow at 09:00", b.id: "Call today at 23:45"}


def test_invite_to_book_anyone_and_the_call_on_the_submission_page(app, app_config):
    from tests.factories import make_submission

    with app.app_context():
        _open_hours(_db)
        make_consultant()
        _db.session.commit()
        prospect = make_submission(persona="one_off_project")  # not a fit
        _db.session.commit()
        prospect_id = prospect.id
    consultant = app.test_client()
    sign_in(consultant)
    detail = f"/workspace/submissions/{prospect_id}"
    page = consultant.get(detail)
    assert "No call booked yet." in page.text
    sent = consultant.post(
        detail + "/invite-to-book", data={"csrf_token": csrf_of(page)}
    )
    assert sent.status_code == 302
    (mail,) = _eml(app_config, "booking_invite")
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"http\S+/call/invite/\S+", text)[0]
    assert not INTERNAL.search(text)
    path = "/" + link.split("/", 3)[3]
    prospect = app.test_client()
    offered = prospect.get(path + "?tz=America/Chicago")
    slot = _slots(offered.text)[0]
    booked = prospect.post(
        path,
        data={"csrf_token": csrf_of(offered), "slot": slot, "tz": "America/Chicago"},
    )
    assert booked.status_code == 302 and "/booking/" in booked.headers["Location"]
    assert "Your call is booked for" in prospect.get(path).text
    # the consultant sees it in the practice's zone (London)
    start = dt.datetime.strptime(slot, "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.UTC)
    local = start.astimezone(ZoneInfo("Europe/London"))
    shown = consultant.get(detail).text
    assert f"{local:%H:%M}–" in shown and "Europe/London time" in shown
    # a forged or stale invitation is refused, never a 500
    for bad in ("x", path.rsplit("/", 1)[1] + "x", "%00", "9" * 3000):
        assert prospect.get(f"/call/invite/{bad}").status_code == 404


def test_the_widest_availability_keeps_the_page_short(client, questionnaire, db):
    from intake.consultation.views import SHOWN_SLOTS

    _open_hours(db)
    practice = current_practice()
    wide = dataclasses.replace(
        practice.availability,
        hours=tuple((d, "00:00", "24:00") for d, _a, _b in EVERY_DAY),
        call_minutes=15,
        buffer_minutes=0,
        notice_hours=0,
        horizon_days=180,
    )
    save_practice(dataclasses.replace(practice, availability=wide))
    db.session.commit()
    page = _submitted(client, questionnaire)
    assert len(_slots(page.get_data(as_text=True))) == SHOWN_SLOTS
