"""What the proposal and the referral letter say, as plain, already-formatted values.

Pure code (no Flask, no WeasyPrint): `proposal_context` turns the domain objects into
the values the templates in templates/proposal/ show, so the templates do no
arithmetic. Rendering the HTML and the PDF is the service's and `render`'s job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..practice import (
    CADENCES,
    CHANNEL_WORDS,
    Package,
    Practice,
    Standards,
    describe_days,
    format_money,
    join_words,
)
from ..questionnaire.scoring import Assessment
from .recommendation import Recommendation, ReviewPlan

DEFAULT_BRAND = "#1f5f8b"
PAPER = {"A4": "A4", "Letter": "letter"}  # practice setting -> CSS @page size keyword
MAX_CONTEXT_CHARS = 200_000  # all the text that goes into one document

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
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


def format_date(day: dt.date) -> str:
    """'25 November 2026'."""
    return f"{day.day} {day:%B %Y}"


# ---------------------------------------------------------------------- the brand


def _luminance(rgb: tuple[int, ...]) -> float:
    """Relative luminance (WCAG 2) of an sRGB colour."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _hex(rgb: Iterable[float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(c) for c in rgb))


def _tint(rgb: tuple[int, ...], weight: float) -> str:
    """The colour mixed with white paper: `weight` of the colour, the rest white."""
    return _hex(c * weight + 255 * (1 - weight) for c in rgb)


def brand_colours(colour: str) -> dict[str, str]:
    """The brand colour (validated), pale tints of it and a readable ink for it."""
    colour = colour if isinstance(colour, str) and _HEX.match(colour) else DEFAULT_BRAND
    colour = colour.lower()
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    # white text needs a contrast of at least 4.5:1 against the colour
    white_reads = 1.05 / (_luminance(rgb) + 0.05) >= 4.5
    return {
        "brand": colour,
        "brand_ink": "#ffffff" if white_reads else "#1b1b1b",
        # text in the brand colour on white paper: darken light colours until readable
        "brand_text": colour if white_reads else _hex(c * 0.55 for c in rgb),
        "brand_tint": _tint(rgb, 0.08),
        "brand_soft": _tint(rgb, 0.22),
    }


# ------------------------------------------------------------------- the sections


