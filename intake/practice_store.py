"""The practice's details as stored in the database (one row of JSON), read once per
request."""

from __future__ import annotations

import functools

from flask import g

from .cache import Cache
from .extensions import db
from .models import StoredPractice, utcnow
from .practice import Practice, default_practice

PRACTICE_ROW_ID = 1

# The practice changes rarely and is read on every page: each process keeps it for a few
# seconds (INTAKE_PRACTICE_CACHE_SECONDS; bench/README.md); a save on this process is
# seen at once.
_cached = Cache(
    "practice", ttl_setting="PRACTICE_CACHE_SECONDS", cleared_by=(StoredPractice,)
)


def current_practice() -> Practice:
    """The practice of this request: as stored, or the defaults on first run."""
    if "practice" not in g:
        g.practice = _cached.get(PRACTICE_ROW_ID, _load)
    return g.practice


def _load() -> Practice:
    row = db.session.get(StoredPractice, PRACTICE_ROW_ID)
    return Practice.from_dict(row.data) if row else _defaults()


@functools.cache
def _defaults() -> Practice:
    return default_practice()


def save_practice(practice: Practice) -> None:
    """Store the practice (added to the session, committed by the caller)."""
    row = db.session.get(StoredPractice, PRACTICE_ROW_ID)
    if row is None:
        row = StoredPractice(id=PRACTICE_ROW_ID)
        db.session.add(row)
    row.data = practice.to_dict()
    row.updated_at = utcnow()
    g.practice = practice
