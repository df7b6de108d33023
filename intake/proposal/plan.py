"""What a recommendation is: the fixed interface that the proposal, the letter, the
workspace and the offer read. Made by recommendation.recommend; pure data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..practice import Package
from ..questionnaire.gaps import Gap


@dataclass(frozen=True)
class ReviewPlan:
    cadence: str  # "weekly" | "monthly" | "quarterly" | "annual"
    name: str  # "Weekly check-in"
    when: str  # "Every week, 20 minutes"
    purpose: str  # what the meeting is for, one sentence
    why: str  # why we propose it for this prospect, tied to their answers


@dataclass(frozen=True)
class Option:
    """One package offered side by side with another."""

    package: Package
    # "recommended" | "within_budget" | "closest" (nearest to the budget) |
    # "room_to_grow" (the next step up, offered beside the recommended one)
    kind: str
    covers: tuple[str, ...]  # what it includes, in words (only areas they asked for)
    leaves_out: tuple[str, ...]  # what the other option has that this one lacks
    areas: tuple[str, ...] = ()  # the areas they asked for that it includes, labels


@dataclass(frozen=True)
class AreaCover:
    """One area the prospect asked for, and how the proposal covers it."""

    label: str  # the area as they ticked it
    how: str  # "package" | "add_on" | "later" | "not_offered"
    words: str  # how it is covered, in a sentence for the prospect


@dataclass(frozen=True)
class ProjectFrame:
    """A client with one project and a finish date: the proposal is framed around it."""

    end: dt.date | None  # the end they named (the last day of its month), if any
    end_words: str  # "the end of March 2027", or "when the project is done"
    details: str  # what they said about the project, verbatim ("" if nothing)


@dataclass(frozen=True)
class VerdictReason:
    """What decided a not-a-fit verdict, for the letter and the thank-you page: in
    the prospect's terms, never a score or a flag."""

    # "project" | "occasional" | "tasks" | "stance" | "expectations" | "fit"
    kind: str
    stance: str = ""  # "instructions" | "hands_off" (the choice's `means`) when the stance decided
    differences: tuple[str, ...] = ()  # the expectations that differ, kindly
    talk: bool = False  # a conversation could change things


@dataclass(frozen=True)
class Recommendation:
    is_fit: bool
    package: Package | None  # None when not a fit
    is_override: bool  # the consultant chose the package by hand
    not_fit_reason: str  # plain sentence when not a fit, else ""
    hours_needed: int | None  # what the prospect said, when they said it
    service_areas: tuple[str, ...]  # labels of the areas they want help with
    strategic_share: int | None  # percent of tactical + strategic work
    reviews: tuple[ReviewPlan, ...]
    agreement: tuple[str, ...]  # working-agreement points from the practice's standards
    gaps: tuple[Gap, ...]  # expectation gaps to settle before starting
    rationale: tuple[str, ...]  # sentences tied to the prospect's own answers
    heard: tuple[str, ...]  # "what we heard": their needs, partly in their own words
    alternatives: tuple[str, ...]  # other kinds of service, for the referral letter
    # packages side by side when the needs exceed the budget (else empty): the one
    # within reach first, then the recommended one
    options: tuple[Option, ...] = ()
    budget_max: float | None = None  # the top of the budget they chose, when given
    budget_label: str = ""  # the budget answer, in its own label
    start_date: dt.date | None = None  # when they would like to start, if they said
    referral_kinds: tuple[str, ...] = ()  # kinds of other service that suit them
    # each area they asked for and how it is covered (fit proposals only)
    coverage: tuple[AreaCover, ...] = ()
    # for the consultant only: where the answers disagree (hours and budget)
    consultant_notes: tuple[str, ...] = ()
    # the labels of the recommended package's areas that they asked for
    included: tuple[str, ...] = ()
    # what decided a not-a-fit verdict (None for a fit)
    verdict_reason: VerdictReason | None = None
    # a project with an end: the first months are framed around it (None otherwise)
    project: ProjectFrame | None = None
    # the areas they asked for, as the questionnaire's values
    area_ids: tuple[str, ...] = ()
    # the rationale written about the prospect, for the consultant's panel ("they
    # answered"); `rationale` speaks to the prospect ("you answered")
    rationale_about: tuple[str, ...] = ()
