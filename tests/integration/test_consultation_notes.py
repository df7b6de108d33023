"""Consultation notes through the real views: pre-filled from the answers, saved on
their own, and taking precedence over the answers in the proposal (HTML, PDF, e-mail,
the accepted calendar); a gap settled in the call stops being listed; bad input is
shown again with a message and nothing lost."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape as html_unescape

import icalendar
import pytest
import sqlalchemy as sa

from intake.consultation import notes
from intake.consultation.models import Booking, ConsultationNotes
from intake.models import utcnow
from intake.offers.models import Offer
from intake.practice_store import current_practice
from intake.workspace.today import needs_attention_for_today
from tests.conftest import csrf_of
from tests.factories import make_submission
from tests.integration.test_offers import (
    _accept_data,
    _delivered,
    _link_from_mail,
    _send,
    _text,
)
from tests.integration.test_proposal_pdf import pdf_text

INTERNAL = re.compile(
    r"\b(strong fit|possible fit|not a fit|verdict|score|red flag)\b", re.IGNORECASE
)
SETTLE = "Things to settle before we start"


def _page(client, s):
    return client.get(f"/workspace/submissions/{s.id}")


def _notes(page, **kw) -> dict:
    data = {
        "csrf_token": csrf_of(page),
        "cn-call_date": "2026-12-03",
        "cn-areas": ["inbox_calendar", "client_care", "documents"],
        "cn-monthly_hours": "20",
        "cn-start_date": "2027-02-01",
        "cn-reviews": ["weekly", "monthly", "quarterly", "annual"],
        "cn-roles": "You decide priorities; we decide how the work is done.",
        "cn-reply_times": "Replies by the end of the day for anything sent by noon.",
        "cn-channels": "",
        "cn-working_hours": "",
        "cn-other": "",
    }
    data.update(kw)
    return data


def _save(client, s, **kw):
    return client.post(
        f"/workspace/submissions/{s.id}/consultation-notes",
        data=_notes(_page(client, s), **kw),
    )


@pytest.fixture
def prospect(db):
    # a strong fit who expects same-day replies (a gap) and 45 hours a month
    s = make_submission(persona="strategic_collaborator", reply_time="same_day")
    db.session.commit()
    return s


def test_the_notes_are_prefilled_from_the_answers(signed_in, prospect):
    html = _page(signed_in, prospect).get_data(as_text=True)
    assert 'id="agreed-title"' in html
    assert re.search(r'id="cn-monthly_hours"[^>]*value="45"', html)
    assert re.search(r'id="cn-start_date"[^>]*value="2027-01-11"', html)
    assert re.search(
        r'checked[^>]*value="hiring_onboarding"|value="hiring_onboarding"[^>]*checked',
        html,
    )
    assert "Accept or move meetings in my calendar".lower() in html.lower()
    assert notes.record_for(prospect.id) is None  # nothing stored until saved


def test_the_agreements_take_precedence_in_the_proposal(signed_in, prospect, db):
    before = signed_in.get(f"/workspace/submissions/{prospect.id}/proposal").get_data(
        as_text=True
    )
    assert "Strategic Partner" in before and SETTLE in before
    assert "As we agreed on" not in before
    response = _save(signed_in, prospect)
    assert response.status_code == 302 and response.location.endswith("#agreed")
    record = db.session.get(ConsultationNotes, notes.record_for(prospect.id).id)
    assert record.call_date == dt.date(2026, 12, 3)

    html = signed_in.get(f"/workspace/submissions/{prospect.id}/proposal").get_data(
        as_text=True
    )
    assert "As we agreed on 3 December 2026:" in html
    assert "About 20 hours of support a month: Partner" in html
    assert "We start on 1 February 2027" in html
    # the one gap (replies) was settled in the call: nothing left to settle
    assert SETTLE not in html
    pdf = signed_in.get(f"/workspace/submissions/{prospect.id}/proposal.pdf")
    text = pdf_text(pdf.get_data())
    assert "As we agreed on 3 December 2026" in text
    # the package for the hours agreed (the answers asked for 45: Strategic Partner,
    # now only offered as the room to grow)
    assert "RECOMMENDED FOR WHAT YOU DESCRIBED Partner $1,250 a month" in text
    assert "ROOM TO GROW Strategic Partner $2,400" in text
    assert "February 2027" in text
    agreed = text.split("What we agreed")[1].split("What we recommend")[0]
    assert "We start with Inbox, calendar and appointments; Client care" in agreed
    assert "Hiring" not in agreed
    assert "Start February 2027" in text  # the terms: the agreed start
    assert SETTLE not in text
    assert not INTERNAL.search(text)


def test_an_unsettled_gap_stays_listed(signed_in, prospect):
    _save(signed_in, prospect, **{"cn-reply_times": ""})
    html = signed_in.get(f"/workspace/submissions/{prospect.id}/proposal").get_data(
        as_text=True
    )
    assert SETTLE in html and "As we agreed on 3 December 2026" in html


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"cn-call_date": ""}, "Please give the date of the call."),
        ({"cn-monthly_hours": "lots"}, "Not a valid integer value."),
        ({"cn-monthly_hours": "100000000000000000000"}, "Number must be between"),
        ({"cn-start_date": "next spring"}, "Not a valid date value."),
        ({"cn-areas": ["not_an_area"]}, "not a valid choice"),
        ({"cn-other": "x" * 2001}, "Field cannot be longer than 2000 characters."),
    ],
)
def test_bad_notes_are_shown_again_with_a_message(
    signed_in, prospect, changes, message
):
    response = _save(
        signed_in, prospect, **{"cn-roles": "We agreed a great deal\x00."}, **changes
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "We agreed a great deal." in html  # nothing typed is lost
    assert notes.record_for(prospect.id) is None


def test_the_sent_proposal_and_its_calendar_follow_the_notes(
    signed_in, client, prospect, db, app
):
    _save(signed_in, prospect, **{"cn-reviews": ["monthly", "quarterly"]})
    detail = _page(signed_in, prospect).get_data(as_text=True)
    assert "as we agreed on 3 December 2026" in detail  # the e-mail's default message
    message = re.search(
        r'<textarea[^>]*name="message"[^>]*>\s*([^<]*)</textarea>', detail
    ).group(1)
    assert (
        _send(signed_in, prospect.id, message=html_unescape(message)).status_code == 302
    )
    mail = _text(_delivered(app, "proposal_sent")[-1])
    assert "as we agreed on 3 December 2026" in mail
    assert not INTERNAL.search(mail)
    link = _link_from_mail(app)
    page = client.get(link)
    body = page.get_data(as_text=True)
    assert 'value="2027-02-01"' in body  # the agreed start, pre-filled
    assert not INTERNAL.search(body)
    response = client.post(
        link + "/accept", data=_accept_data(page, start_date="2027-02-01")
    )
    assert response.status_code == 302
    db.session.expire_all()
    offer = db.session.scalars(sa.select(Offer)).one()
    assert offer.accepted_option == "Partner" and offer.start_date == dt.date(
        2027, 2, 1
    )
    text = pdf_text(offer.pdf)
    assert "As we agreed on 3 December 2026" in text and "$1,250" in text
    (accepted,) = _delivered(app, "proposal_accepted")
    (ics,) = [
        p.get_content()
        for p in accepted.iter_attachments()
        if p.get_filename() == "Reviews.ics"
    ]
    events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    kinds = {str(e["summary"]).split(":")[0] for e in events}
    # the reviews agreed in the call (no weekly check-in), from the agreed start
    assert kinds == {"Monthly operational review", "Quarterly business review"}
    first = min(e.decoded("dtstart") for e in events)
    assert first.date() >= dt.date(2027, 2, 1)
    assert first.date() < dt.date(2027, 3, 15)


def _booking(db, s, start: dt.datetime, token: str) -> Booking:
    b = Booking(
        submission_id=s.id,
        start_at=start,
        end_at=start + dt.timedelta(minutes=45),
        token_hash=token * 64,
        time_zone="Europe/London",
    )
    db.session.add(b)
    db.session.commit()
    return b


def test_today_lists_calls_held_without_notes_and_notes_without_a_proposal(
    signed_in, db
):
    now = utcnow()
    held = make_submission(full_name="Held Without Notes")
    agreed = make_submission(full_name="Agreed Not Sent")
    db.session.commit()
    _booking(db, held, now - dt.timedelta(days=2), "a")
    _save(signed_in, agreed)
    items = {i.id: i for i in needs_attention_for_today(current_practice())}
    assert items[held.id].kind == "held"
    assert items[held.id].reason.startswith("Call held ")
    assert items[held.id].reason.endswith(": no notes of what was agreed")
    assert items[agreed.id].kind == "agreed"
    assert items[agreed.id].reason.startswith(
        "Notes of the call on 3 December 2026 recorded"
    )
    html = signed_in.get("/workspace/today?show=calls").get_data(as_text=True)
    assert f"/workspace/submissions/{held.id}?back=" in html
    assert "Record the notes" in html and "Send proposal" in html
    # notes recorded: no longer held without notes; proposal sent: no longer waiting
    _save(signed_in, held)
    assert _send(signed_in, agreed.id).status_code == 302
    kinds = {i.id: i.kind for i in needs_attention_for_today(current_practice())}
    assert kinds.get(held.id) == "agreed" and agreed.id not in kinds


def test_a_call_is_suggested_before_sending_until_notes_are_recorded(
    signed_in, prospect, db
):
    html = _page(signed_in, prospect).get_data(as_text=True)
    assert "No consultation is recorded yet." in html
    assert "Invite to book a call first" in html
    start = utcnow() + dt.timedelta(days=3)
    _booking(
        db, prospect, start.replace(hour=15, minute=0, second=0, microsecond=0), "c"
    )
    html = _page(signed_in, prospect).get_data(as_text=True)
    # the call's time, in the practice's time zone (New York by default)
    assert "Their call is booked for" in html and "(America/New York time)" in html
    _save(signed_in, prospect)
    html = _page(signed_in, prospect).get_data(as_text=True)
    assert "Their call is booked for" not in html
    assert "No consultation is recorded yet." not in html


def test_the_practice_may_switch_the_suggestion_off(signed_in, prospect, db):
    settings = signed_in.get("/workspace/settings/availability")
    html = settings.get_data(as_text=True)
    assert (
        'name="suggest_booking"' in html
        and "checked"
        in html.split('name="suggest_booking"')[0][-120:]
        + html.split('name="suggest_booking"')[1][:40]
    )
    av = current_practice().availability
    response = signed_in.post(
        "/workspace/settings/availability",
        data={
            "csrf_token": csrf_of(settings),
            "mon": "10:00-12:00",
            "call_minutes": av.call_minutes,
            "buffer_minutes": av.buffer_minutes,
            "notice_hours": av.notice_hours,
            "horizon_days": av.horizon_days,
            # suggest_booking left unticked
        },
    )
    assert response.status_code == 302
    assert current_practice().availability.suggest_booking is False
    html = _page(signed_in, prospect).get_data(as_text=True)
    assert "No consultation is recorded yet." not in html
