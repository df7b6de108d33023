"""The list of prospects: its filters, sort and page links, its rows (each written
once and kept), and the summary strip. Templates do no arithmetic on scores."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping
from urllib.parse import urlencode

from flask import get_template_attribute, request, url_for
from markupsafe import Markup

from ..cache import Cache
from ..dates import age, datetime_attr, local_time, long_moment
from ..models import PIPELINE, Submission
from ..practice import time_zone_of
from ..practice_store import current_practice
from ..questionnaire.schema import DIMENSIONS
from . import list_filters, queries

VERDICT_CLASS = {
    "strong fit": "strong",
    "possible fit": "possible",
    "not a fit": "notfit",
}


def filters_from(args: list_filters.Args) -> queries.ListFilters:
    """The filters of a query string (`request.args`, or a MultiDict); a value that
    fails its check is ignored (list_filters.parse)."""
    return list_filters.parse(args)[0]


def filter_errors(errors: dict[str, list[str]], args) -> list[tuple[str, list[str]]]:
    """The (label, messages) of the filters of the query string that were ignored."""
    return [
        (list_filters.LABELS[name], messages)
        for name, messages in errors.items()
        if name in args
    ]


# werkzeug's safe characters in a query string: the links are the ones url_for builds
QUERY_SAFE = "!$'()*,/:;?@"


class ListLinks:
    """URLs for sorting and paging that keep the other filters: each endpoint's path
    is built once per page, its query strings encoded as url_for would (a page has ~15
    such links: ~0.3 ms of routing, bench/profiles.md)."""

    def __init__(self, filters: queries.ListFilters):
        self.filters = filters
        self._paths: dict[str, str] = {}

    def _url(self, endpoint: str, args: dict) -> str:
        path = self._paths.get(endpoint)
        if path is None:
            path = self._paths[endpoint] = url_for(endpoint)
        return f"{path}?{urlencode(args, safe=QUERY_SAFE)}" if args else path

    def _args(self, **changes):
        f = dataclasses.replace(self.filters, **changes)
        args = {
            "q": f.q,
            "verdict": f.verdict,
            "status": f.status,
            "date_from": f.date_from.isoformat() if f.date_from else "",
            "date_to": f.date_to.isoformat() if f.date_to else "",
            "sort": f.sort,
            "direction": f.direction,
            "page": f.page,
            "attention": "y" if f.attention else "",
        }
        return {k: v for k, v in args.items() if v not in ("", None)}

    def sort(self, column: str) -> str:
        same = self.filters.sort == column
        direction = (
            ("asc" if self.filters.direction == "desc" else "desc")
            if same
            else (
                "asc"
                if column in ("name", "business", "verdict", "status", "package")
                else "desc"
            )
        )
        return self._url(
            "workspace.dashboard", self._args(sort=column, direction=direction, page=1)
        )

    def aria_sort(self, column: str) -> str:
        if self.filters.sort != column:
            return "none"
        return "ascending" if self.filters.direction == "asc" else "descending"

    def page(self, number: int) -> str:
        return self._url("workspace.dashboard", self._args(page=number))

    def export(self) -> str:
        args = self._args()
        args.pop("page", None)
        return self._url("workspace.export_csv", args)


def score_bars(scores: Mapping[str, int | None]) -> list[dict]:
    """One bar per dimension, with its number (never colour alone)."""
    return [
        {
            "dimension": d,
            "value": scores.get(d),
            "width": max(0, min(100, scores.get(d) or 0)),
        }
        for d in DIMENSIONS
    ]


@dataclasses.dataclass(frozen=True, slots=True)
class ListRow:
    """One row of the list, every value formatted: the template only interpolates
    (slots: a template's attribute lookup is one getattr, not a failed one then [])."""

    id: int
    url: str
    name: str
    business: str
    email: str
    submitted: str  # the day in the practice's time zone
    submitted_iso: str
    submitted_utc: str  # the time in UTC, on hover
    age: str
    overall: int | None
    bars: tuple[tuple[str, int | None, int], ...]  # (Dimension, value, width)
    verdict: str
    verdict_label: str
    verdict_class: str
    flags: int
    package: str
    status: str
    status_label: str


_DIMENSION_LABELS = {d: d.capitalize() for d in DIMENSIONS}


# a row's markup, by everything it shows: a page of 25 rows written by the template
# was a third of the list's time (bench/profiles.md). Keyed by the row's values, a kept
# row is never stale; a commit that writes a submission empties it all the same, so
# that nothing of a deleted prospect stays in memory.
row_markup = Cache("list_row_markup", cleared_by=(Submission,), maxsize=2000)


def list_rows_html(
    rows: list, knockouts: dict[int, list[str]], back: str = ""
) -> Markup:
    """The table rows of one page (rows of queries.LIST_COLUMNS), each written once
    per distinct values and kept. `back`: the list's own URL, which each prospect's
    page leads back to (intake.workspace.triage)."""
    head, tail = _detail_url_parts()
    if back:
        tail += "?" + urlencode({"back": back})
    now = dt.datetime.now(dt.UTC)
    zone = time_zone_of(current_practice())
    parts = []
    for s in rows:
        knockout = tuple(knockouts.get(s.id, ()))
        # the last column (the knock-out reasons) is in `knockout`
        key = (head, tail, *tuple(s)[:-1], knockout, age(s.submitted_at, now), zone)
        parts.append(
            row_markup.get(
                key, functools.partial(_row_html, s, knockout, head, tail, now, zone)
            )
        )
    return Markup("\n".join(parts))


def list_url() -> str:
    """The list being shown, with its query string ('' for the list unfiltered)."""
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else ""


def _row_html(
    s, knockout: tuple, head: str, tail: str, now: dt.datetime, zone: str = "UTC"
) -> Markup:
    row = get_template_attribute("workspace/_row.html", "row")
    return row(_list_row(s, head, tail, now, zone), knockout)


def _detail_url_parts() -> tuple[str, str]:
    marker = 999_999_999
    head, _, tail = url_for(
        "workspace.submission_detail", submission_id=marker
    ).partition(str(marker))
    return head, tail


def _list_row(s, head: str, tail: str, now: dt.datetime, zone: str = "UTC") -> ListRow:
    """`s`: a row of queries.LIST_COLUMNS (or a Submission)."""
    scores = {"fit": s.fit, "chemistry": s.chemistry, "boundaries": s.boundaries}
    verdict = s.verdict or ""
    return ListRow(
        id=s.id,
        url=f"{head}{s.id}{tail}",
        name=Submission.name_to_show(s.name, s.business, s.id),
        business=s.business or "",
        email=s.email or "",
        submitted=local_time(s.submitted_at, zone, "date"),
        submitted_iso=datetime_attr(s.submitted_at),
        submitted_utc=long_moment(s.submitted_at),
        age=age(s.submitted_at, now),
        overall=s.overall,
        bars=tuple(
            (_DIMENSION_LABELS[b["dimension"]], b["value"], b["width"])
            for b in score_bars(scores)
        ),
        verdict=verdict,
        verdict_label=verdict.capitalize(),
        verdict_class=VERDICT_CLASS.get(verdict, ""),
        flags=s.flag_count,
        package=s.package_override or s.package_name or "",
        status=s.status,
        status_label=PIPELINE.get(s.status, "Draft"),
    )


def summary_view(summary: queries.Summary) -> dict:
    peak = max([c for _, c in summary.weeks] + [1])
    chart_height = 60
    bars = []
    for i, (monday, count) in enumerate(summary.weeks):
        height = round(chart_height * count / peak)
        bars.append(
            {
                "x": i * 22 + 2,
                "y": chart_height - height + 4,
                "height": height,
                "count": count,
                "label": monday.strftime("%d %b"),
            }
        )
    return {
        "by_verdict": [(v, VERDICT_CLASS[v], n) for v, n in summary.by_verdict.items()],
        "by_status": [(PIPELINE[s], s, n) for s, n in summary.by_status.items()],
        "drafts": summary.drafts,
        "weeks": bars,
        "week_total": sum(c for _, c in summary.weeks),
        "chart_width": len(bars) * 22 + 2,
        "chart_height": chart_height + 20,
    }
