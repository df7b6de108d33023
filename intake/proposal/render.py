"""The proposal and referral-letter documents: template context, HTML and PDF.

`proposal_context` turns the domain objects into plain, already-formatted values (the
templates do no arithmetic), `render_html` fills the Jinja templates (autoescaped), and
`render_pdf` lays the HTML out with WeasyPrint behind an allow-list URL fetcher:
only `data:` URIs and files strictly inside the app's own static folder can be loaded;
every other URL (file://, http(s)://, ftp://, anything else) is refused and nothing is
ever fetched over the network, so redirects cannot happen either.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import render_template

from ..practice import CADENCES, CHANNEL_WORDS, Practice, describe_days, join_words
from ..questionnaire.scoring import Assessment
from .recommendation import Recommendation

STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
STYLESHEET = (
    Path(__file__).resolve().parent.parent.parent
    / "templates"
    / "proposal"
    / "proposal.css"
)
STATIC_SCHEME = "intake-static:"
DEFAULT_BRAND = "#1f5f8b"
PAPER = {"A4": "A4", "Letter": "letter"}  # practice setting -> CSS @page size keyword

MAX_CONTEXT_CHARS = 200_000  # all the text that goes into one document
MAX_HTML_CHARS = 1_000_000  # the rendered HTML, markup included

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_CURRENCY = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
}
DIMENSIONS = (
    ("fit", "Fit", "An ongoing partnership rather than one-off tasks"),
    ("chemistry", "Chemistry", "How we would work together day to day"),
    ("boundaries", "Boundaries", "Shared expectations about hours, replies and scope"),
)
# review months in a 12-month grid: which of months 1..12 hold each cadence's meeting
_GRID_MONTHS = {
    "weekly": range(1, 13),
    "monthly": range(1, 13),
    "quarterly": (3, 6, 9, 12),
    "annual": (12,),
}


class ProposalTooLarge(ValueError):
    """The text given for a proposal is larger than a document is allowed to be."""


# --------------------------------------------------------------------------- context


def format_date(day: dt.date) -> str:
    """'25 November 2026'."""
    return f"{day.day} {day:%B %Y}"


def format_money(amount: float | int, currency: str) -> str:
    """'$1,250', '€650', '1,250 CHF'; whole units unless there are cents."""
    cents = round(float(amount) * 100) % 100
    text = f"{amount:,.2f}" if cents else f"{round(float(amount)):,d}"
    symbol = _CURRENCY.get((currency or "").upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency}".strip()


def brand_colours(colour: str) -> dict[str, str]:
    """The brand colour (validated), pale tints of it and a readable ink for it."""
    colour = colour if isinstance(colour, str) and _HEX.match(colour) else DEFAULT_BRAND
    colour = colour.lower()
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    # white text needs a contrast of at least 4.5:1 against the colour
    ink = "#ffffff" if (1.05 / (luminance + 0.05)) >= 4.5 else "#1b1b1b"
    # text in the brand colour on white paper: darken light colours until readable
    text = colour
    if (1.05 / (luminance + 0.05)) < 4.5:
        text = "#{:02x}{:02x}{:02x}".format(*(round(c * 0.55) for c in (r, g, b)))

    def mix(weight: float) -> str:
        return "#{:02x}{:02x}{:02x}".format(
            *(round(c * weight + 255 * (1 - weight)) for c in (r, g, b))
        )

    return {
        "brand": colour,
        "brand_ink": ink,
        "brand_text": text,
        "brand_tint": mix(0.08),
        "brand_soft": mix(0.22),
    }


def _chart(assessment: Assessment | None) -> dict[str, Any]:
    """Three horizontal bars, geometry precomputed for the inline SVG."""
    label_w, track_w, number_w, bar_h, gap = 110, 330, 50, 18, 14
    rows = []
    for i, (key, label, meaning) in enumerate(DIMENSIONS):
        score = 0
        if assessment is not None:
            score = max(0, min(100, int(assessment.scores.get(key, 0))))
        y = i * (bar_h + gap)
        rows.append(
            {
                "key": key,
                "label": label,
                "meaning": meaning,
                "score": score,
                "y": y,
                "text_y": y + bar_h - 4,
                "bar_x": label_w,
                "bar_w": round(track_w * score / 100, 1),
                "track_w": track_w,
                "number_x": label_w + track_w + 10,
            }
        )
    height = len(DIMENSIONS) * (bar_h + gap) - gap
    return {
        "rows": rows,
        "bar_h": bar_h,
        "width": label_w + track_w + number_w,
        "height": height,
        "summary": "; ".join(f"{r['label']} {r['score']} out of 100" for r in rows),
        "overall": assessment.overall if assessment is not None else None,
    }


def _heard_quotes(answers_heard: Iterable[Any]) -> list[dict[str, str]]:
    """The prospect's own words: (question, answer) pairs, mappings or bare strings."""
    quotes = []
    for item in answers_heard or ():
        if isinstance(item, str):
            question, answer = "", item
        elif isinstance(item, Mapping):
            question = str(item.get("question") or item.get("label") or "")
            answer = str(item.get("answer") or item.get("text") or "")
        else:
            question, answer = (str(x) for x in item)
        answer = answer.strip()
        if answer:
            quotes.append({"question": question.strip(), "text": answer})
    return quotes


