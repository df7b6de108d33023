"""The template filters that put dates and statuses into words."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.dates import age, datetime_attr, day_month
from intake.models import PIPELINE
from intake.templating import paragraphs, status_label

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def test_datetime_attr_is_a_valid_html_datetime_in_utc():
    stamp = dt.datetime(2026, 11, 3, 9, 5, 7, 123456, tzinfo=dt.UTC)
    assert datetime_attr(stamp) == "2026-11-03T09:05Z"
    paris = dt.timezone(dt.timedelta(hours=1))
    assert (
        datetime_attr(dt.datetime(2026, 11, 3, 10, 5, tzinfo=paris))
        == "2026-11-03T09:05Z"
    )
    assert datetime_attr(None) == ""


def test_day_month_adds_the_year_only_for_another_year():
    today = NOW.date()
    assert day_month(dt.date(2026, 11, 3), today) == "3 Nov"
    assert day_month(dt.date(2025, 3, 14), today) == "14 Mar 2025"
    assert day_month(None, today) == ""


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (dt.timedelta(seconds=20), "just now"),
        (dt.timedelta(minutes=1), "1 minute ago"),
        (dt.timedelta(hours=5, minutes=59), "5 hours ago"),
        (dt.timedelta(days=1), "1 day ago"),
        (dt.timedelta(days=13), "1 week ago"),
        (dt.timedelta(days=45), "1 month ago"),
        (dt.timedelta(days=800), "2 years ago"),
        (dt.timedelta(hours=-3), "just now"),  # a clock a little ahead
    ],
)
def test_age_in_the_largest_whole_unit(delta, words):
    assert age(NOW - delta, NOW) == words


def test_status_labels_are_words_and_distinct_from_verdicts():
    assert status_label("booked") == "Consultation booked"
    assert status_label("not_a_fit") == "Declined by us"
    assert status_label("draft") == "Unfinished"
    assert status_label("someday_maybe") == "Someday maybe"
    verdicts = {"strong fit", "possible fit", "not a fit"}
    assert not {label.lower() for label in PIPELINE.values()} & verdicts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n\nb", ["a", "b"]),
        ("a\r\n\r\nb", ["a", "b"]),
        ("a\r\rb", ["a", "b"]),
        ("a\r\n  \r\nb\r\nc", ["a", "b\nc"]),
        ("  \r\n\r\n ", []),
        ("one line", ["one line"]),
        (None, []),
    ],
)
def test_paragraphs_whatever_the_line_endings(text, expected):
    assert paragraphs(text) == expected


def test_dates_in_words_whatever_the_locale():
    """intake.dates writes every date and time; English names, no zero before a
    prospect's day, UTC said where a time is."""
    import datetime as dt

    from intake import dates

    moment = dt.datetime(2026, 12, 4, 9, 5, 7, tzinfo=dt.UTC)
    assert dates.long_date(moment.date()) == "4 December 2026"
    assert dates.long_moment(moment) == "4 December 2026 at 09:05 UTC"
    assert dates.weekday_date(moment.date()) == "Friday 4 December 2026"
    assert dates.day_month_time(moment) == "4 December 09:05 UTC"
    assert dates.short_date(moment) == "04 Dec 2026"
    assert dates.short_moment(moment) == "04 Dec 2026 09:05"
    assert dates.short_day_time(moment) == "04 Dec 09:05"
    assert dates.exact_moment(moment) == "2026-12-04 09:05:07"
    assert dates.time_of_day(moment) == "09:05"
    assert {f(None) for f in dates.FILTERS} == {""}


def test_templates_write_no_date_of_their_own():
    """Templates use the filters of intake.dates, never `strftime`."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    found = [
        str(p.relative_to(templates))
        for p in sorted(templates.rglob("*"))
        if p.is_file() and "strftime" in p.read_text(encoding="utf-8")
    ]
    assert found == []
