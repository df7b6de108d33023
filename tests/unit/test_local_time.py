"""Times in the practice's time zone (intake.dates.local_time), across daylight saving."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.dates import in_zone, local_time

UTC = dt.UTC


@pytest.mark.parametrize(
    ("utc", "zone", "expected"),
    [
        # London: GMT in winter, BST (UTC+1) from 29 March 2026 01:00 UTC
        (
            dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
            "Europe/London",
            "29 Mar 2026 00:59",
        ),
        (
            dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
            "Europe/London",
            "29 Mar 2026 02:00",
        ),
        # back to GMT on 25 October 2026 at 01:00 UTC: 01:30 local happens twice
        (
            dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            "Europe/London",
            "25 Oct 2026 01:30",
        ),
        (
            dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
            "Europe/London",
            "25 Oct 2026 01:30",
        ),
        # New York: EST (UTC-5) until 8 March 2026 07:00 UTC, then EDT (UTC-4)
        (
            dt.datetime(2026, 3, 8, 6, 59, tzinfo=UTC),
            "America/New_York",
            "08 Mar 2026 01:59",
        ),
        (
            dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
            "America/New_York",
            "08 Mar 2026 03:00",
        ),
        # the day changes with the zone: late evening UTC is the next morning in Sydney
        (
            dt.datetime(2026, 12, 4, 22, 0, tzinfo=UTC),
            "Australia/Sydney",
            "05 Dec 2026 09:00",
        ),
        # a stored naive time is UTC
        (dt.datetime(2026, 7, 1, 12, 0), "Europe/Berlin", "01 Jul 2026 14:00"),
        (dt.datetime(2026, 1, 1, 12, 0), "Europe/Berlin", "01 Jan 2026 13:00"),
    ],
)
def test_a_stored_time_on_the_practice_wall_clock(utc, zone, expected):
    assert local_time(utc, zone) == expected


def test_styles_and_nothing():
    moment = dt.datetime(2026, 6, 4, 9, 5, tzinfo=UTC)
    assert local_time(moment, "Europe/Paris", "long") == "4 June 2026 at 11:05 CEST"
    assert local_time(moment, "Europe/Paris", "day_time") == "04 Jun 11:05"
    assert local_time(moment, "Europe/Paris", "date") == "04 Jun 2026"
    assert local_time(moment, "Europe/Paris", "day") in ("4 Jun", "4 Jun 2026")
    assert local_time(None, "Europe/Paris") == ""


@pytest.mark.parametrize(
    "zone", ["", None, "Mars/Olympus", "../../etc/passwd", "x" * 300]
)
def test_an_unknown_zone_reads_as_utc(zone):
    moment = dt.datetime(2026, 6, 4, 9, 5, tzinfo=UTC)
    assert local_time(moment, zone) == "04 Jun 2026 09:05"
    assert in_zone(moment, zone).utcoffset() == dt.timedelta(0)