def _month_grid(reviews, today: dt.date) -> dict[str, Any]:
    """A 12-month grid starting next month, marking the months each review happens."""
    year, month = today.year, today.month
    months = []
    for _ in range(12):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        months.append(dt.date(year, month, 1))
    rows = []
    for review in reviews:
        when = set(_GRID_MONTHS.get(review.cadence, ()))
        cells = ["●" if i in when else "" for i in range(1, 13)]
        rows.append({"name": review.name, "cells": cells})
    return {
        "months": [f"{m:%b}" for m in months],
        "years": [
            str(m.year) if i == 0 or m.month == 1 else "" for i, m in enumerate(months)
        ],
        "first": f"{months[0]:%B %Y}",
        "rows": rows,
        "has_weekly": any(r.cadence == "weekly" for r in reviews),
    }


def _alternatives(assessment: Assessment | None) -> list[str]:
    """Kinds of service that may suit someone not looking for a partnership."""
    flagged = {f.question_id for f in assessment.flags} if assessment else set()
    ideas = []
    if "engagement" in flagged:
        ideas.append(
            "For a single piece of work, a project administrator or freelancer "
            "hired for the length of the project, with a clear brief and an end date."
        )
    if flagged & {"engagement", "need_regularity", "handover"}:
        ideas.append(
            "For help now and then, a pay-as-you-go virtual assistant service that "
            "books and bills by the task, so you only pay when something comes up."
        )
    if "partner_kind" in flagged:
        ideas.append(
            "If you would like someone to follow clear instructions, a task-based "
            "secretarial or typing service is built exactly for that."
        )
    ideas.append(
        "A local business-support network or small-business centre can often point you "
        "to trusted providers nearby."
    )
    return ideas


