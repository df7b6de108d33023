"""Template filters that put dates and pipeline statuses into words."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from .models import DRAFT, PIPELINE


def datetime_attr(value: dt.datetime | None) -> str:
    """A valid HTML `datetime` value in UTC, to the minute (no microseconds)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


def day_month(value: dt.datetime | dt.date | None, today: dt.date | None = None) -> str:
    """'3 Nov' this year, '3 Nov 2025' another year."""
    if value is None:
        return ""
    today = today or dt.datetime.now(dt.UTC).date()
    text = f"{value.day} {value:%b}"
    return text if value.year == today.year else f"{text} {value.year}"


def age(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long ago, in the largest whole unit: 'just now', '5 hours ago', '3 days ago'."""
    if value is None:
        return ""
    now = now or dt.datetime.now(dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    seconds = max(0, (now - value).total_seconds())
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400 * 7, "week"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def status_label(key: str | None) -> str:
    """The words for a pipeline status key ('not_a_fit' -> 'Declined by us')."""
    if key == DRAFT:
        return "Unfinished"
    return PIPELINE.get(key or "", (key or "").replace("_", " ").capitalize())


def init_app(app: Flask) -> None:
    for f in (datetime_attr, day_month, age, status_label):
        app.add_template_filter(f)
