"""The template filters that put dates and statuses into words."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.models import PIPELINE
from intake.templating import age, datetime_attr, day_month, paragraphs, status_label

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