def proposal_context(
    *,
    practice: Practice,
    submission_name: str,
    business: str,
    email: str,
    answers_heard: Iterable[Any],
    recommendation: Recommendation,
    assessment: Assessment | None,
    today: dt.date,
) -> dict[str, Any]:
    """Everything the proposal and letter templates show, as plain formatted values."""
    std = practice.standards
    colours = brand_colours(practice.brand_colour)
    paper = practice.paper_size if practice.paper_size in PAPER else "A4"
    valid_until = today + dt.timedelta(days=max(0, int(practice.proposal_valid_days)))
    name = (submission_name or "").strip()
    first_name = name.split()[0] if name else ""
    business = (business or "").strip()

    package = None
    pkg = recommendation.package
    if pkg is not None:
        hourly = pkg.monthly_price / pkg.monthly_hours if pkg.monthly_hours else None
        package = {
            "name": pkg.name,
            "description": pkg.description,
            "hours": pkg.monthly_hours,
            "hours_words": f"{pkg.monthly_hours} hours a month",
            "price": format_money(pkg.monthly_price, practice.currency),
            "price_words": f"{format_money(pkg.monthly_price, practice.currency)}"
            " a month",
            "hourly": format_money(hourly, practice.currency) if hourly else "",
            "included": list(pkg.service_areas),
            "reviews": [CADENCES.get(c, c) for c in pkg.reviews],
        }

    reviews = [
        {"name": r.name, "when": r.when, "purpose": r.purpose, "why": r.why}
        for r in recommendation.reviews
    ]
    gaps = [
        {
            "topic": g.topic,
            "expects": g.expects,
            "standard": g.standard,
            "talking_point": g.talking_point,
            "to_agree": g.to_agree,
        }
        for g in recommendation.gaps
    ]
    hours_needed = recommendation.hours_needed
    context: dict[str, Any] = {
        "lang": "en",
        "paper_size": PAPER[paper],
        **colours,
        "practice_name": practice.name,
        "practice_email": practice.email,
        "practice_phone": practice.phone,
        "practice_website": practice.website,
        "booking_url": practice.booking_url,
        "prospect_name": name,
        "first_name": first_name,
        "greeting_name": first_name or "there",
        "business": business,
        "email": email or "",
        "date": format_date(today),
        "valid_until": format_date(valid_until),
        "valid_days": int(practice.proposal_valid_days),
        "title": (
            f"Proposal for {business or name} from {practice.name}"
            if recommendation.is_fit
            else f"A letter for {name or business} from {practice.name}"
        ),
        "is_fit": recommendation.is_fit,
        "not_fit_reason": recommendation.not_fit_reason,
        "heard": list(recommendation.heard),
        "quotes": _heard_quotes(answers_heard),
        "rationale": list(recommendation.rationale),
        "chart": _chart(assessment),
        "verdict": assessment.verdict if assessment is not None else "",
        "package": package,
        "asked_areas": list(recommendation.service_areas),
        "asked_areas_words": join_words(recommendation.service_areas),
        "hours_needed": (
            f"{hours_needed} hours a month" if isinstance(hours_needed, int) else ""
        ),
        "strategic_share": recommendation.strategic_share,
        "not_included": list(std.out_of_scope),
        "reviews": reviews,
        "grid": _month_grid(recommendation.reviews, today),
        "agreement": list(recommendation.agreement),
        "gaps": gaps,
        "office_hours": (
            f"{describe_days(std.office_days)}, {std.office_start}–{std.office_end}"
        ),
        "reply_time": std.reply_words,
        "channels": join_words([CHANNEL_WORDS.get(c, c) for c in std.channels]),
        "alternatives": _alternatives(assessment),
    }
    check_size(context)
    return context


