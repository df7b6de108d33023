"""What the proposal and the referral letter say, as plain, already-formatted values.

Pure code (no Flask, no WeasyPrint): `proposal_context` turns the domain objects into
the values the templates in templates/proposal/ show, so the templates do no
arithmetic. Rendering the HTML and the PDF is the service's and `render`'s job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..dates import MONTHS, long_date, weekday_date
from ..practice import (
    CADENCES,
    CHANNEL_WORDS,
    DEFAULT_BRAND,
    Package,
    Practice,
    Standards,
    describe_days,
    format_money,
    is_brand_hex,
    join_words,
)
from ..questionnaire.scoring import Assessment
from .recommendation import OFFERS, Option, Recommendation, ReviewPlan
from .schedule import AGENDAS, DAY_WORDS, Review, review_schedule, schedule_start

PAPER = {"A4": "A4", "Letter": "letter"}  # practice setting -> CSS @page size keyword
MAX_CONTEXT_CHARS = 200_000  # all the text that goes into one document

# review months in a 12-month grid: which of months 1..12 hold each cadence's meeting
_GRID_MONTHS = {
    "weekly": range(1, 13),
    "monthly": range(1, 13),
    "quarterly": (3, 6, 9, 12),
    "annual": (12,),
}


# sections the consultant may leave out of a proposal: key -> heading
SECTIONS = {
    "quotes": "In your own words",
    "rhythm": "How we will work together",
    "agreement": "Our working agreement",
    "settle": "Things to settle before we start",
}
MAX_COVER_NOTE = 2000


@dataclass(frozen=True)
class Edits:
    """What the consultant changed before sending: a note, sections left out, and
    which options to offer (see recommendation.OFFERS)."""

    cover_note: str = ""
    leave_out: frozenset[str] = frozenset()
    offer: str = "both"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Edits:
        data = data if isinstance(data, Mapping) else {}
        note = data.get("cover_note")
        leave = data.get("leave_out")
        offer = data.get("offer")
        return cls(
            cover_note=note.strip()[:MAX_COVER_NOTE] if isinstance(note, str) else "",
            leave_out=frozenset(
                k for k in (leave if isinstance(leave, list) else ()) if k in SECTIONS
            ),
            offer=offer if offer in OFFERS else "both",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "cover_note": self.cover_note,
            "leave_out": sorted(self.leave_out),
            "offer": self.offer,
        }


class ProposalTooLarge(ValueError):
    """The text given for a proposal is larger than a document is allowed to be."""


# ---------------------------------------------------------------------- the brand


def _luminance(rgb: tuple[int, ...]) -> float:
    """Relative luminance (WCAG 2) of an sRGB colour."""

    def channel(c: int) -> float:
        x = c / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _hex(rgb: Iterable[float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(c) for c in rgb))


def _tint(rgb: tuple[int, ...], weight: float) -> str:
    """The colour mixed with white paper: `weight` of the colour, the rest white."""
    return _hex(c * weight + 255 * (1 - weight) for c in rgb)


def brand_colours(colour: str) -> dict[str, str]:
    """The brand colour (validated), pale tints of it and a readable ink for it."""
    colour = colour.lower() if is_brand_hex(colour) else DEFAULT_BRAND
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


def _quotes(own_words: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The prospect's own words: (question, answer) pairs with a non-blank answer."""
    return [
        {"question": question.strip(), "text": answer.strip()}
        for question, answer in own_words
        if answer.strip()
    ]


def first_month(start: dt.date | None, today: dt.date) -> dt.date:
    """The first month of the partnership: the month the reviews start."""
    return schedule_start(start, today).replace(day=1)


