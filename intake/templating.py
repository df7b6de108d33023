"""Template filters that put dates and pipeline statuses into words."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable

import cachetools
from flask import Flask, request
from flask import url_for as build_url

from .models import DRAFT, PIPELINE

# a template's links: the same endpoint and values give the same URL for the life of the
# process (static files carry their content hash, fixed until a deploy restarts it)
URL_MEMO_SIZE = 2048


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


PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(text: str | None) -> list[str]:
    """Typed text as paragraphs, whatever the line endings: browsers post CRLF, so a
    split on two LFs alone saw one paragraph. Lines inside a paragraph stay joined by
    one LF (templates decide how to show them)."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in PARAGRAPH_BREAK.split(text) if p.strip()]


def memoised_url_for(app: Flask) -> Callable[..., str]:
    """`url_for` for templates, built once per endpoint and values (bench/profiles.md:
    a page's 5-10 links cost a tenth of a questionnaire page). Not memoised: debug mode
    (static files change under it), `_external` and other `_` options, private tokens."""
    memo: cachetools.LRUCache = cachetools.LRUCache(URL_MEMO_SIZE)
    lock = threading.Lock()

    def url_for(endpoint: str, **values) -> str:
        if app.debug or "token" in values or any(k[0] == "_" for k in values):
            return build_url(endpoint, **values)
        if endpoint[0] == ".":
            endpoint = f"{request.blueprint or ''}{endpoint}"
        key = (request.script_root, endpoint, *sorted(values.items()))
        try:
            with lock:
                return memo[key]
        except KeyError:
            url = build_url(endpoint, **values)
            with lock:
                memo[key] = url
            return url
        except TypeError:  # a value that cannot be a key (a list): build it each time
            return build_url(endpoint, **values)

    return url_for


def init_app(app: Flask) -> None:
    for f in (datetime_attr, day_month, age, status_label, paragraphs):
        app.add_template_filter(f)
    app.jinja_env.globals["url_for"] = memoised_url_for(app)