def _text_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(_text_size(k) + _text_size(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return sum(_text_size(v) for v in value)
    return 0


def check_size(context: Mapping[str, Any]) -> None:
    """Fail fast, with a clear message, on a context too large to lay out quickly."""
    size = _text_size(context)
    if size > MAX_CONTEXT_CHARS:
        raise ProposalTooLarge(
            f"The proposal text is too long to render ({size:,} characters; the limit "
            f"is {MAX_CONTEXT_CHARS:,}). Shorten the answers or settings text."
        )


# ------------------------------------------------------------------------------ HTML


def render_html(context: Mapping[str, Any], *, letter: bool = False) -> str:
    """The proposal (or the referral letter) as HTML; needs a Flask app context."""
    check_size(context)
    template = "proposal/letter.html" if letter else "proposal/proposal.html"
    return render_template(template, **context)


# ------------------------------------------------------------------------------- PDF


def static_path(url: str, base_url: str | None = None) -> Path | None:
    """The file inside the static folder that an allowed static URL names, else None.

    Accepted forms: ``intake-static:<path>`` and ``<base_url>static/<path>``. The path
    is percent-decoded, then resolved (symlinks too) and must stay strictly inside
    STATIC_ROOT and be a regular file.
    """
    if url.startswith(STATIC_SCHEME):
        rest = url[len(STATIC_SCHEME) :]
    else:
        prefix = (base_url or "").rstrip("/") + "/static/" if base_url else None
        if not prefix or "://" not in prefix or not url.startswith(prefix):
            return None
        rest = url[len(prefix) :]
    rest = urlsplit(rest).path if ("?" in rest or "#" in rest) else rest
    rest = unquote(rest)
    if not rest or "\x00" in rest or "\\" in rest or rest.startswith("/"):
        return None
    if any(part in ("..", ".") for part in rest.split("/")):
        return None
    try:
        candidate = (STATIC_ROOT / rest).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if candidate == STATIC_ROOT or not candidate.is_relative_to(STATIC_ROOT):
        return None
    return candidate if candidate.is_file() else None


def _fetcher_class():
    # deferred: slow import
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Allow-list fetcher: `data:` URIs and the app's static files, nothing else.

        Refusals raise ValueError, which WeasyPrint reports as a failed fetch (the
        resource is skipped, the document still renders). No network handler is ever
        reached, so there is nothing to redirect.
        """

        def __init__(self, base_url: str | None = None):
            super().__init__(
                allowed_protocols=("data",),
                allow_redirects=False,
                fail_on_errors=False,
                timeout=2,
            )
            self.base_url = base_url

        def fetch(self, url, headers=None):
            if not isinstance(url, str):
                raise ValueError("URL refused: not a string")
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = static_path(url, self.base_url)
            if path is None:
                raise ValueError(f"URL refused by the proposal allow-list: {url[:200]}")
            mime, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url,
                path.read_bytes(),
                headers={"Content-Type": mime or "application/octet-stream"},
            )

    return StaticOnlyFetcher


_lock = threading.Lock()
_cache: dict[str, Any] = {}


def make_url_fetcher(base_url: str | None = None):
    """A new allow-list fetcher (see `static_path`)."""
    if "fetcher_class" not in _cache:
        with _lock:
            _cache.setdefault("fetcher_class", _fetcher_class())
    return _cache["fetcher_class"](base_url)


def _font_config():
    # deferred: slow import
    from weasyprint.text.fonts import FontConfiguration

    with _lock:
        if "fonts" not in _cache:
            _cache["fonts"] = FontConfiguration()
        return _cache["fonts"]


def _stylesheet():
    """The print stylesheet, parsed once (re-parsed only when the file changes)."""
    # deferred: slow import
    import weasyprint

    mtime = STYLESHEET.stat().st_mtime_ns
    cached = _cache.get("css")
    if cached is not None and cached[0] == mtime:
        return cached[1]
    fonts = _font_config()
    css = weasyprint.CSS(
        string=STYLESHEET.read_text(encoding="utf-8"),
        base_url=STATIC_SCHEME,
        url_fetcher=make_url_fetcher(),
        font_config=fonts,
    )
    with _lock:
        _cache["css"] = (mtime, css)
    return css


def render_pdf(html: str, *, base_url: str) -> bytes:
    """Lay out the HTML as a tagged PDF (PDF/UA-1) with the print stylesheet.

    `base_url` is where relative URLs resolve (e.g. ``request.url_root``); it is never
    fetched: only ``<base_url>static/...`` and ``intake-static:...`` map to files in the
    static folder, plus ``data:`` URIs.
    """
    # deferred: slow import
    import weasyprint

    if len(html) > MAX_HTML_CHARS:
        raise ProposalTooLarge(
            f"The proposal is too large to render ({len(html):,} characters of HTML; "
            f"the limit is {MAX_HTML_CHARS:,})."
        )
    fetcher = make_url_fetcher(base_url)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[_stylesheet()],
        font_config=_font_config(),
        presentational_hints=False,
        pdf_variant="pdf/ua-1",
        attachments=None,
    )
