"""Values ready for the workspace templates: templates do no arithmetic on scores."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from urllib.parse import urlencode

from flask import get_template_attribute, request, url_for
from markupsafe import Markup

from .. import submissions
from ..cache import Cache
from ..models import PIPELINE, Submission
from ..practice import (
    CADENCES,
    MAX_TESTIMONIALS,
    AddOn,
    Package,
    Practice,
    Referral,
    Testimonial,
    area_values,
)
from ..proposal import service as proposal_service
from ..questionnaire.cues import find_cues
from ..questionnaire.gaps import find_gaps
from ..questionnaire.schema import DIMENSIONS
from ..questionnaire.scoring import OVERALL, Assessment
from ..templating import age, datetime_attr
from . import queries
from .forms import (
    ListFilterForm,
    OverrideForm,
    ProposalEditsForm,
    SettingsForm,
    _area_choices,
    _choices,
    split_add_on,
)

VERDICT_CLASS = {
    "strong fit": "strong",
    "possible fit": "possible",
    "not a fit": "notfit",
}
CSV_HEADER = [
    "id",
    "submitted",
    "name",
    "business",
    "email",
    "overall",
    "fit",
    "chemistry",
    "boundaries",
    "verdict",
    "red flags",
    "package",
    "status",
    "questionnaire version",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_cells(s) -> list[str]:
    """One CSV line's cells from a row of queries.EXPORT_COLUMNS (or a Submission)."""
    return [
        neutralise(v)
        for v in (
            s.id,
            s.submitted_at.strftime("%Y-%m-%d %H:%M") if s.submitted_at else "",
            s.name,
            s.business,
            s.email,
            s.overall,
            s.fit,
            s.chemistry,
            s.boundaries,
            s.verdict,
            s.flag_count,
            s.package_override or s.package_name or "",
            Submission.label_of_status(s.status),
            s.questionnaire_version,
        )
    ]


def filters_from(form: ListFilterForm) -> queries.ListFilters:
    """The filters of the query string; a value that fails its check is ignored."""
    form.validate()
    bad = set(form.errors)

    def value(name, default):
        return default if name in bad else (getattr(form, name).data or default)

    return queries.ListFilters(
        q=value("q", ""),
        verdict=value("verdict", ""),
        status=value("status", ""),
        date_from=value("date_from", None),
        date_to=value("date_to", None),
        sort=value("sort", "submitted"),
        direction=value("direction", "desc"),
        page=value("page", 1),
        attention=bool(value("attention", False)),
    )


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


def score_bars(scores: dict[str, int | None]) -> list[dict]:
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
    submitted: str
    submitted_iso: str
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
    parts = []
    for s in rows:
        knockout = tuple(knockouts.get(s.id, ()))
        # the last column (the assessment, for the knock-outs) is in `knockout`
        key = (head, tail, *tuple(s)[:-1], knockout, age(s.submitted_at, now))
        parts.append(
            row_markup.get(
                key, lambda s=s, k=knockout: _row_html(s, k, head, tail, now)
            )
        )
    return Markup("\n".join(parts))


def list_url() -> str:
    """The list being shown, with its query string ('' for the list unfiltered)."""
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else ""


def _row_html(s, knockout: tuple, head: str, tail: str, now: dt.datetime) -> Markup:
    row = get_template_attribute("workspace/_row.html", "row")
    return row(_list_row(s, head, tail, now), knockout)


def _detail_url_parts() -> tuple[str, str]:
    marker = 999_999_999
    head, _, tail = url_for(
        "workspace.submission_detail", submission_id=marker
    ).partition(str(marker))
    return head, tail


