"""Free slots for the consultation call: wall-clock hours across daylight-saving
changes, notice, horizon, days off, buffers and bookings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from intake.consultation.slots import by_day, day_slots, free_slots, parse_value
from intake.practice import Availability

UTC = dt.UTC


def _av(**kw) -> Availability:
    base = {
        "enabled": True,
        "hours": (("sun", "01:00", "04:00"),),
        "call_minutes": 60,
        "buffer_minutes": 0,
        "notice_hours": 0,
        "horizon_days": 14,
    }
    return Availability(**{**base, **kw})


def _local(slots, zone):
    return [s.start.astimezone(ZoneInfo(zone)).strftime("%H:%M") for s in slots]


def _daily(day_name: str, **kw) -> Availability:
    return _av(hours=((day_name, "09:00", "12:00"),), **kw)


def test_london_slots_stay_at_ten_on_either_side_of_the_spring_change():
    # British Summer Time starts on Sunday 29 March 2026: Friday 27 is GMT, Monday 30 BST
    av = _av(hours=(("fri", "10:00", "11:00"), ("mon", "10:00", "11:00")))
    now = dt.datetime(2026, 3, 26, 12, tzinfo=UTC)
    slots = free_slots(av, time_zone="Europe/London", now=now)
    starts = [s.start for s in slots[:2]]
    assert starts == [
        dt.datetime(2026, 3, 27, 10, tzinfo=UTC),  # 10:00 GMT
        dt.datetime(2026, 3, 30, 9, tzinfo=UTC),  # 10:00 BST
    ]
    assert _local(slots, "Europe/London")[:2] == ["10:00", "10:00"]


def test_london_autumn_change_keeps_wall_clock_hours():
    # BST ends on Sunday 25 October 2026
    av = _av(hours=(("fri", "10:00", "11:00"), ("mon", "10:00", "11:00")))
    now = dt.datetime(2026, 10, 22, 12, tzinfo=UTC)
    slots = free_slots(av, time_zone="Europe/London", now=now)
    assert [s.start for s in slots[:2]] == [
        dt.datetime(2026, 10, 23, 9, tzinfo=UTC),  # 10:00 BST
        dt.datetime(2026, 10, 26, 10, tzinfo=UTC),  # 10:00 GMT
    ]


def test_new_york_spring_forward_skips_the_hour_that_does_not_exist():
    # 8 March 2026: clocks go from 02:00 to 03:00 in New York
    tz = ZoneInfo("America/New_York")
    slots = day_slots(_av(), dt.date(2026, 3, 8), tz)
    assert _local(slots, "America/New_York") == ["01:00", "03:00"]
    # every slot is a real hour long and they never overlap
    assert all(s.end - s.start == dt.timedelta(hours=1) for s in slots)
    assert slots[0].end <= slots[1].start


def test_new_york_fall_back_offers_the_repeated_hour_once():
    # 1 November 2026: 01:00-02:00 happens twice in New York
    tz = ZoneInfo("America/New_York")
    slots = day_slots(_av(), dt.date(2026, 11, 1), tz)
    assert _local(slots, "America/New_York") == ["01:00", "02:00", "03:00"]
    assert len({s.start for s in slots}) == 3
    assert slots[0].start == dt.datetime(2026, 11, 1, 5, tzinfo=UTC)  # 01:00 EDT
    assert slots[1].start == dt.datetime(2026, 11, 1, 7, tzinfo=UTC)  # 02:00 EST


def test_new_york_weekday_hours_across_the_march_change():
    av = _daily("tue", horizon_days=14)
    now = dt.datetime(2026, 3, 2, 12, tzinfo=UTC)
    slots = free_slots(av, time_zone="America/New_York", now=now)
    tuesdays = by_day(slots, "America/New_York")
    assert [d for d, _ in tuesdays] == [dt.date(2026, 3, 3), dt.date(2026, 3, 10)]
    for _day, rows in tuesdays:
        assert [local.strftime("%H:%M") for _s, local in rows] == [
            "09:00",
            "10:00",
            "11:00",
        ]
    assert tuesdays[0][1][0][0].start.hour == 14  # EST: UTC-5
    assert tuesdays[1][1][0][0].start.hour == 13  # EDT: UTC-4


def test_shown_in_the_prospects_zone_the_same_slot_moves_with_their_change():
    # the US changes on 8 March, the UK on 29 March: in between, London is 4 hours ahead
    av = _daily("wed", horizon_days=21)
    now = dt.datetime(2026, 3, 2, 12, tzinfo=UTC)
    slots = free_slots(av, time_zone="America/New_York", now=now)
    firsts = [
        rows[0][1].strftime("%H:%M") for _d, rows in by_day(slots, "Europe/London")
    ]
    assert firsts == ["14:00", "13:00", "13:00"]  # 4 Mar, 11 Mar, 18 Mar


def test_notice_and_horizon():
    av = _daily("mon", notice_hours=48, horizon_days=7)
    # Sunday 10:00 UTC: Monday's slots are within 48 hours, next Monday is day 8
    now = dt.datetime(2026, 6, 7, 10, tzinfo=UTC)
    assert free_slots(av, time_zone="UTC", now=now) == []
    av = _daily("mon", notice_hours=0, horizon_days=8)
    slots = free_slots(av, time_zone="UTC", now=now)
    assert {s.start.date() for s in slots} == {
        dt.date(2026, 6, 8),
        dt.date(2026, 6, 15),
    }


def test_a_slot_already_started_is_not_offered():
    av = _daily("mon")
    now = dt.datetime(2026, 6, 8, 10, 30, tzinfo=UTC)
    slots = free_slots(av, time_zone="UTC", now=now)
    assert slots[0].start == dt.datetime(2026, 6, 8, 11, tzinfo=UTC)


def test_days_off_are_skipped():
    av = _daily("mon", days_off=("2026-06-08",))
    now = dt.datetime(2026, 6, 7, 10, tzinfo=UTC)
    slots = free_slots(av, time_zone="UTC", now=now)
    assert slots[0].start.date() == dt.date(2026, 6, 15)


def test_buffer_between_calls_and_around_bookings():
    av = _daily("mon", call_minutes=45, buffer_minutes=15)
    tz = ZoneInfo("UTC")
    starts = [s.start.strftime("%H:%M") for s in day_slots(av, dt.date(2026, 6, 8), tz)]
    assert starts == ["09:00", "10:00", "11:00"]
    # a call booked at 10:50 under older settings: 10:00 ends within the buffer before
    # it and 11:00 starts inside it; 09:00 stays free
    booked = [
        (
            dt.datetime(2026, 6, 8, 10, 50, tzinfo=dt.UTC),
            dt.datetime(2026, 6, 8, 11, 35, tzinfo=dt.UTC),
        )
    ]
    now = dt.datetime(2026, 6, 7, tzinfo=UTC)
    slots = free_slots(av, time_zone="UTC", now=now, booked=booked)
    assert [s.start.strftime("%d %H:%M") for s in slots][:2] == ["08 09:00", "15 09:00"]


def test_a_booked_slot_is_not_offered_again():
    av = _daily("mon")
    now = dt.datetime(2026, 6, 7, tzinfo=UTC)
    taken = dt.datetime(2026, 6, 8, 10, tzinfo=UTC)
    slots = free_slots(
        av, time_zone="UTC", now=now, booked=[(taken, taken + dt.timedelta(hours=1))]
    )
    assert taken not in {s.start for s in slots}
    assert dt.datetime(2026, 6, 8, 9, tzinfo=UTC) in {s.start for s in slots}


def test_unknown_zone_and_bad_hours_do_not_break():
    av = _av(hours=(("mon", "nine", "12:00"), ("mon", "25:00", "26:00")))
    now = dt.datetime(2026, 6, 7, tzinfo=UTC)
    assert free_slots(av, time_zone="Not/AZone", now=now) == []


def test_slot_values_round_trip():
    assert parse_value("2026-06-08T09:00Z") == dt.datetime(2026, 6, 8, 9, tzinfo=UTC)
    for bad in ("", "\x00", "9" * 5000, "2026-13-01T09:00Z", "9999-12-31T25:00Z"):
        assert parse_value(bad) is None


def test_limit_stops_at_the_first_slots():
    av = _daily("mon", horizon_days=60)
    now = dt.datetime(2026, 6, 7, tzinfo=UTC)
    every = free_slots(av, time_zone="UTC", now=now)
    assert free_slots(av, time_zone="UTC", now=now, limit=4) == every[:4]
