"""Template filters: dates in words (intake.dates), pipeline statuses, paragraphs."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import cachetools
from flask import Flask, request
from flask import url_for as build_url

from .dates import FILTERS
from .models import DRAFT, PIPELINE

# a template's links: the same endpoint and values give the same URL for the life of the
# process (static files carry their content hash, fixed until a deploy restarts it)
URL_MEMO_SIZE = 2048


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
    for f in (*FILTERS, status_label, paragraphs):
        app.add_template_filter(f)
    app.jinja_env.globals["url_for"] = memoised_url_for(app)