def _list_row(s, head: str, tail: str, now: dt.datetime) -> ListRow:
    """`s`: a row of queries.LIST_COLUMNS (or a Submission)."""
    scores = {"fit": s.fit, "chemistry": s.chemistry, "boundaries": s.boundaries}
    verdict = s.verdict or ""
    return ListRow(
        id=s.id,
        url=f"{head}{s.id}{tail}",
        name=Submission.name_to_show(s.name, s.business, s.id),
        business=s.business or "",
        email=s.email or "",
        submitted=s.submitted_at.strftime("%d %b %Y") if s.submitted_at else "",
        submitted_iso=datetime_attr(s.submitted_at),
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


def detail_view(s: Submission, practice: Practice) -> dict:
    """Everything the submission page shows, in the questionnaire version it was answered under."""
    questionnaire = submissions.questionnaire_of(s)
    answers = s.answers or {}
    steps = [
        (section.step, section.rows)
        for section in submissions.answers_by_step(questionnaire, answers)
    ]
    assessment = Assessment.from_dict(s.assessment) if s.assessment else None
    reasons = defaultdict(list)
    if assessment:
        for r in sorted(assessment.reasons, key=lambda r: -abs(r.points)):
            reasons[r.dimension].append(r)
    scores = dict(assessment.scores) if assessment else {}
    recommendation = (
        proposal_service.recommendation_for(s, practice) if assessment else None
    )
    return {
        "recommendation": recommendation,
        "submission": s,
        "questionnaire": questionnaire,
        "steps": steps,
        "assessment": assessment,
        "bars": score_bars(scores),
        "reasons": [(d, scores.get(d), reasons[d]) for d in DIMENSIONS],
        # red-flag costs and caps: what took the overall below the weighted mean
        "overall_reasons": reasons.get(OVERALL, []),
        # the gaps the recommendation found (of the package proposed): found once
        "gaps": recommendation.gaps
        if recommendation
        else find_gaps(questionnaire, answers, practice),
        "cues": find_cues(questionnaire, answers),  # for the consultant only
        "notes": queries.notes_for_submission(s.id),
        "history": queries.history_for_submission(s.id),
        "others": queries.others_with_email(s),
        "verdict_class": VERDICT_CLASS.get(s.verdict or "", ""),
    }


def package_choices(practice: Practice):
    return _choices(
        [("", "The recommended package")]
        + [(p.name, p.name) for p in practice.packages]
    )


def edits_form(submission: Submission) -> ProposalEditsForm:
    edits = proposal_service.edits_of(submission)
    return ProposalEditsForm(
        data={
            "cover_note": edits.cover_note,
            "leave_out": sorted(edits.leave_out),
            "offer": edits.offer,
        }
    )


def override_form(submission: Submission, practice: Practice) -> OverrideForm:
    form = OverrideForm(package=submission.package_override or "")
    form.package.choices = package_choices(practice)
    return form


def settings_form(practice: Practice) -> SettingsForm:
    std = practice.standards
    listed = {choice.value for choice in _area_choices()}
    data = {
        "name": practice.name,
        "email": practice.email,
        "phone": practice.phone,
        "website": practice.website,
        "booking_url": practice.booking_url,
        "brand_colour": practice.brand_colour,
        "currency": practice.currency,
        "country": practice.country,
        "paper_size": practice.paper_size,
        "proposal_valid_days": practice.proposal_valid_days,
        "new_submission_mail": practice.new_submission_mail,
        "tailored_thanks": practice.tailored_thanks,
        "office_days": list(std.office_days),
        "office_start": std.office_start,
        "office_end": std.office_end,
        "reply_hours": std.reply_hours,
        "channels": list(std.channels),
        "weekends": std.weekends,
        "time_zone": std.time_zone,
        "cadences": list(std.cadences),
        "out_of_scope": "\n".join(std.out_of_scope),
        "packages": [
            {
                "name": p.name,
                "monthly_hours": p.monthly_hours,
                "monthly_price": p.monthly_price,
                "max_areas": p.max_areas,
                "service_areas": [a for a in p.service_areas if a in listed],
                "other_areas": "\n".join(a for a in p.service_areas if a not in listed),
                "reviews": list(p.reviews),
                "description": p.description,
                "add_ons": "\n".join(
                    f"{a.name} | {a.monthly_price:g}"
                    + (f" | {a.area}" if a.area else "")
                    for a in p.add_ons
                ),
            }
            for p in practice.packages
        ],
        "consultant_name": practice.consultant_name,
        "consultant_role": practice.consultant_role,
        "notice_days": practice.notice_days,
        "extra_hour_rate": int(practice.extra_hour_rate or 0),
        "payment_terms": practice.payment_terms,
        "referrals": "\n".join(
            " | ".join(x for x in (r.name, r.url, r.kind) if x)
            for r in practice.referrals
        ),
        "about": practice.about,
        "years": practice.years,
        "testimonials": "\n".join(
            " | ".join(x for x in (t.quote, t.who) if x) for t in practice.testimonials
        ),
    }
    return SettingsForm(data=data)


def _lines(text: str | None, limit: int = 20) -> tuple[str, ...]:
    return tuple(
        line.strip()[:200] for line in (text or "").splitlines() if line.strip()
    )[:limit]


def _add_ons(text: str | None) -> tuple[AddOn, ...]:
    """'Name | 150' lines (checked by the form) as add-ons."""
    out = []
    for line in _lines(text):
        head, area = split_add_on(line)
        name, _, price = head.rpartition("|")
        out.append(AddOn(name.strip()[:120], float(price), area))
    return tuple(out)


REFERRAL_KINDS = ("occasional", "project")


def _referrals(text: str | None) -> tuple[Referral, ...]:
    """'Name | link | kind' lines as referrals; a link must be http(s)."""
    out = []
    for line in _lines(text):
        name, url, kind = ([p.strip() for p in line.split("|")] + ["", ""])[:3]
        url = url if re.match(r"^https?://\S+$", url) else ""
        out.append(
            Referral(name, url, kind.lower() if kind.lower() in REFERRAL_KINDS else "")
        )
    return tuple(out)


def practice_from(form: SettingsForm, old: Practice) -> Practice:
    packages = tuple(
        Package(
            name=entry.form.name.data,
            monthly_hours=entry.form.monthly_hours.data,
            monthly_price=entry.form.monthly_price.data,
            service_areas=area_values(
                (
                    *(entry.form.service_areas.data or ()),
                    *_lines(entry.form.other_areas.data),
                )
            ),
            reviews=tuple(c for c in CADENCES if c in (entry.form.reviews.data or [])),
            description=entry.form.description.data or "",
            max_areas=entry.form.max_areas.data or 0,
            add_ons=_add_ons(entry.form.add_ons.data),
        )
        for entry in form.packages
        if not entry.form.is_blank()
    )
    standards = dataclasses.replace(
        old.standards,
        office_days=tuple(form.office_days.data),
        office_start=form.office_start.data,
        office_end=form.office_end.data,
        reply_hours=form.reply_hours.data,
        channels=tuple(form.channels.data),
        weekends=bool(form.weekends.data),
        time_zone=form.time_zone.data or "",
        cadences=tuple(c for c in CADENCES if c in (form.cadences.data or [])),
        out_of_scope=_lines(form.out_of_scope.data),
    )
    return dataclasses.replace(
        old,
        name=form.name.data,
        email=form.email.data,
        phone=form.phone.data or "",
        website=form.website.data or "",
        booking_url=form.booking_url.data or "",
        brand_colour=form.brand_colour.data.lower(),
        currency=form.currency.data,
        country=(form.country.data or "").upper(),
        paper_size=form.paper_size.data,
        proposal_valid_days=form.proposal_valid_days.data,
        new_submission_mail=form.new_submission_mail.data,
        tailored_thanks=bool(form.tailored_thanks.data),
        standards=standards,
        packages=packages,
        consultant_name=form.consultant_name.data or "",
        consultant_role=form.consultant_role.data or "",
        notice_days=form.notice_days.data,
        extra_hour_rate=form.extra_hour_rate.data or 0,
        payment_terms=form.payment_terms.data or "",
        referrals=_referrals(form.referrals.data),
        about=form.about.data or "",
        years=form.years.data or 0,
        testimonials=_testimonials(form.testimonials.data),
    )


def _testimonials(text: str | None) -> tuple[Testimonial, ...]:
    """'words | who' lines (at most three) as testimonials."""
    return tuple(
        Testimonial(*(p.strip()[:300] for p in (line.rsplit("|", 1) + [""])[:2]))
        for line in _lines(text)[:MAX_TESTIMONIALS]
    )
