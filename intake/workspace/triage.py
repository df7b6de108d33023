"""Triage without losing context: a prospect's page knows the page it was opened from
(its `back` parameter: the list with its filters, sort and page, Today or the board),
leads back there, and offers the next prospect of that list. The prospect page's forms
post `back` along, and their redirect to the page keeps it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import Response, request, url_for
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..models import Submission
from ..security import is_safe_next
from . import listing, queries

MAX_BACK = 1500  # characters of a way back (a list's query string fits easily)
# the pages a prospect's page leads back to, and the words of the link
PAGES = {
    "workspace.dashboard": "All prospects",
    "workspace.today": "Today",
    "workspace.board": "Pipeline board",
}


def safe_back(value: str | None) -> str | None:
    """`value` when it is one of PAGES on this site (with any query), else None."""
    if not value or len(value) > MAX_BACK or not is_safe_next(value):
        return None
    parts = urlsplit(value)
    if parts.fragment or parts.path not in {url_for(e) for e in PAGES}:
        return None
    return value


def _label(back: str) -> str:
    path = urlsplit(back).path
    return next(label for e, label in PAGES.items() if url_for(e) == path)


def next_in_list(back: str, submission: Submission) -> sa.Row | None:
    """The prospect after `submission` in the list `back` shows (its filters and sort),
    even when `submission` itself has since left it (a status changed): one query."""
    query = urlsplit(back).query
    filters = listing.filters_from(MultiDict(parse_qsl(query)))
    column = queries.SORTS.get(filters.sort, Submission.submitted_at)
    value = getattr(submission, column.key)
    if value is None:
        return None
    if filters.direction == "asc":
        after = (column > value) | ((column == value) & (Submission.id > submission.id))
        order = (column.asc(), Submission.id.asc())
    else:
        after = (column < value) | ((column == value) & (Submission.id < submission.id))
        order = (column.desc(), Submission.id.desc())
    return db.session.execute(
        queries._filtered(filters)
        .where(after)
        .with_only_columns(Submission.id, Submission.name, Submission.business)
        .order_by(*order)
        .limit(1)
    ).first()


def triage_links(submission: Submission) -> dict:
    """The way back and the next prospect, for a prospect's page."""
    list_path = url_for("workspace.dashboard")
    back = safe_back(request.args.get("back")) or list_path
    links = {"back": back, "back_label": _label(back), "next": None, "next_name": ""}
    if urlsplit(back).path != list_path:
        return links
    row = next_in_list(back, submission)
    if row is not None:
        url = url_for("workspace.submission_detail", submission_id=row.id)
        links["next"] = url + (
            "?" + urlencode({"back": back}) if back != list_path else ""
        )
        links["next_name"] = Submission.name_to_show(row.name, row.business, row.id)
    return links


def keep_the_way_back(response: Response) -> Response:
    """A form of a prospect's page posted `back`: its redirect to the page keeps it
    (the workspace's after-request hook, intake/workspace/__init__.py)."""
    if request.method != "POST" or response.status_code not in (302, 303):
        return response
    submission_id = (request.view_args or {}).get("submission_id")
    back = safe_back(request.form.get("back"))
    if submission_id is None or back is None:
        return response
    parts = urlsplit(response.headers.get("Location", ""))
    detail = url_for("workspace.submission_detail", submission_id=submission_id)
    if parts.path == detail and not parts.query and not parts.netloc:
        response.headers["Location"] = urlunsplit(
            parts._replace(query=urlencode({"back": back}))
        )
    return response
