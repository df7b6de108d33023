"""Per-member calls (issue 24): each member's own hours, the owner's choice of who takes
new prospects, the member named in the invitation and the feed, each member's own feed,
and migration 0017 (the practice's hours and calls become the owner's)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from intake import registry
from intake.consultation import service
from intake.consultation.models import Booking
from intake.extensions import db as _db
from intake.models import Submission, utcnow
from intake.practice import Availability
from intake.practice_store import current_practice, save_practice
from tests.conftest import csrf_of, sign_in
from tests.factories import listed_row, make_consultant, make_submission
from tests.integration.test_consultation import _slots
from tests.integration.test_migrations import _reset

MORNINGS = tuple((d, "09:00", "12:00") for d in ("mon", "tue", "wed", "thu", "fri"))
AFTERNOONS = tuple((d, "14:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri"))


def _team(new_prospects_to=""):
    """An owner (mornings) and a member (afternoons); their ids."""
    owner = make_consultant(email="owner@example.com", name="Olive Owner")
    member = make_consultant(email="mia@example.com", name="Mia Member")
    member.role = "consultant"
    _db.session.flush()
    practice = current_practice()
    base = Availability(enabled=True, notice_hours=0, horizon_days=14)
    save_practice(
        dataclasses.replace(
            practice,
            availability=base,
            member_availability={
                str(owner.id): dataclasses.replace(base, hours=MORNINGS),
                str(member.id): dataclasses.replace(base, hours=AFTERNOONS),
            },
            new_prospects_to=new_prospects_to.replace("MEMBER", str(member.id)),
            standards=dataclasses.replace(practice.standards, time_zone="UTC"),
        )
    )
    _db.session.commit()
    return owner.id, member.id


def _hours(slots) -> set[int]:
    return {s.start.hour for s in slots}


def test_the_owner_takes_new_prospects_by_default(db):
    owner, _member = _team()
    free = service.free(current_practice(), utcnow())
    assert free and _hours(free) <= {9, 10, 11}


def test_one_chosen_member_takes_them(db):
    _owner, member = _team("MEMBER")
    free = service.free(current_practice(), utcnow())
    assert free and _hours(free) <= {14, 15, 16}
    prospect = make_submission(persona="strategic_collaborator")
    _db.session.commit()
    booking, _token = service.book(prospect, free[0].value, "UTC", current_practice())
    assert booking.member_id == member


def test_whoever_is_free_first_offers_both_and_books_the_one_free(db):
    owner, member = _team("first_free")
    practice = current_practice()
    free = service.free(practice, utcnow())
    assert {9, 14} <= _hours(free)
    morning = next(s for s in free if s.start.hour == 9)
    afternoon = next(s for s in free if s.start.hour == 14)
    a = make_submission(persona="strategic_collaborator")
    b = make_submission(persona="steady_collaborator")
    _db.session.commit()
    assert service.book(a, morning.value, "UTC", practice)[0].member_id == owner
    assert service.book(b, afternoon.value, "UTC", practice)[0].member_id == member


def test_in_turn_two_members_with_the_same_hours_share_one_start(db):
    owner, member = _team("round_robin")
    practice = current_practice()
    both = dataclasses.replace(practice.availability, hours=MORNINGS)
    practice = dataclasses.replace(
        practice, member_availability={str(owner): both, str(member): both}
    )
    save_practice(practice)
    _db.session.commit()
    slot = service.free(practice, utcnow())[0]
    people = [make_submission(persona="strategic_collaborator") for _ in range(3)]
    _db.session.commit()
    first = service.book(people[0], slot.value, "UTC", practice)[0]
    second = service.book(people[1], slot.value, "UTC", practice)[0]
    _db.session.commit()
    assert {first.member_id, second.member_id} == {owner, member}
    # both taken at that start: it is no longer offered, and a third is refused
    assert slot.start not in {s.start for s in service.free(practice, utcnow())}
    try:
        service.book(people[2], slot.value, "UTC", practice)
    except service.NotOffered:
        pass
    else:
        raise AssertionError("a third call at a start both members hold")
    # the next start goes to whoever had a call longest ago: the first one
    later = service.free(practice, utcnow())[0]
    third = service.book(people[2], later.value, "UTC", practice)[0]
    assert third.member_id == first.member_id


def test_the_database_refuses_one_member_two_calls_at_one_start(db):
    owner, member = _team()
    s1 = make_submission(persona="strategic_collaborator")
    s2 = make_submission(persona="steady_collaborator")
    _db.session.commit()
    start = utcnow().replace(microsecond=0) + dt.timedelta(days=2)

    def call(submission, member_id, n):
        return Booking(
            submission_id=submission.id,
            member_id=member_id,
            start_at=start,
            end_at=start + dt.timedelta(minutes=45),
            token_hash=f"{n:064d}",
            time_zone="UTC",
        )

    _db.session.add_all([call(s1, owner, 1), call(s2, member, 2)])
    _db.session.commit()  # two members, one start: fine
    _db.session.add(call(s2, owner, 3))
    try:
        _db.session.commit()
    except sa.exc.IntegrityError:
        _db.session.rollback()
    else:
        raise AssertionError("one member, two calls at one start")


def test_booking_names_the_member_in_the_invitation_and_their_own_feed(
    app, questionnaire
):
    from tests.conftest import Wizard
    from tests.integration.test_consultation import COLLAB, _eml, _ics

    with app.app_context():
        _owner, member = _team("MEMBER")
    prospect = app.test_client()
    assert Wizard(prospect, questionnaire).complete(COLLAB).status_code == 302
    page = prospect.get("/start/thanks")
    slot = _slots(page.text)[0]
    booked = prospect.post(
        "/call/book", data={"csrf_token": csrf_of(page), "slot": slot, "tz": "UTC"}
    )
    assert booked.status_code == 302
    (mail,) = _eml(app.config, "booking_confirmed")
    text = mail.get_body(("plain",)).get_content()
    assert "call with Mia Member of Northway" in text
    event = _ics(mail).walk("VEVENT")[0]
    assert event["ORGANIZER"].params["CN"] == "Mia Member"
    assert "Mia Member" in str(event["SUMMARY"])
    # Mia's own feed has the call; the owner's has none
    feeds = {}
    for email in ("mia@example.com", "owner@example.com"):
        browser = app.test_client()
        sign_in(browser, email=email)
        made = browser.post(
            "/workspace/calendar",
            data={"csrf_token": csrf_of(browser.get("/workspace/calendar"))},
        )
        link = made.text.split('id="calendar-link" type="text" readonly value="')[1]
        feeds[email] = "/" + link.split('"')[0].split("/", 3)[3]
    mia = icalendar.Calendar.from_ical(
        app.test_client().get(feeds["mia@example.com"]).data
    )
    (call,) = mia.walk("VEVENT")
    assert "(with Mia Member)" in str(call["SUMMARY"])
    owner = app.test_client().get(feeds["owner@example.com"])
    assert owner.status_code == 200
    assert icalendar.Calendar.from_ical(owner.data).walk("VEVENT") == []


def test_settings_choose_whose_hours_and_who_takes_new_prospects(app):
    with app.app_context():
        owner, member = _team()
    browser = app.test_client()
    sign_in(browser, email="owner@example.com")
    page = browser.get(f"/workspace/settings/availability?member={member}")
    assert "Hours for calls: Mia Member" in page.text
    assert 'value="14:00-17:00"' in page.text
    form = {
        "csrf_token": csrf_of(page),
        "enabled": "y",
        "offer_to": ["strong fit", "possible fit"],
        "mon": "13:00-15:00",
        "call_minutes": "30",
        "buffer_minutes": "0",
        "notice_hours": "2",
        "horizon_days": "10",
        "new_prospects_to": "round_robin",
    }
    saved = browser.post(f"/workspace/settings/availability?member={member}", data=form)
    assert saved.status_code == 302
    with app.app_context():
        practice = current_practice()
        assert practice.member_availability[str(member)].hours == (
            ("mon", "13:00", "15:00"),
        )
        assert practice.member_availability[str(owner)].hours == MORNINGS
        assert practice.new_prospects_to == "round_robin"
    refused = browser.post(
        f"/workspace/settings/availability?member={member}",
        data={**form, "new_prospects_to": "everyone", "mon": "25:00-26:00"},
    )
    assert refused.status_code == 422
    assert "25:00-26:00" in refused.text  # what was typed stays


def test_0017_gives_the_practice_hours_and_calls_to_the_owner(app, db):
    _reset(db)
    upgrade(revision="0014")
    now = dt.datetime(2026, 12, 1, 9, 0)
    db.session.execute(
        sa.text(
            "INSERT INTO consultant (id, email, name, password_hash, created_at, "
            "session_generation, device_generation, role, active) VALUES "
            "(7, 'o@example.com', 'O', 'x', :now, 0, 0, 'owner', :yes)"
        ),
        {"now": now, "yes": True},
    )
    table = sa.table(
        "practice_settings",
        sa.column("id", sa.Integer),
        sa.column("data", sa.JSON),
        sa.column("updated_at", sa.DateTime),
    )
    hours = [["mon", "10:00", "12:00"]]
    old = {"availability": {"enabled": True, "hours": hours, "call_minutes": 30}}
    db.session.execute(sa.insert(table).values(id=1, data=old, updated_at=now))
    # the columns of 0014's table only (the model's have grown since)
    questionnaire = registry.active()
    registry.ensure_stored(questionnaire)
    row = listed_row(1, questionnaire, now.replace(tzinfo=dt.UTC))
    db.session.execute(sa.insert(Submission.__table__), [row])
    submission_id = db.session.execute(sa.select(Submission.id)).scalar_one()
    db.session.execute(
        sa.text(
            "INSERT INTO booking (submission_id, start_at, end_at, status, token_hash, "
            "sequence, time_zone, created_at, updated_at) VALUES "
            "(:s, :t, :t, 'booked', 'h', 0, 'UTC', :t, :t)"
        ),
        {"s": submission_id, "t": now},
    )
    db.session.commit()
    upgrade()
    assert db.session.execute(sa.text("SELECT member_id FROM booking")).scalar() == 7
    data = db.session.execute(sa.select(table.c.data)).scalar_one()
    assert data["member_availability"]["7"]["hours"] == hours
    assert data["member_availability"]["7"]["call_minutes"] == 30
    db.session.commit()
    downgrade(revision="0014")
    assert db.session.execute(sa.text("SELECT count(*) FROM booking")).scalar() == 1
    db.session.rollback()
