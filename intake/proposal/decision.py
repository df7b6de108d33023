"""What a recommendation decides: the package sized to the stated need, the next
step up, the packages offered side by side for a budget. No sentences here (those are
in wording.py). Pure code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..practice import AddOn, Package, Practice
from ..questionnaire.answers import visible_answers
from ..questionnaire.compiled import Scored
from ..questionnaire.schema import Questionnaire
from ..questionnaire.scoring import NOT_A_FIT, Assessment
from .facts import Facts, Levers, read_levers

HOURS_PER_AREA = 5  # fallback sizing when the prospect gave no hours


STRATEGIC_THRESHOLD = 60  # strategic_share (percent) from which we size up


def is_strategic(facts: Facts | Levers) -> bool:
    return facts.share is not None and facts.share >= STRATEGIC_THRESHOLD


def ladder(packages: tuple[Package, ...]) -> list[Package]:
    return sorted(packages, key=lambda p: (p.monthly_hours, p.monthly_price))


@dataclass(frozen=True)
class Sizing:
    """The package for the stated need: the smallest whose hours cover it."""

    hours: int  # the hours the sizing used (said, or estimated from the areas)
    package: Package  # the smallest covering the hours, else the largest
    is_smallest: bool  # `package` is the practice's smallest


def size(packages: tuple[Package, ...], facts: Facts | Levers) -> Sizing:
    """Start at the stated need: the growth signals (wish-list areas, strategic work)
    never step the package up; they become room to grow (see growth)."""
    steps = ladder(packages)
    hours = (
        facts.hours if facts.hours is not None else HOURS_PER_AREA * len(facts.areas)
    )
    index = next(
        (i for i, p in enumerate(steps) if p.monthly_hours >= hours), len(steps) - 1
    )
    return Sizing(hours, steps[index], index == 0)


@dataclass(frozen=True)
class Growth:
    """The next package up and what points at it (at least one of the three)."""

    package: Package
    strategic: bool  # they see more project and strategic work ahead
    later: tuple[str, ...]  # labels of the areas they asked for that it includes
    areas: int  # how many areas they listed, when more than the package holds; else 0


def growth(facts: Facts, package: Package, practice: Practice) -> Growth | None:
    """The next package up, when a growth signal points at it, else None."""
    steps = ladder(practice.packages)
    bigger = steps[steps.index(package) + 1 :] if package in steps else []
    if not bigger:
        return None
    grow = bigger[0]
    later = tuple(
        facts.area_names.get(a, a)
        for a in facts.area_ids
        if covers_area(grow, a)
        and not covers_area(package, a)
        and not add_on_for(package, a)
    )
    many = bool(package.max_areas and len(facts.areas) > package.max_areas)
    areas = len(facts.areas) if many and not later else 0
    found = Growth(grow, is_strategic(facts), later, areas)
    return found if found.strategic or found.later or found.areas else None


def covers_area(package: Package, area: str) -> bool:
    return area in package.service_areas


def add_on_for(package: Package, area: str) -> AddOn | None:
    return next((a for a in package.add_ons if a.area == area), None)


def included(facts: Facts, package: Package) -> tuple[str, ...]:
    """The package's areas they asked for, in their labels; every area of the
    package when they named none."""
    if facts.area_ids:
        return tuple(
            facts.area_names.get(a, a)
            for a in facts.area_ids
            if covers_area(package, a)
        )
    return tuple(facts.area_names.get(a, a) for a in package.service_areas)


def within(package: Package, facts: Facts) -> bool:
    return facts.budget is None or package.monthly_price <= facts.budget


# an option to word: (the package, its kind, the other package it is set beside, or
# None); see wording.option
Offered = tuple[Package, str, Package | None]


def offered(
    packages: tuple[Package, ...], package: Package, facts: Facts
) -> tuple[Offered, ...]:
    """The package within reach beside the recommended one, when needs exceed budget."""
    if within(package, facts):
        return ()
    by_price = sorted(packages, key=lambda p: p.monthly_price)
    reachable = [p for p in by_price if within(p, facts) and p is not package]
    other = reachable[-1] if reachable else by_price[0]
    if other is package or other.monthly_price > package.monthly_price:
        return ()
    kind = "within_budget" if reachable else "closest"
    return ((other, kind, package), (package, "recommended", None))


def offered_to_grow(
    package: Package, grow: Package | None, facts: Facts
) -> tuple[Offered, ...]:
    """The recommended package beside the next step up, when that fits the budget."""
    if grow is None or not within(grow, facts):
        return ()
    return ((package, "recommended", grow), (grow, "room_to_grow", None))


# which options a proposal offers when the needs exceed the budget
OFFERS = ("both", "recommended", "budget")


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
    levers = read_levers(questionnaire, visible_answers(questionnaire, answers))
    return size(practice.packages, levers).package


# the name of the package to recommend for the compiled scoring's numbers
Sizer = Callable[[Scored], str | None]


def package_sizer(packages: tuple[Package, ...]) -> Sizer:
    """The name of the package `recommended_package` picks, from the compiled scoring's
    numbers (questionnaire.compiled.Scored): built once for a re-score of many, each
    size remembered (tests/unit/test_compiled_scoring.py holds the two equal)."""
    steps = ladder(packages)
    sizes: dict[int, str] = {}

    def sized(hours: int) -> str:
        if hours not in sizes:
            index = next(
                (i for i, p in enumerate(steps) if p.monthly_hours >= hours),
                len(steps) - 1,
            )
            sizes[hours] = steps[index].name
        return sizes[hours]

    def name(scored: Scored) -> str | None:
        if scored.verdict == NOT_A_FIT or scored.knockouts or not steps:
            return None
        hours = scored.hours
        return sized(HOURS_PER_AREA * scored.areas if hours is None else hours)

    return name