def _chart(assessment: Assessment) -> dict[str, Any]:
    """Three horizontal bars, geometry precomputed for the inline SVG."""
    label_w, track_w, number_w, bar_h, gap = 110, 330, 50, 18, 14
    rows = []
    for i, (key, label, meaning) in enumerate(DIMENSIONS):
        score = max(0, min(100, int(assessment.scores.get(key, 0))))
        y = i * (bar_h + gap)
        rows.append(
            {
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
    return {
        "rows": rows,
        "bar_h": bar_h,
        "width": label_w + track_w + number_w,
        "height": len(DIMENSIONS) * (bar_h + gap) - gap,
        "summary": "; ".join(f"{r['label']} {r['score']} out of 100" for r in rows),
    }


def _quotes(own_words: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The prospect's own words: (question, answer) pairs with a non-blank answer."""
    return [
        {"question": question.strip(), "text": answer.strip()}
        for question, answer in own_words
        if answer.strip()
    ]


def _month_grid(reviews: Iterable[ReviewPlan], today: dt.date) -> dict[str, Any]:
    """A 12-month grid starting next month, marking the months each review happens."""
    months = [
        dt.date(today.year + (today.month + i) // 12, (today.month + i) % 12 + 1, 1)
        for i in range(12)
    ]
    rows = []
    for review in reviews:
        when = set(_GRID_MONTHS.get(review.cadence, ()))
        rows.append(
            {
                "name": review.name,
                "cells": ["●" if i in when else "" for i in range(1, 13)],
            }
        )
    return {
        "months": [f"{m:%b}" for m in months],
        "years": [
            str(m.year) if i == 0 or m.month == 1 else "" for i, m in enumerate(months)
        ],
        "first": f"{months[0]:%B %Y}",
        "rows": rows,
        "has_weekly": any(r.cadence == "weekly" for r in reviews),
    }


def _package(package: Package | None, currency: str) -> dict[str, Any] | None:
    """The recommended package's box: name, hours, fee, what it includes."""
    if package is None:
        return None
    return {
        "name": package.name,
        "description": package.description,
        "hours": package.monthly_hours,
        "price": format_money(package.monthly_price, currency),
        "included": list(package.service_areas),
        "reviews": [CADENCES.get(c, c) for c in package.reviews],
    }


def _plan(recommendation: Recommendation, today: dt.date) -> dict[str, Any]:
    """What we heard and what we propose: the recommendation, ready to show."""
    rec = recommendation
    hours = rec.hours_needed
    return {
        "heard": list(rec.heard),
        "rationale": list(rec.rationale),
        "asked_areas": list(rec.service_areas),
        "asked_areas_words": join_words(rec.service_areas),
        "hours_needed": f"{hours} hours a month" if isinstance(hours, int) else "",
        "reviews": [
            {"name": r.name, "when": r.when, "purpose": r.purpose, "why": r.why}
            for r in rec.reviews
        ],
        "grid": _month_grid(rec.reviews, today),
        "agreement": list(rec.agreement),
        # the prospect's side of each gap; the talking point is for the consultant
        "gaps": [
            {"expects": g.expects, "standard": g.standard, "to_agree": g.to_agree}
            for g in rec.gaps
        ],
        "alternatives": list(rec.alternatives),
    }


def _standards(std: Standards) -> dict[str, Any]:
    """The practice's working standards, in words."""
    return {
        "not_included": list(std.out_of_scope),
        "office_hours": (
            f"{describe_days(std.office_days)}, {std.office_start}–{std.office_end}"
        ),
        "reply_time": std.reply_words,
        "channels": join_words([CHANNEL_WORDS.get(c, c) for c in std.channels]),
    }


def _letterhead(practice: Practice, today: dt.date) -> dict[str, Any]:
    """Who sends the document, when, how long it holds, and how it looks."""
    paper = practice.paper_size if practice.paper_size in PAPER else "A4"
    valid_days = max(0, int(practice.proposal_valid_days))
    return {
        "lang": "en",
        "paper_size": PAPER[paper],
        **brand_colours(practice.brand_colour),
        "practice_name": practice.name,
        "practice_email": practice.email,
        "practice_phone": practice.phone,
        "practice_website": practice.website,
        "booking_url": practice.booking_url,
        "date": format_date(today),
        "valid_until": format_date(today + dt.timedelta(days=valid_days)),
    }


def _addressee(name: str, business: str) -> dict[str, str]:
    """Who the document is for, and how we greet them."""
    name = (name or "").strip()
    return {
        "prospect_name": name,
        "greeting_name": name.split()[0] if name else "there",
        "business": (business or "").strip(),
    }


def _title(recommendation: Recommendation, who: Mapping[str, str], sender: str) -> str:
    name, business = who["prospect_name"], who["business"]
    if recommendation.is_fit:
        return f"Proposal for {business or name} from {sender}"
    return f"A letter for {name or business} from {sender}"


def proposal_context(
    *,
    practice: Practice,
    submission_name: str,
    business: str,
    own_words: Iterable[tuple[str, str]],
    recommendation: Recommendation,
    assessment: Assessment,
    today: dt.date,
) -> dict[str, Any]:
    """Everything the proposal and letter templates show, as plain formatted values.

    Raises ProposalTooLarge when the text is too long to lay out quickly.
    """
    who = _addressee(submission_name, business)
    context: dict[str, Any] = {
        **_letterhead(practice, today),
        **who,
        "title": _title(recommendation, who, practice.name),
        "quotes": _quotes(own_words),
        "chart": _chart(assessment),
        "package": _package(recommendation.package, practice.currency),
        **_plan(recommendation, today),
        **_standards(practice.standards),
    }
    check_size(context)
    return context


# ------------------------------------------------------------------ bounded work


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
