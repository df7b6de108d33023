"""What was agreed in the consultation call, and how it shapes the proposal. Pure code.

The consultant records the call's agreements (`Agreed`), pre-filled from the answers.
The proposal is built from the answers with the agreements taking precedence:
`effective_answers` puts the agreed areas, hours, start date and reviews in place of
the answers before the recommendation is computed, so the package, its hours, the
areas, the start and the review plan follow the call; `settle` then drops the gaps the
call settled (a boundary agreed is no longer a thing to settle) and keeps only the
agreed reviews; `proposal_part` is what the proposal says "as we agreed on <date>".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..dates import long_date
from ..practice import CADENCES, join_words
from ..proposal.recommendation import Recommendation
from ..questionnaire.schema import Questionnaire

MAX_TEXT = 2000  # each written agreement
MAX_HOURS = 400

# the written agreements, in the order the form and the proposal show them
TEXTS = ("roles", "reply_times", "channels", "working_hours", "other")
# what each agreement settles among the expectation gaps (questionnaire.gaps topics)
SETTLES = {
    "roles": ("authority", "scope"),
    "reply_times": ("reply_time",),
    "channels": ("channels",),
    "working_hours": ("hours", "weekends"),
    "reviews": ("cadence",),
    "monthly_hours": ("volume",),
}
# how the proposal introduces each written agreement
_TEXT_WORDS = {
    "roles": "Who does what, and who decides",
    "reply_times": "Replies",
    "channels": "How we keep in touch",
    "working_hours": "Working hours",
    "other": "Also agreed",
}


@dataclass(frozen=True)
class Agreed:
    """The call's agreements; an empty value means "as in the answers"."""

    call_date: dt.date
    areas: tuple[str, ...] = ()  # the questionnaire's area values
    monthly_hours: int | None = None
    start_date: dt.date | None = None
    reviews: tuple[str, ...] = ()  # cadences (practice.CADENCES)
    roles: str = ""  # the roles, and who decides what (authority)
    reply_times: str = ""
    channels: str = ""
    working_hours: str = ""
    other: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, call_date: dt.date) -> Agreed:
        """Read a stored record; anything malformed reads as not agreed."""
        data = data if isinstance(data, Mapping) else {}
        raw = data.get("monthly_hours")
        hours = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        return cls(
            call_date=call_date,
            areas=_strings(data.get("areas")),
            monthly_hours=hours
            if hours is not None and 0 < hours <= MAX_HOURS
            else None,
            start_date=_day(data.get("start_date")),
            reviews=tuple(c for c in CADENCES if c in _strings(data.get("reviews"))),
            **{k: _text(data.get(k)) for k in TEXTS},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "areas": list(self.areas),
            "monthly_hours": self.monthly_hours,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "reviews": list(self.reviews),
            **{k: getattr(self, k) for k in TEXTS},
        }

    def settled(self) -> frozenset[str]:
        """The gap topics this record settles."""
        return frozenset(
            topic
            for field, topics in SETTLES.items()
            if getattr(self, field)
            for topic in topics
        )


def _strings(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else ()
    return tuple(str(v) for v in items if isinstance(v, str) and v)


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def area_names(questionnaire: Questionnaire) -> dict[str, str]:
    """Every area choice of the questionnaire: value -> label."""
    q = questionnaire.by_role("service_areas")
    return {c.value: c.label for c in q.choices} if q is not None else {}


def _answer(questionnaire: Questionnaire, answers: Mapping[str, Any], role: str):
    q = questionnaire.by_role(role)
    return (q, answers.get(q.id)) if q is not None else (None, None)


def _chosen(q, value) -> tuple[str, ...]:
    values = value if isinstance(value, list | tuple) else ()
    return tuple(c.value for c in q.choices if c.value in values) if q else ()


def prefill(
    questionnaire: Questionnaire, answers: Mapping[str, Any], call_date: dt.date
) -> Agreed:
    """A first record from the answers: what the prospect asked for, to correct."""
    _q, hours = _answer(questionnaire, answers, "monthly_hours")
    _q, start = _answer(questionnaire, answers, "start_date")
    authority_q, authority = _answer(questionnaire, answers, "authority")
    may = (
        [
            c.label
            for c in authority_q.choices
            if c.value in _chosen(authority_q, authority)
        ]
        if authority_q
        else []
    )
    return Agreed(
        call_date=call_date,
        areas=_chosen(*_answer(questionnaire, answers, "service_areas")),
        monthly_hours=hours if isinstance(hours, int) and hours > 0 else None,
        start_date=_day(start),
        reviews=tuple(
            c
            for c in _chosen(*_answer(questionnaire, answers, "review_cadence"))
            if c in CADENCES
        ),
        roles=f"Without asking first, we may: {join_words(may).lower()}."
        if may
        else "",
    )


def effective_answers(
    questionnaire: Questionnaire, answers: Mapping[str, Any], agreed: Agreed | None
) -> dict[str, Any]:
    """The answers with the agreed values in place: what the proposal is built from."""
    out = dict(answers or {})
    if agreed is None:
        return out
    values: dict[str, Any] = {
        "service_areas": list(agreed.areas),
        "monthly_hours": agreed.monthly_hours,
        "start_date": agreed.start_date.isoformat() if agreed.start_date else None,
        "review_cadence": list(agreed.reviews),
    }
    for role, value in values.items():
        q = questionnaire.by_role(role)
        if q is None or value in (None, []):
            continue
        if q.is_choice:
            value = [v for v in value if q.choice(v) is not None]
            if not value:
                continue
        out[q.id] = value
    return out


def settle(recommendation: Recommendation, agreed: Agreed | None) -> Recommendation:
    """The recommendation without the gaps the call settled, with the agreed reviews
    (of those the package holds; all of them when the call agreed none of them)."""
    if agreed is None:
        return recommendation
    settled = agreed.settled()
    reviews = tuple(r for r in recommendation.reviews if r.cadence in agreed.reviews)
    return dataclasses.replace(
        recommendation,
        gaps=tuple(g for g in recommendation.gaps if g.topic not in settled),
        reviews=reviews or recommendation.reviews,
    )


def proposal_part(
    agreed: Agreed | None,
    recommendation: Recommendation,
    area_names: Mapping[str, str],
) -> dict[str, Any]:
    """What the proposal says was agreed, and on which day ({} when nothing was)."""
    if agreed is None:
        return {}
    points = []
    if agreed.monthly_hours and recommendation.package is not None:
        points.append(
            f"About {agreed.monthly_hours} hours of support a month: "
            f"{recommendation.package.name}"
        )
    if agreed.areas:
        names = [area_names.get(a, a) for a in agreed.areas]
        points.append(f"We start with {'; '.join(names)}")
    if agreed.start_date:
        points.append(f"We start on {long_date(agreed.start_date)}")
    kept = [r.name for r in recommendation.reviews if r.cadence in agreed.reviews]
    if kept:
        points.append(f"Our reviews: {join_words(kept)}")
    points += [
        f"{_TEXT_WORDS[k]}: {getattr(agreed, k)}" for k in TEXTS if getattr(agreed, k)
    ]
    if not points:
        return {}
    return {"date": long_date(agreed.call_date), "points": points}
