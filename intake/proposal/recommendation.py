"""Recommend an ongoing package, a review rhythm and a working agreement. Pure code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..dates import MONTHS, long_date
from ..practice import (
    CADENCES,
    Package,
    Practice,
    format_money,
    join_words,
)
from ..questionnaire.answers import describe_answer, visible_answers
from ..questionnaire.gaps import Gap, find_gaps
from ..questionnaire.schema import Question, Questionnaire
from ..questionnaire.scoring import NOT_A_FIT, Assessment


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


# ---------------------------------------------------------------------------------
# What follows is the implementation; the dataclasses above are the fixed interface.


@dataclass(frozen=True)
class _Voice:
    """Who the rationale speaks to: the prospect (YOU) or the consultant (THEY)."""

    You: str  # noqa: N815 (the capital is the sentence's)
    you: str
    your: str
    shown_below: str  # where the other areas' cover is shown
    both_below: str  # where the two options are set out
    chosen: str  # the package chosen by hand, "{}" its name


YOU = _Voice(
    "You",
    "you",
    "your",
    "below we show how each of the others is covered",
    "We set both out side by side below",
    "As we discussed, this proposal is built around {}.",
)
THEY = _Voice(
    "They",
    "they",
    "their",
    "the proposal shows how each of the others is covered",
    "The proposal sets both out side by side",
    "You chose {} by hand; the proposal is built around it.",
)

HOURS_PER_AREA = 5  # fallback sizing when the prospect gave no hours
STRATEGIC_THRESHOLD = 60  # strategic_share (percent) from which we size up

_REVIEW_WHEN = {
    "weekly": "Every week, 20–30 minutes, at the same time each week",
    "monthly": "Once a month, about an hour",
    "quarterly": "Every quarter, about 90 minutes",
    "annual": "Once a year, half a day",
}
_REVIEW_PURPOSE = {
    "weekly": "A short check-in to line up this week's priorities and clear anything "
    "standing in the way.",
    "monthly": "A look at the deliverables and deadlines of the month ahead, so we can "
    "anticipate what you will need and agree realistic timeframes.",
    "quarterly": "A review of where the business stands and where it is heading: the "
    "strategy, a few realistic indicators, and how far we may act on your behalf.",
    "annual": "A review of the partnership itself (autonomy, delivery under pressure, "
    "judgement, anticipation) and of what you could delegate next.",
}
# why each review matters, as the end of a sentence
_REVIEW_MATTERS = {
    "weekly": "a few protected minutes each week keep us on what matters most to you "
    "and stop small questions from piling up",
    "monthly": "seeing the month's deadlines early lets us prepare before you "
    "have to ask",
    "quarterly": "knowing where the business stands gives us the context, and the "
    "authority, to act for you with confidence",
    "annual": "stepping back once a year is how we decide together what to hand over "
    "next, so the partnership keeps growing",
}
_WEAKEST_REASON = {
    "fit": "The answers point to occasional or task-by-task help rather than the "
    "ongoing monthly partnership the practice offers",
    "chemistry": "The answers describe a way of working that leaves little room for "
    "the collaborative partnership the practice offers",
    "boundaries": "The answers expect more than the practice's working standards can "
    "sustain",
}


def _answer(questionnaire: Questionnaire, answers: Mapping[str, Any], role: str):
    """(question, answer) for a role when answered, else (None, None)."""
    q = questionnaire.by_role(role)
    if q is None:
        return None, None
    value = answers.get(q.id)
    if value is None or value == "" or value == [] or value == ():
        return None, None
    return q, value


# what a choice means to the product, marked in the questionnaire file
# (`meta = { means = "project" }`, docs/questionnaire-format.md) whatever its value
MEANS = "means"


def meaning(questionnaire: Questionnaire, question_id: str, value: Any) -> str:
    """The `means` marker of the chosen choice ('' when unmarked or not a choice)."""
    q = questionnaire.question(question_id)
    choice = q.choice(value) if q is not None and q.is_choice else None
    return str(choice.meta.get(MEANS, "")) if choice is not None else ""


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _quoted(labels) -> str:
    return join_words(f"“{label}”" for label in labels)


def _date_words(iso: str) -> str:
    try:
        return long_date(dt.date.fromisoformat(iso))
    except (TypeError, ValueError):
        return str(iso)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


@dataclass(frozen=True)
class _Facts:
    """What the answers say, read once by role."""

    hours: int | None
    areas: tuple[str, ...]  # labels
    area_ids: tuple[str, ...]  # the same areas, as choice values
    area_names: Mapping[str, str]  # every area choice: value -> label
    share: int | None
    mix_label: str
    engagement_label: str
    stance_value: str
    stance_label: str
    cadences: tuple[str, ...] | None  # None when not answered
    needs: str
    start: str
    hours_words: str
    cadence_labels: Mapping[str, str]  # ticked review cadence -> its label
    refusals: tuple[str, ...]  # labels of ticked review choices that are no cadence
    budget: float | None  # the top of their budget
    budget_label: str
    start_day: dt.date | None


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


# Each reader takes (question, answer) from `_answer`: (None, None) when unanswered.


def _label(q: Question | None, value: Any) -> str:
    return describe_answer(q, value) if q is not None else ""


def _hours(q: Question | None, value: Any) -> tuple[int | None, str]:
    """The hours they said, as a number and in words."""
    hours = _whole_number(value)
    return hours, (describe_answer(q, value) if hours is not None else "")


def _areas(q: Question | None, value: Any) -> tuple[str, ...]:
    chosen = _as_list(value)
    return tuple(c.label for c in q.choices if c.value in chosen) if q else ()


def _area_ids(q: Question | None, value: Any) -> tuple[str, ...]:
    chosen = _as_list(value)
    return tuple(c.value for c in q.choices if c.value in chosen) if q else ()


def _area_names(questionnaire: Questionnaire) -> dict[str, str]:
    q = questionnaire.by_role("service_areas")
    return {c.value: c.label for c in q.choices} if q is not None else {}


def _share(q: Question | None, value: Any) -> int | None:
    choice = q.choice(value) if q is not None else None
    return _whole_number(choice.meta.get("strategic_share")) if choice else None


def _cadences(q: Question | None, value: Any) -> tuple[str, ...] | None:
    return tuple(str(v) for v in _as_list(value)) if q is not None else None


def _ticked(q: Question | None, value: Any) -> tuple[dict[str, str], tuple[str, ...]]:
    """(cadence -> label, other labels) of the review choices they ticked."""
    if q is None:
        return {}, ()
    chosen = [c for c in q.choices if c.value in _as_list(value)]
    cadences = {c.value: c.label for c in chosen if c.value in CADENCES}
    return cadences, tuple(c.label for c in chosen if c.value not in CADENCES)


def _budget(q: Question | None, value: Any) -> tuple[float | None, str]:
    """The top of the budget they chose (from the choice's meta) and its label."""
    choice = q.choice(value) if q is not None else None
    most = choice.meta.get("monthly_max") if choice is not None else None
    if isinstance(most, bool) or not isinstance(most, int | float):
        most = None
    return most, (choice.label if choice is not None else "")


def _start_day(q: Question | None, value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if q is not None else None
    except ValueError:
        return None


def _needs(q: Question | None, value: Any) -> str:
    return str(value) if q is not None and str(value).strip() else ""  # verbatim


def _start(q: Question | None, value: Any) -> str:
    return _date_words(value) if q is not None else ""


def _facts(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> _Facts:
    def read(role: str):
        return _answer(questionnaire, answers, role)

    hours, hours_words = _hours(*read("monthly_hours"))
    work_mix = read("work_mix")
    stance_q, stance = read("stance")
    cadence_labels, refusals = _ticked(*read("review_cadence"))
    budget, budget_label = _budget(*read("budget"))
    return _Facts(
        cadence_labels=cadence_labels,
        refusals=refusals,
        budget=budget,
        budget_label=budget_label,
        start_day=_start_day(*read("start_date")),
        hours=hours,
        areas=_areas(*read("service_areas")),
        area_ids=_area_ids(*read("service_areas")),
        area_names=_area_names(questionnaire),
        share=_share(*work_mix),
        mix_label=_label(*work_mix),
        engagement_label=_label(*read("engagement")),
        stance_value=meaning(questionnaire, stance_q.id, stance) if stance_q else "",
        stance_label=_label(stance_q, stance),
        cadences=_cadences(*read("review_cadence")),
        needs=_needs(*read("needs_summary")),
        start=_start(*read("start_date")),
        hours_words=hours_words,
    )


@dataclass(frozen=True)
class _Levers:
    """The facts that size the package, and nothing else (see recommended_package)."""

    hours: int | None
    areas: tuple[str, ...]
    share: int | None


def _levers(questionnaire: Questionnaire, shown: Mapping[str, Any]) -> _Levers:
    def read(role: str):
        return _answer(questionnaire, shown, role)

    return _Levers(
        hours=_whole_number(read("monthly_hours")[1]),
        areas=_areas(*read("service_areas")),
        share=_share(*read("work_mix")),
    )


def _is_strategic(facts: _Facts | _Levers) -> bool:
    return facts.share is not None and facts.share >= STRATEGIC_THRESHOLD


def _ladder(packages: tuple[Package, ...]) -> list[Package]:
    return sorted(packages, key=lambda p: (p.monthly_hours, p.monthly_price))


@dataclass(frozen=True)
class _Sizing:
    """The package for the stated need: the smallest whose hours cover it."""

    hours: int  # the hours the sizing used (said, or estimated from the areas)
    package: Package  # the smallest covering the hours, else the largest
    is_smallest: bool  # `package` is the practice's smallest


def _size(packages: tuple[Package, ...], facts: _Facts | _Levers) -> _Sizing:
    """Start at the stated need: the growth signals (wish-list areas, strategic work)
    never step the package up; they become room to grow (see _growth)."""
    ladder = _ladder(packages)
    hours = (
        facts.hours if facts.hours is not None else HOURS_PER_AREA * len(facts.areas)
    )
    index = next(
        (i for i, p in enumerate(ladder) if p.monthly_hours >= hours), len(ladder) - 1
    )
    return _Sizing(hours, ladder[index], index == 0)


def _growth(facts: _Facts, package: Package, practice: Practice, v: _Voice = YOU):
    """(the next package up, the growth signals pointing at it) or (None, ())."""
    ladder = _ladder(practice.packages)
    bigger = ladder[ladder.index(package) + 1 :] if package in ladder else []
    if not bigger:
        return None, ()
    grow = bigger[0]
    later = [
        facts.area_names.get(a, a)
        for a in facts.area_ids
        if _covers_area(grow, a)
        and not _covers_area(package, a)
        and not _add_on_for(package, a)
    ]
    signals = []
    if _is_strategic(facts):
        signals.append(f"{v.you} see more project and strategic work ahead")
    if later:
        signals.append(
            f"{v.you} also asked about {_quoted(later)}, which {grow.name} includes"
        )
    elif package.max_areas and len(facts.areas) > package.max_areas:
        signals.append(f"{v.you} listed {len(facts.areas)} areas")
    return (grow, tuple(signals)) if signals else (None, ())


def _covers_area(package: Package, area: str) -> bool:
    return area in package.service_areas


def _add_on_for(package: Package, area: str):
    return next((a for a in package.add_ons if a.area == area), None)


# who serves an area better than an administrative partner, when no package covers it
_SPECIALISTS = {
    "bookkeeping_admin": "a bookkeeper",
    "events": "an events or travel agency",
    "hiring_onboarding": "a recruiter",
    "marketing_admin": "a marketing assistant or agency",
    "projects": "a project manager hired for the project",
    "research": "a research specialist",
}


def _cover(area: str, package: Package, practice: Practice, label: str) -> AreaCover:
    """How the proposal covers one area they asked for."""
    if _covers_area(package, area):
        return AreaCover(label, "package", f"Included in {package.name}.")
    add_on = _add_on_for(package, area)
    if add_on is not None:
        price = format_money(add_on.monthly_price, practice.currency)
        return AreaCover(
            label, "add_on", f"As an add-on to {package.name}: {price} a month."
        )
    later = next((p for p in _ladder(practice.packages) if _covers_area(p, area)), None)
    if later is not None:
        return AreaCover(
            label,
            "later",
            f"Not in {package.name}; it comes with {later.name}, so we can add it "
            "when the partnership grows.",
        )
    who = _SPECIALISTS.get(area, "a specialist in this area")
    return AreaCover(
        label,
        "not_offered",
        f"Not something we offer; {who} would serve you better, and we are glad "
        "to work alongside them.",
    )


def _coverage(facts: _Facts, package: Package, practice: Practice):
    return tuple(
        _cover(a, package, practice, facts.area_names.get(a, a)) for a in facts.area_ids
    )


def _included(facts: _Facts, package: Package) -> tuple[str, ...]:
    """The package's areas they asked for, in their labels; every area of the
    package when they named none."""
    if facts.area_ids:
        return tuple(
            facts.area_names.get(a, a)
            for a in facts.area_ids
            if _covers_area(package, a)
        )
    return tuple(facts.area_names.get(a, a) for a in package.service_areas)


def _not_fit_reason(assessment: Assessment, questionnaire: Questionnaire) -> str:
    knockouts = assessment.knockouts
    if knockouts:
        return " ".join(_sentence(f.reason) for f in knockouts)
    weakest = (
        min(sorted(assessment.scores), key=lambda d: assessment.scores[d])
        if assessment.scores
        else "fit"
    )
    base = _WEAKEST_REASON.get(weakest, _WEAKEST_REASON["fit"])
    threshold = questionnaire.scoring.possible_fit
    text = (
        f"{base} (overall score {assessment.overall}, below the {threshold} needed "
        "for a possible fit)."
    )
    if assessment.flags:
        text += " " + _sentence(assessment.flags[0].reason)
    return text


def _review_why(cadence: str, facts: _Facts) -> str:
    """Why we propose this review, quoting only the review choices they ticked."""
    matters = _REVIEW_MATTERS[cadence]
    ticked = facts.cadence_labels.get(cadence)
    if ticked:
        why = f"You said you could keep time free for “{ticked}”, and {matters}."
    elif facts.refusals:
        why = (
            f"You said “{facts.refusals[0]}”; we still propose this one, because "
            f"{matters}."
        )
    else:
        why = f"We include it because {matters}."
    if cadence == "quarterly" and _is_strategic(facts):
        why += " With more project and strategic work ahead, it matters all the more."
    return why


def _reviews(
    package: Package, practice: Practice, facts: _Facts
) -> tuple[ReviewPlan, ...]:
    """The package's reviews that the practice holds: the one rhythm everywhere."""
    wanted = set(package.reviews)
    return tuple(
        ReviewPlan(
            cadence=cadence,
            name=name,
            when=_REVIEW_WHEN[cadence],
            purpose=_REVIEW_PURPOSE[cadence],
            why=_review_why(cadence, facts),
        )
        for cadence, name in CADENCES.items()
        if cadence in practice.standards.cadences and cadence in wanted
    )


def _agreement(practice: Practice) -> tuple[str, ...]:
    """The working agreement's points beyond the standards table (hours, replies,
    channels) and the package's exclusions, which the proposal shows elsewhere."""
    std = practice.standards
    points = [
        "A reply is an acknowledgement and a plan, not always the finished work.",
        "Weekend work is possible when we have agreed it in advance."
        if std.weekends
        else "We do not work at weekends; anything sent then is picked up on the "
        "next working day.",
        "You tell us what we need to know about the business, such as news, changes "
        "of plan and context; we do not assume what we have not been told.",
        "We work within our agreed processes and tools, and adjust them together "
        "where that helps.",
    ]
    return tuple(points)


def _said(facts: _Facts, v: _Voice = YOU) -> dict[str, str]:
    """Clauses about the prospect's own answers, by topic, without a full stop."""
    out = {}
    if facts.engagement_label:
        out["engagement"] = (
            f"Asked what kind of arrangement {v.you} are hoping for, {v.you} "
            f"answered “{facts.engagement_label}”"
        )
    if facts.areas:
        n = len(facts.areas)
        noun = "one area" if n == 1 else f"{n} areas"
        out["areas"] = f"{v.You} asked for support in {noun} of the business"
    if facts.mix_label:
        out["mix"] = f"{v.You} described the work as “{facts.mix_label}”"
    if facts.stance_label:
        out["stance"] = f"On decisions, {v.you} said “{facts.stance_label}”"
    return out


def _hours_sentence(
    facts: _Facts, package: Package, sizing: _Sizing, v: _Voice = YOU
) -> str:
    if facts.hours is not None:
        said = f"{v.You} picture about {facts.hours} hours of support a month"
    else:
        said = (
            f"{v.You} did not estimate {v.your} hours, so we allowed about "
            f"{HOURS_PER_AREA} for each area {v.you} chose, {sizing.hours} in all"
        )
    if sizing.hours > package.monthly_hours:
        return (
            f"{said}, more than the {package.monthly_hours} hours {package.name} "
            "includes; we would start there and agree priorities together."
        )
    if sizing.hours < package.monthly_hours and sizing.is_smallest:
        return (
            f"{said}; {package.name}, our smallest package, includes "
            f"{package.monthly_hours}, so there is time to spare as we settle in."
        )
    return (
        f"{said}, and {package.name} includes {package.monthly_hours}: the "
        "smallest of our packages that covers it."
    )


def _areas_ending(
    facts: _Facts, coverage: tuple[AreaCover, ...], v: _Voice = YOU
) -> str:
    """Where the areas they chose stand, pointing to the list that shows each."""
    inside = sum(1 for c in coverage if c.how == "package")
    if not coverage or inside == len(coverage):
        return ", and the package covers each of them." if coverage else "."
    return f"; {inside} of them are in the package, and {v.shown_below}."


def _mix_ending(facts: _Facts) -> str:
    if not _is_strategic(facts):
        return (
            "; a healthy partnership grows the share of project and strategic work "
            "over time."
        )
    return (
        "; with more project and strategic work ahead, we will plan it together at a "
        "quarterly business review."
    )


def _growth_sentence(
    package: Package, grow: Package | None, signals, currency, v: _Voice = YOU
) -> str:
    if grow is None:
        return ""
    price = format_money(grow.monthly_price, currency)
    return (
        f"There is room to grow: {'; '.join(signals)}. We suggest "
        f"starting with {package.name} as {v.you} described it; {grow.name} "
        f"({grow.monthly_hours} hours, {price} a month) is the next step whenever "
        "the work is there, and we would decide it together at a review."
    )


def _stance_ending(facts: _Facts) -> str:
    if facts.stance_value == "together":
        return ", which is exactly how we like to work."
    return "; we will talk through how decisions get made on our call."


def _fit_rationale(
    facts: _Facts,
    package: Package,
    sizing: _Sizing,
    is_override: bool,
    coverage: tuple[AreaCover, ...],
    v: _Voice = YOU,
) -> tuple[str, ...]:
    """Why this package, in sentences tied to their answers."""
    said = _said(facts, v)
    endings = {
        "engagement": "; ongoing support, month after month, is what we offer.",
        "areas": _areas_ending(facts, coverage, v),
        "mix": _mix_ending(facts),
        "stance": _stance_ending(facts),
    }
    lines = []
    if is_override:
        lines.append(v.chosen.format(package.name))
    if "engagement" in said:
        lines.append(said["engagement"] + endings["engagement"])
    lines.append(_hours_sentence(facts, package, sizing, v))
    lines += [said[k] + endings[k] for k in ("areas", "mix", "stance") if k in said]
    return tuple(lines)


def _not_fit_rationale(facts: _Facts, reason: str, v: _Voice = YOU) -> tuple[str, ...]:
    said = _said(facts, v)
    lines = [reason]
    if "engagement" in said:
        lines.append(said["engagement"] + ".")
    if facts.hours is not None:
        lines.append(f"{v.You} picture about {facts.hours} hours of support a month.")
    lines += [said[k] + "." for k in ("areas", "mix", "stance") if k in said]
    return tuple(lines)


# Other kinds of service for someone the practice is not right for, matched to what
# they asked for: (kind, the roles whose red flag calls for it, the idea). A knockout
# flag on the engagement (one project) calls for "project"; any other flag on those
# roles for the rest. "any" is always suggested.
PROJECT, OCCASIONAL, INSTRUCTIONS, ANY = "project", "occasional", "instructions", "any"
_ALTERNATIVES = (
    (
        PROJECT,
        "For a single piece of work, a project-based freelancer or project "
        "administrator hired for the length of the project, with a clear brief and an "
        "end date.",
    ),
    (
        OCCASIONAL,
        "For tasks now and then, an a la carte secretarial service or a pay-as-you-go "
        "virtual assistant, who books and bills by the task, so you only pay when "
        "something comes up.",
    ),
    (
        INSTRUCTIONS,
        "If you would like someone to follow clear instructions, a task-based "
        "secretarial or typing service is built exactly for that.",
    ),
    (
        ANY,
        "A local business-support network or small-business centre can often point "
        "you to trusted providers nearby.",
    ),
)
# flagged answers (role, what the choice means) that describe one project, or wanting
# someone to carry out instructions; any other flag on the roles below means occasional
# help
_PROJECT_ANSWERS = {("engagement", "project"), ("work_mix", "project")}
_INSTRUCTION_ANSWERS = {("stance", "instructions")}
_OCCASIONAL_ROLES = {"engagement", "need_regularity", "handover"}


def referral_kinds(
    questionnaire: Questionnaire, answers: Mapping[str, Any], assessment: Assessment
) -> tuple[str, ...]:
    """Which kinds of other service suit what this prospect asked for."""
    flagged = set(_flagged(questionnaire, answers, assessment))
    kinds = []
    if flagged & _PROJECT_ANSWERS:
        kinds.append(PROJECT)
    elif any(role in _OCCASIONAL_ROLES for role, _ in flagged):
        kinds.append(OCCASIONAL)
    if flagged & _INSTRUCTION_ANSWERS or any(r == "partner_kind" for r, _ in flagged):
        kinds.append(INSTRUCTIONS)
    return (*kinds, ANY)


def _flagged(
    questionnaire: Questionnaire, answers: Mapping[str, Any], assessment: Assessment
) -> dict[tuple[str | None, str], Any]:
    """Each red flag by (the role of its question, what the choice means)."""
    roles = {q.id: q.role for q in questionnaire.questions if q.role}
    return {
        (
            roles.get(f.question_id),
            meaning(questionnaire, f.question_id, answers.get(f.question_id)),
        ): f
        for f in assessment.flags
    }


# which answers decide which kind of letter: (role, what the choice means) -> kind
_DECIDING = {
    ("engagement", "project"): "project",
    ("work_mix", "project"): "project",
    ("engagement", "occasional"): "occasional",
    ("engagement", "tasks"): "tasks",
    ("stance", "instructions"): "stance",
    ("stance", "hands_off"): "stance",
}
_KIND_ORDER = ("project", "occasional", "tasks", "stance")
# the gaps that make the expectations letter (budget and hours are no expectation
# of how we work)
_EXPECTATION_TOPICS = {
    "reply_time",
    "hours",
    "weekends",
    "channels",
    "scope",
    "cadence",
}


def _difference(gap: Gap) -> str:
    """'You said “Within the hour”; we reply within 1 business day.'"""
    ours = gap.to_agree.split(". ")[0].rstrip(".")
    return f"You said {gap.said}; {ours[0].lower()}{ours[1:]}."


def verdict_reason(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    assessment: Assessment,
    gaps: tuple[Gap, ...],
) -> VerdictReason:
    """What decided the verdict: a project, occasional help, tasks one at a time,
    the stance, or expectations that differ from the practice's standards."""
    flagged = _flagged(questionnaire, answers, assessment)
    kinds = {_DECIDING[k]: k for k in flagged if k in _DECIDING}
    knocked = [
        _DECIDING[k] for k, f in flagged.items() if f.knockout and k in _DECIDING
    ]
    weakest = (
        min(sorted(assessment.scores), key=lambda d: assessment.scores[d])
        if assessment.scores
        else "fit"
    )
    differences = tuple(
        _difference(g) for g in gaps if g.topic in _EXPECTATION_TOPICS and g.said
    )
    if knocked:
        kind = knocked[0]
    elif weakest == "boundaries" and differences:
        return VerdictReason("expectations", differences=differences, talk=True)
    elif weakest == "chemistry" and "stance" in kinds:
        kind = "stance"
    else:
        kind = next((k for k in _KIND_ORDER if k in kinds), "")
    if not kind:
        if differences:
            return VerdictReason("expectations", differences=differences, talk=True)
        return VerdictReason("fit", talk=True)
    stance = kinds[kind][1] if kind == "stance" else ""
    return VerdictReason(
        kind, stance=stance, differences=differences, talk=kind in ("tasks", "stance")
    )


_PROJECT_ROLES = ("engagement", "work_mix")
_MONTH_NAMES = re.compile(
    r"\b(" + "|".join(m.lower() for m in MONTHS) + r")\b", re.IGNORECASE
)


def _project_end(text: str, start: dt.date) -> dt.date | None:
    """The last day of the first month named in `text`, on or after the start."""
    found = _MONTH_NAMES.search(text or "")
    if found is None:
        return None
    month = [m.lower() for m in MONTHS].index(found.group(1).lower()) + 1
    year = start.year + (1 if month < start.month else 0)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def project_frame(
    questionnaire: Questionnaire, answers: Mapping[str, Any], today: dt.date
) -> ProjectFrame | None:
    """The project they described, when their answers describe one with an end."""
    shown = visible_answers(questionnaire, answers)
    is_project = any(
        meaning(questionnaire, q.id, shown.get(q.id)) == "project"
        for q in map(questionnaire.by_role, _PROJECT_ROLES)
        if q is not None
    )
    if not is_project:
        return None
    details = str(shown.get("project_details") or "").strip()
    start = _start_day(*_answer(questionnaire, shown, "start_date")) or today
    text = " ".join((details, str(_answer(questionnaire, shown, "needs_summary")[1])))
    end = _project_end(text, max(start, today))
    words = (
        f"the end of {MONTHS[end.month - 1]} {end.year}"
        if end is not None
        else "when the project is done"
    )
    return ProjectFrame(end, words, details)


def _project_lines(
    project: ProjectFrame, package: Package, v: _Voice = YOU
) -> tuple[str, ...]:
    """The first months framed around the project, and what continuing would be."""
    return (
        f"{v.You} described one project, to be finished by {project.end_words}. We would "
        f"build the first months around it with {package.name}: "
        f"{package.monthly_hours} hours a month for the project, and the reviews "
        "until it is done, with no commitment beyond it.",
        f"When the project is done, we either part as planned or, if {v.you} would like "
        "to keep the support, continue month to month as an ongoing partnership: the "
        "same package, looking after whole areas of the business, with quarterly and "
        "annual reviews added. We would decide that together at a review before the "
        "project ends.",
    )


def _alternatives(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Kinds of service that may suit someone not looking for a partnership."""
    return tuple(idea for kind, idea in _ALTERNATIVES if kind in kinds)


def _heard(facts: _Facts, areas: bool = True) -> tuple[str, ...]:
    """What we heard, in their answers' own labels (their summary is quoted apart);
    without the areas when the proposal lists each with how it is covered."""
    items = []
    if facts.engagement_label:
        items.append(f"The arrangement you are hoping for: “{facts.engagement_label}”.")
    if facts.areas and areas:
        items.append("Where you would like support: " + _quoted(facts.areas) + ".")
    if facts.hours_words:
        items.append(f"By your estimate, you need about {facts.hours_words}.")
    if facts.budget_label:
        items.append(f"The budget you have in mind: “{facts.budget_label}”.")
    if facts.start:
        items.append(f"You would like to start on {facts.start}.")
    return tuple(items)


def _within(package: Package, facts: _Facts) -> bool:
    return facts.budget is None or package.monthly_price <= facts.budget


def _option_areas(package: Package, facts: _Facts) -> tuple[str, ...]:
    return _included(facts, package)


def _covers(package: Package, facts: _Facts) -> tuple[str, ...]:
    return (
        f"{package.monthly_hours} hours of support a month",
        *_option_areas(package, facts),
        *(CADENCES[c] for c in package.reviews if c in CADENCES),
    )


def _leaves_out(package: Package, other: Package, facts: _Facts) -> tuple[str, ...]:
    """What `other` includes that `package` does not: hours, the areas they asked
    for, reviews."""
    out = []
    if other.monthly_hours > package.monthly_hours:
        out.append(f"{other.monthly_hours - package.monthly_hours} hours a month")
    mine = set(_option_areas(package, facts))
    out += [a for a in _option_areas(other, facts) if a not in mine]
    out += [
        CADENCES[c] for c in other.reviews if c in CADENCES and c not in package.reviews
    ]
    return tuple(out)


def _option(package: Package, kind: str, facts: _Facts, other: Package | None):
    return Option(
        package,
        kind,
        _covers(package, facts),
        _leaves_out(package, other, facts) if other is not None else (),
        _option_areas(package, facts),
    )


def _options(packages: tuple[Package, ...], package: Package, facts: _Facts):
    """The package within reach beside the recommended one, when needs exceed budget."""
    if _within(package, facts):
        return ()
    by_price = sorted(packages, key=lambda p: p.monthly_price)
    reachable = [p for p in by_price if _within(p, facts) and p is not package]
    other = reachable[-1] if reachable else by_price[0]
    if other is package or other.monthly_price > package.monthly_price:
        return ()
    kind = "within_budget" if reachable else "closest"
    return (
        _option(other, kind, facts, package),
        _option(package, "recommended", facts, None),
    )


def _grow_options(package: Package, grow: Package | None, facts: _Facts):
    """The recommended package beside the next step up, when that fits the budget."""
    if grow is None or not _within(grow, facts):
        return ()
    return (
        _option(package, "recommended", facts, grow),
        _option(grow, "room_to_grow", facts, None),
    )


def _consultant_notes(facts: _Facts, package: Package, options, currency) -> tuple:
    """Where hours and budget disagree, for the consultant's eyes only."""
    if facts.budget is None or _within(package, facts):
        return ()
    need = f"{facts.hours} hours a month" if facts.hours is not None else "The areas"
    price = format_money(package.monthly_price, currency)
    if facts.hours is not None and facts.hours < package.monthly_hours:
        need = f"{facts.hours} hours a month (below the smallest package)"
    within = [o.package.name for o in options if o.kind == "within_budget"]
    offered = (
        f"the proposal offers {within[0]} within it side by side"
        if within
        else "no package is within it: talk it through on the call"
    )
    return (
        f"Hours and budget disagree: {need} need {package.name} ({price} a month), "
        f"more than their budget (“{facts.budget_label}”); {offered}.",
    )


def _budget_sentence(
    facts: _Facts, package: Package, options: tuple[Option, ...], v: _Voice = YOU
):
    """How the recommendation sits with the budget they gave; '' when none given."""
    if facts.budget is None:
        return ""
    said = f"For {v.your} budget {v.you} chose “{facts.budget_label}”"
    if _within(package, facts):
        return f"{said}, and {package.name} sits within it."
    if not options or options[-1].kind == "room_to_grow":
        return (
            f"{said}; {package.name} costs more than that, so let us talk about what "
            "matters most and whether now is the right time to start."
        )
    other = options[0].package
    reach = "is within it" if options[0].kind == "within_budget" else "comes closest"
    return (
        f"{said}; what {v.you} described needs {package.name}, which costs more, while "
        f"{other.name} {reach}. {v.both_below}, with what each covers and leaves out, "
        f"so that {v.you} can choose."
    )


# which options a proposal offers when the needs exceed the budget
OFFERS = ("both", "recommended", "budget")

NO_PACKAGES = (
    "No packages are set up in the practice settings yet, so there is no package to "
    "recommend."
)


def recommend(
    *,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    assessment: Assessment,
    practice: Practice,
    override: str | None = None,
    offer: str = "both",
    today: dt.date | None = None,
) -> Recommendation:
    """The package and plan to propose; not a fit when the verdict or a knockout says.

    `override` names one of the practice's packages (case-sensitive) chosen by hand: it
    replaces the sized package, even for a prospect who is not a fit. A name that is no
    package is ignored. `offer` is which options the proposal offers when the needs
    exceed the budget: "both" side by side, only the "recommended" one, or only the
    one within the "budget".
    """
    # the labels as the prospect read them: the practice's words and currency
    questionnaire = questionnaire.localised(
        practice.questionnaire_words, practice.currency
    )
    facts = _facts(questionnaire, visible_answers(questionnaire, answers))
    chosen = next(
        (p for p in practice.packages if override and p.name == override), None
    )
    kinds = referral_kinds(questionnaire, answers, assessment)
    common = dict(
        hours_needed=facts.hours,
        service_areas=facts.areas,
        strategic_share=facts.share,
        agreement=_agreement(practice),
        gaps=(),  # found once, below: with the package proposed when there is one
        heard=_heard(facts),
        alternatives=_alternatives(kinds),
        referral_kinds=kinds,
        budget_max=facts.budget,
        budget_label=facts.budget_label,
        start_date=facts.start_day,
        area_ids=facts.area_ids,
    )
    not_fit = assessment.verdict == NOT_A_FIT or bool(assessment.knockouts)
    if chosen is None and (not_fit or not practice.packages):
        reason = _not_fit_reason(assessment, questionnaire) if not_fit else NO_PACKAGES
        common["gaps"] = find_gaps(questionnaire, answers, practice)
        return Recommendation(
            **dict(is_fit=False, package=None, is_override=False, reviews=()),
            not_fit_reason=reason,
            rationale=_not_fit_rationale(facts, reason),
            rationale_about=_not_fit_rationale(facts, reason, THEY),
            verdict_reason=verdict_reason(
                questionnaire, answers, assessment, common["gaps"]
            ),
            **common,
        )
    rec = _fit(practice, facts, chosen, offer, common)
    rec = _framed_for_project(rec, questionnaire, answers, facts, today)
    return _with_gaps(rec, questionnaire, answers, practice)


def _framed_for_project(
    rec: Recommendation,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    facts: _Facts,
    today: dt.date | None,
) -> Recommendation:
    """A proposal to a project client: framed around the project and its end."""
    today = today or dt.date.today()
    project = project_frame(questionnaire, answers, today)
    if project is None or rec.package is None:
        return rec
    held = _project_cadences(project, facts.start_day or today)
    return dataclasses.replace(
        rec,
        project=project,
        reviews=tuple(r for r in rec.reviews if r.cadence in held),
        rationale=(
            *rec.rationale[:1],
            *_project_lines(project, rec.package),
            *[x for x in (_budget_sentence(facts, rec.package, ()),) if x],
        ),
        rationale_about=(
            *rec.rationale_about[:1],
            *_project_lines(project, rec.package, THEY),
            *[x for x in (_budget_sentence(facts, rec.package, (), THEY),) if x],
        ),
        options=(),
    )


def _with_gaps(
    rec: Recommendation,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    practice: Practice,
) -> Recommendation:
    """The gaps speak of the reviews of the package proposed (of a project's
    months, for a project client)."""
    package = rec.package
    if package is not None and rec.project is not None:
        held = {r.cadence for r in rec.reviews}
        package = dataclasses.replace(
            package, reviews=tuple(c for c in package.reviews if c in held)
        )
    return dataclasses.replace(
        rec, gaps=find_gaps(questionnaire, answers, practice, package)
    )


def _project_cadences(project: ProjectFrame, start: dt.date) -> set[str]:
    """The reviews that fall within a project: quarterly from three months, annual
    from twelve (see schedule.py: each falls at the end of its month)."""
    if project.end is None:
        return {"weekly", "monthly"}
    months = (project.end.year - start.year) * 12 + project.end.month - start.month + 1
    return {
        "weekly",
        "monthly",
        *(("quarterly",) if months >= 3 else ()),
        *(("annual",) if months >= 12 else ()),
    }


def _without(common: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in common.items() if k not in keys}


def recommended_package(
    *,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    assessment: Assessment,
    practice: Practice,
) -> Package | None:
    """The package `recommend` proposes (no override, both options offered), without
    the plan, gaps and sentences around it: what a submission stores, and all that a
    re-score of 100,000 of them needs (tests/unit/test_recommendation.py holds the two
    equal)."""
    if assessment.verdict == NOT_A_FIT or assessment.knockouts:
        return None
    if not practice.packages:
        return None
    # the practice's words change labels only, never the levers: no localised copy
    levers = _levers(questionnaire, visible_answers(questionnaire, answers))
    return _size(practice.packages, levers).package


def _fit(
    practice: Practice,
    facts: _Facts,
    chosen: Package | None,
    offer: str,
    common: dict[str, Any],
) -> Recommendation:
    """The package for the stated need (or chosen), with options for the budget or
    for room to grow."""
    sizing = _size(practice.packages, facts)
    package = chosen if chosen is not None else sizing.package
    options = _options(practice.packages, package, facts)
    notes = _consultant_notes(facts, package, options, practice.currency)
    if options and offer in OFFERS[1:]:
        package = package if offer == "recommended" else options[0].package
        options = ()
    by_hand = chosen is not None or package is not sizing.package
    # room to grow from the stated need; none when the package was chosen otherwise
    grow, signals = (None, ()) if by_hand else _growth(facts, package, practice)
    if not options and offer == "both":
        options = _grow_options(package, grow, facts)
    coverage = _coverage(facts, package, practice)
    rationale, about = (
        _fit_lines(
            facts, package, sizing, by_hand, coverage, grow, options, v, practice
        )
        for v in (YOU, THEY)
    )
    return Recommendation(
        is_fit=True,
        package=package,
        is_override=by_hand,
        not_fit_reason="",
        reviews=_reviews(package, practice, facts),
        rationale=rationale,
        rationale_about=about,
        options=options,
        coverage=coverage,
        heard=_heard(facts, areas=not coverage),
        consultant_notes=notes,
        included=_included(facts, package),
        **_without(common, "heard"),
    )


def _fit_lines(facts, package, sizing, by_hand, coverage, grow, options, v, practice):
    """The rationale of a fit in one voice: why this package, room to grow (with the
    hours, where the sizing is explained), the budget."""
    rationale = _fit_rationale(facts, package, sizing, by_hand, coverage, v)
    signals = _growth(facts, package, practice, v)[1] if grow is not None else ()
    growth = _growth_sentence(package, grow, signals, practice.currency, v)
    if growth:
        at = int("engagement" in _said(facts, v))  # after the engagement line
        rationale = (
            *rationale[:at],
            rationale[at] + " " + growth,
            *rationale[at + 1 :],
        )
    budget = _budget_sentence(facts, package, options, v)
    return rationale + ((budget,) if budget else ())
