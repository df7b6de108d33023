"""Recommend an ongoing package, a review rhythm and a working agreement. Pure code.

This module puts a recommendation together; each part has a module of its own:
plan.py (what a Recommendation is), facts.py (what the answers say, by role),
decision.py (the package, the next step up, the options for a budget), wording.py (the
sentences), referral.py (not a fit: why, and who else could help) and project.py (a
client with one project). The names other modules use are importable from here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..practice import Package, Practice
from ..questionnaire.answers import visible_answers
from ..questionnaire.gaps import find_gaps
from ..questionnaire.schema import Questionnaire
from ..questionnaire.scoring import NOT_A_FIT, Assessment
from . import decision, wording
from .decision import (
    HOURS_PER_AREA,
    OFFERS,
    STRATEGIC_THRESHOLD,
    recommended_package,
)
from .facts import MEANS, Facts, meaning, read_facts
from .plan import (
    AreaCover,
    Option,
    ProjectFrame,
    Recommendation,
    ReviewPlan,
    VerdictReason,
)
from .project import project_cadences, project_frame
from .referral import alternatives, not_fit_reason, referral_kinds, verdict_reason
from .wording import NO_PACKAGES, THEY

__all__ = [
    "HOURS_PER_AREA",
    "MEANS",
    "NO_PACKAGES",
    "OFFERS",
    "STRATEGIC_THRESHOLD",
    "AreaCover",
    "Option",
    "ProjectFrame",
    "Recommendation",
    "ReviewPlan",
    "VerdictReason",
    "meaning",
    "project_frame",
    "recommend",
    "recommended_package",
    "referral_kinds",
    "verdict_reason",
]


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
    facts = read_facts(questionnaire, visible_answers(questionnaire, answers))
    chosen = next(
        (p for p in practice.packages if override and p.name == override), None
    )
    kinds = referral_kinds(questionnaire, answers, assessment)
    common: dict[str, Any] = dict(
        hours_needed=facts.hours,
        service_areas=facts.areas,
        strategic_share=facts.share,
        agreement=wording.agreement(practice),
        gaps=(),  # found once, below: with the package proposed when there is one
        heard=wording.heard(facts),
        alternatives=alternatives(kinds),
        referral_kinds=kinds,
        budget_max=facts.budget,
        budget_label=facts.budget_label,
        start_date=facts.start_day,
        area_ids=facts.area_ids,
    )
    not_fit = assessment.verdict == NOT_A_FIT or bool(assessment.knockouts)
    if chosen is None and (not_fit or not practice.packages):
        reason = not_fit_reason(assessment, questionnaire) if not_fit else NO_PACKAGES
        return _not_fit(
            questionnaire, answers, assessment, practice, facts, reason, common
        )
    rec = _fit(practice, facts, chosen, offer, common)
    rec = _framed_for_project(rec, questionnaire, answers, facts, today)
    return _with_gaps(rec, questionnaire, answers, practice)


def _not_fit(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    assessment: Assessment,
    practice: Practice,
    facts: Facts,
    reason: str,
    common: dict[str, Any],
) -> Recommendation:
    """No package: the reason, in both voices, and what decided the verdict."""
    common["gaps"] = find_gaps(questionnaire, answers, practice)
    return Recommendation(
        is_fit=False,
        package=None,
        is_override=False,
        not_fit_reason=reason,
        reviews=(),
        rationale=wording.not_fit_rationale(facts, reason),
        rationale_about=wording.not_fit_rationale(facts, reason, THEY),
        verdict_reason=verdict_reason(
            questionnaire, answers, assessment, common["gaps"]
        ),
        **common,
    )


def _framed_for_project(
    rec: Recommendation,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    facts: Facts,
    today: dt.date | None,
) -> Recommendation:
    """A proposal to a project client: framed around the project and its end."""
    today = today or dt.date.today()
    project = project_frame(questionnaire, answers, today)
    if project is None or rec.package is None:
        return rec
    held = project_cadences(project, facts.start_day or today)
    return dataclasses.replace(
        rec,
        project=project,
        reviews=tuple(r for r in rec.reviews if r.cadence in held),
        rationale=(
            *rec.rationale[:1],
            *wording.project_lines(project, rec.package),
            *[x for x in (wording.budget_sentence(facts, rec.package, ()),) if x],
        ),
        rationale_about=(
            *rec.rationale_about[:1],
            *wording.project_lines(project, rec.package, THEY),
            *[x for x in (wording.budget_sentence(facts, rec.package, (), THEY),) if x],
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


def _without(common: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in common.items() if k not in keys}


def _fit(
    practice: Practice,
    facts: Facts,
    chosen: Package | None,
    offer: str,
    common: dict[str, Any],
) -> Recommendation:
    """The package for the stated need (or chosen), with options for the budget or
    for room to grow."""
    sizing = decision.size(practice.packages, facts)
    package = chosen if chosen is not None else sizing.package
    options = _worded(decision.offered(practice.packages, package, facts), facts)
    notes = wording.consultant_notes(facts, package, options, practice.currency)
    if options and offer in OFFERS[1:]:
        package = package if offer == "recommended" else options[0].package
        options = ()
    by_hand = chosen is not None or package is not sizing.package
    # room to grow from the stated need; none when the package was chosen otherwise
    growth = None if by_hand else decision.growth(facts, package, practice)
    if not options and offer == "both":
        grow = growth.package if growth is not None else None
        options = _worded(decision.offered_to_grow(package, grow, facts), facts)
    coverage = wording.coverage(facts, package, practice)
    rationale, about = (
        _fit_lines(
            facts, package, sizing, by_hand, coverage, growth, options, v, practice
        )
        for v in (wording.YOU, THEY)
    )
    return Recommendation(
        is_fit=True,
        package=package,
        is_override=by_hand,
        not_fit_reason="",
        reviews=wording.reviews(package, practice, facts),
        rationale=rationale,
        rationale_about=about,
        options=options,
        coverage=coverage,
        heard=wording.heard(facts, areas=not coverage),
        consultant_notes=notes,
        included=decision.included(facts, package),
        **_without(common, "heard"),
    )


def _fit_lines(
    facts: Facts,
    package: Package,
    sizing: decision.Sizing,
    by_hand: bool,
    coverage: tuple[AreaCover, ...],
    growth: decision.Growth | None,
    options: tuple[Option, ...],
    v: wording.Voice,
    practice: Practice,
) -> tuple[str, ...]:
    """The rationale of a fit in one voice: why this package, room to grow (with the
    hours, where the sizing is explained, after the engagement line), the budget."""
    rationale = wording.fit_rationale(facts, package, sizing, by_hand, coverage, v)
    grows = wording.growth_sentence(package, growth, practice.currency, v)
    if grows:
        at = int("engagement" in wording.said_clauses(facts, v))
        rationale = (*rationale[:at], rationale[at] + " " + grows, *rationale[at + 1 :])
    budget = wording.budget_sentence(facts, package, options, v)
    return rationale + ((budget,) if budget else ())


def _worded(offered: tuple[decision.Offered, ...], facts: Facts) -> tuple[Option, ...]:
    return tuple(wording.option(p, kind, facts, other) for p, kind, other in offered)