def _month_grid(
    reviews: Iterable[ReviewPlan],
    schedule: list[Review],
    first: dt.date,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """A 12-month grid from the first month (up to a project's end month), marking
    the months each review happens (read from the schedule, the one source)."""
    count = 12
    if until is not None:
        count = min(12, (until.year - first.year) * 12 + until.month - first.month + 1)
    months = [
        dt.date(
            first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1
        )
        for i in range(count)
    ]
    rows = []
    for review in reviews:
        when = {
            (r.date.year, r.date.month) for r in schedule if r.kind == review.cadence
        }
        rows.append(
            {
                "name": review.name,
                "cells": ["●" if (m.year, m.month) in when else "" for m in months],
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


def _schedule(schedule: list[Review], practice: Practice) -> list[dict[str, str]]:
    """Every review of the first year, as the calendar file has it (the content
    model the PDF renders from; tests compare the two event by event)."""
    return [
        {
            "kind": r.kind,
            "name": r.name,
            "date": r.date.isoformat(),
            "start": r.start.strftime("%H:%M"),
            "end": r.end.strftime("%H:%M"),
            "time_zone": str(r.start.tzinfo),
        }
        for r in schedule
    ]


def _zone_words(moment: dt.datetime) -> str:
    """'New York time' for America/New_York; 'UTC' for UTC."""
    name = str(moment.tzinfo).rsplit("/", 1)[-1].replace("_", " ")
    return name if name == "UTC" else f"{name} time"


def _review_dates(kind: str, schedule: list[Review]) -> str:
    """When a review falls, in words: 'The last working day of each month,
    09:30–10:30 (New York time); the first on Friday 29 January 2027.'"""
    mine = [r for r in schedule if r.kind == kind]
    if not mine:
        return ""
    first = mine[0]
    return (
        f"{DAY_WORDS[kind][0].upper()}{DAY_WORDS[kind][1:]}, "
        f"{first.start:%H:%M}–{first.end:%H:%M} ({_zone_words(first.start)}); the "
        f"first on {weekday_date(first.date)}."
    )


def _package(
    package: Package | None,
    currency: str,
    included: Iterable[str] = (),
    asked: Iterable[str] | None = None,
) -> dict[str, Any] | None:
    """The recommended package's box: name, hours, fee, the areas it includes (those
    they asked for, in their labels)."""
    if package is None:
        return None
    return {
        "name": package.name,
        "description": package.description,
        "hours": package.monthly_hours,
        "price": format_money(package.monthly_price, currency),
        "included": list(included),
        "reviews": [CADENCES.get(c, c) for c in package.reviews],
        # add-ons for an area they did not ask about are not offered to them
        "add_ons": [
            {"name": a.name, "price": format_money(a.monthly_price, currency)}
            for a in package.add_ons
            if asked is None or not a.area or a.area in set(asked)
        ],
    }


OPTION_KINDS = {
    "recommended": "Recommended for what you described",
    "within_budget": "Within your budget",
    "closest": "Closest to your budget",
    "room_to_grow": "Room to grow",
}


def _options(
    options: Iterable[Option], currency: str, asked: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Packages side by side: what each is, covers and leaves out."""
    return [
        {
            **(_package(o.package, currency, o.areas, asked) or {}),
            "kind": OPTION_KINDS.get(o.kind, ""),
            "recommended": o.kind == "recommended",
            "covers": list(o.covers),
            "leaves_out": list(o.leaves_out),
        }
        for o in options
    ]


# the budget and hours are answered in the recommendation itself, not as gaps
_GAPS_SHOWN_ELSEWHERE = {"budget", "volume"}


def _plan(
    recommendation: Recommendation, practice: Practice, today: dt.date
) -> dict[str, Any]:
    """What we heard and what we propose: the recommendation, ready to show."""
    rec = recommendation
    start = schedule_start(rec.start_date, today)
    until = rec.project.end if rec.project is not None else None
    until = until if until is None or until >= start else None
    schedule = review_schedule([r.cadence for r in rec.reviews], start, practice, until)
    # a project client is promised only the reviews that fall before its end
    held = {r.kind for r in schedule}
    reviews = [r for r in rec.reviews if r.cadence in held or rec.project is None]
    return {
        "heard": list(rec.heard),
        "rationale": list(rec.rationale),
        "reviews": [
            {
                "name": r.name,
                "when": r.when,
                "purpose": r.purpose,
                "why": r.why,
                "dates": _review_dates(r.cadence, schedule),
                "agenda": list(AGENDAS.get(r.cadence, ())),
            }
            for r in reviews
        ],
        "grid": _month_grid(reviews, schedule, start.replace(day=1), until),
        "project_end": rec.project.end_words if rec.project is not None else "",
        "schedule_until": until.isoformat() if until else "",
        "schedule": _schedule(schedule, practice),
        "schedule_start": start.isoformat(),
        "agreement": list(rec.agreement),
        # the prospect's side of each gap; the talking point is for the consultant
        "gaps": [
            {"said": g.said, "to_agree": g.to_agree}
            for g in rec.gaps
            if g.topic not in _GAPS_SHOWN_ELSEWHERE
        ],
        "alternatives": list(rec.alternatives),
        "referral_kinds": list(rec.referral_kinds),
        # what decided a not-a-fit verdict, in the prospect's terms (no scores)
        "verdict_reason": dataclasses.asdict(rec.verdict_reason)
        if rec.verdict_reason
        else {},
        # each area they asked for and how it is covered
        "coverage": [
            {"label": c.label, "how": c.how, "words": c.words} for c in rec.coverage
        ],
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


def _about(practice: Practice) -> dict[str, Any]:
    """The optional "Who we are": empty (and not shown) unless filled in."""
    years = max(0, int(practice.years or 0))
    return {
        "about": (practice.about or "").strip(),
        "years": f"{years} year{'s' if years != 1 else ''} of experience"
        if years
        else "",
        "testimonials": [
            {"quote": t.quote.strip(), "who": t.who.strip()}
            for t in practice.testimonials[:3]
            if t.quote.strip()
        ],
    }


def _signer(practice: Practice) -> dict[str, str]:
    """Who signs: the consultant by name and role, or the practice when unnamed."""
    name = (practice.consultant_name or "").strip()
    return {
        "signer_name": name or practice.name,
        "signer_role": (practice.consultant_role or "").strip() if name else "",
        "logo": practice.logo if _is_base64_png(practice.logo) else "",
    }


def _is_base64_png(text: str) -> bool:
    return isinstance(text, str) and text.startswith("iVBORw0KGgo")


def _terms(practice: Practice, start: dt.date) -> dict[str, Any]:
    """The terms the client accepts: start, notice, extra hours and payment."""
    notice = max(0, int(practice.notice_days or 0))
    extra = practice.extra_hours_price
    return {
        "start_month": f"{MONTHS[start.month - 1]} {start.year}",
        "notice": "1 day’s written notice"
        if notice == 1
        else f"{notice} days’ written notice",
        "extra_rate": format_money(extra, practice.currency) if extra else "",
        "payment_terms": _plain_sentence(practice.payment_terms),
    }


def _plain_sentence(text: str) -> str:
    text = " ".join((text or "").split())
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def _letterhead(practice: Practice, today: dt.date) -> dict[str, Any]:
    """Who sends the document, when, how long it holds, and how it looks."""
    paper = practice.paper
    valid_days = max(0, int(practice.proposal_valid_days))
    return {
        "lang": "en",
        "paper_size": PAPER[paper],
        **_signer(practice),
        **brand_colours(practice.brand),
        "practice_name": practice.name,
        "practice_email": practice.email,
        "practice_phone": practice.phone,
        "practice_website": practice.website,
        "booking_url": practice.booking_url,
        "date": long_date(today),
        "valid_until": long_date(today + dt.timedelta(days=valid_days)),
    }


def _addressee(name: str, business: str) -> dict[str, str]:
    """Who the document is for, and how we greet them."""
    name = (name or "").strip()
    return {
        "prospect_name": name,
        "greeting_name": name.split()[0] if name else "there",
        "business": (business or "").strip(),
        # the name ending a sentence: "Acme Ltd." takes no second full stop
        "business_in_sentence": (business or "").strip().rstrip("."),
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
    edits: Edits | None = None,
) -> dict[str, Any]:
    """Everything the proposal and letter templates show, as plain formatted values.

    Raises ProposalTooLarge when the text is too long to lay out quickly.
    """
    who = _addressee(submission_name, business)
    edits = edits or Edits()
    context: dict[str, Any] = {
        "cover_note": edits.cover_note,
        "leave_out": sorted(edits.leave_out),
        **_letterhead(practice, today),
        **who,
        "title": _title(recommendation, who, practice.name),
        "quotes": _quotes(own_words),
        "package": _package(
            recommendation.package,
            practice.currency,
            recommendation.included,
            recommendation.area_ids if recommendation.area_ids else None,
        ),
        "options": _options(
            recommendation.options,
            practice.currency,
            recommendation.area_ids if recommendation.area_ids else None,
        ),
        **_plan(recommendation, practice, today),
        **_standards(practice.standards),
        **_about(practice),
        **_terms(practice, first_month(recommendation.start_date, today)),
    }
    if recommendation.project is not None and context["package"]:
        # a project client: the package's reviews that fall within the project
        context["package"]["reviews"] = [r["name"] for r in context["reviews"]]
    context["kicker"] = (
        "A proposal for your project"
        if recommendation.project is not None
        else "A proposal for ongoing support"
    )
    context["referrals"] = [
        {"name": r.name, "url": r.url}
        for r in practice.referrals
        if r.name.strip() and (not r.kind or r.kind in recommendation.referral_kinds)
    ]
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
