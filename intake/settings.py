"""The practice settings as stored in the database, read once per request."""

from __future__ import annotations

import functools
import re
import threading
import time

from flask import Flask, Response, current_app, g, request

from .extensions import db
from .models import PracticeSettings, utcnow
from .practice import Practice, default_practice, format_money

SETTINGS_ID = 1
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


# Settings change rarely and are read on every page: each process keeps them for a few
# seconds (INTAKE_SETTINGS_CACHE_SECONDS); a save on this process is seen at once.
_cache: dict[str, tuple[float, Practice]] = {}
_lock = threading.Lock()


def current_practice() -> Practice:
    """The practice of this request: stored settings, or the defaults on first run."""
    if "practice" not in g:
        hit = _cache.get("practice")
        ttl = current_app.config["SETTINGS_CACHE_SECONDS"]
        if hit and time.monotonic() - hit[0] < ttl:
            g.practice = hit[1]
        else:
            row = db.session.get(PracticeSettings, SETTINGS_ID)
            g.practice = Practice.from_dict(row.data) if row else _defaults()
            with _lock:
                _cache["practice"] = (time.monotonic(), g.practice)
    return g.practice


@functools.cache
def _defaults() -> Practice:
    return default_practice()


def save_practice(practice: Practice) -> None:
    """Store the settings (added to the session, committed by the caller)."""
    row = db.session.get(PracticeSettings, SETTINGS_ID)
    if row is None:
        row = PracticeSettings(id=SETTINGS_ID)
        db.session.add(row)
    row.data = practice.to_dict()
    row.updated_at = utcnow()
    g.practice = practice
    forget_cached()


def forget_cached() -> None:
    with _lock:
        _cache.clear()


def init_app(app: Flask) -> None:
    """Templates see `practice`; /brand.css carries the brand colour (CSP allows no inline style)."""

    @app.context_processor
    def _practice():
        return {"practice": current_practice()}

    @app.template_filter("money")
    def _money(amount):
        return format_money(amount, current_practice().currency)

    @app.get("/brand.css")
    def brand_css():
        colour = current_practice().brand_colour
        colour = colour if _HEX.match(colour) else "#1f5f8b"
        css = f":root {{ --brand: {colour}; }}\n"
        response = Response(css, mimetype="text/css")
        if request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = 86400
        return response
