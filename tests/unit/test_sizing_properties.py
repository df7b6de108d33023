"""Sizing from what they said, over every hours x budget x areas of the questionnaire.

The package is the smallest whose hours cover the stated hours; the areas and the
work mix never step it up (they become room to grow); a package above both the stated
hours and the budget always says why; hours and budget that disagree are a note for
the consultant and honest options side by side; "leaves out" names only areas they
asked for.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from intake.practice import default_practice
from intake.proposal.recommendation import recommend, recommended_package
from intake.questionnaire.schema import load_questionnaire
from intake.questionnaire.scoring import assess

try:
    from tests.personas import PERSONAS
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from personas import PERSONAS

DEFAULT = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
)
QUESTIONNAIRE = load_questionnaire(DEFAULT)
PRACTICE = default_practice()
AREAS = [c.value for c in QUESTIONNAIRE.by_role("service_areas").choices]
LABELS = {c.value: c.label for c in QUESTIONNAIRE.by_role("service_areas").choices}
BUDGETS = [c.value for c in QUESTIONNAIRE.by_role("budget").choices]
# every hour where a package boundary lies, and a spread beyond
HOURS = sorted({*range(1, 46), 50, 60, 80, 120, 200})
# area sets of every size, in two orders (the cheap areas first, the project ones first)
AREA_SETS = [tuple(AREAS[:n]) for n in range(1, 11)] + [
    tuple(reversed(AREAS))[:n] for n in (1, 3, 5)
]
MIXES = ["mostly_routine", "growing"]


def _smallest_covering(hours: int):
    ladder = sorted(PRACTICE.packages, key=lambda p: p.monthly_hours)
    return next((p for p in ladder if p.monthly_hours >= hours), ladder[-1])


def _cases():
    yield from itertools.product(HOURS, BUDGETS, AREA_SETS, MIXES)


@pytest.mark.parametrize("budget", BUDGETS)
def test_no_package_above_both_hours_and_budget_without_the_reason(budget):
    base = PERSONAS["solid_but_cautious"]
    checked = 0
    for hours, _, areas, mix in (c for c in _cases() if c[1] == budget):
        answers = {
            **base,
            "monthly_hours": hours,
            "budget": budget,
            "service_areas": list(areas),
            "work_mix": mix,
        }
        assessment = assess(QUESTIONNAIRE, answers)
        rec = recommend(
            questionnaire=QUESTIONNAIRE,
            answers=answers,
            assessment=assessment,
            practice=PRACTICE,
        )
        case = (hours, budget, areas, mix)
        if not rec.is_fit:
            continue
        checked += 1
        package = rec.package
        # the stated hours decide; nothing steps the package up silently
        assert package == _smallest_covering(hours), case
        assert package == recommended_package(
            questionnaire=QUESTIONNAIRE,
            answers=answers,
            assessment=assessment,
            practice=PRACTICE,
        ), case
        text = " ".join(rec.rationale)
        above_hours = package.monthly_hours > hours
        above_budget = package.monthly_price > rec.budget_max
        if above_hours and above_budget:
            # why more hours than they said: the smallest package that holds them
            assert (
                f"{package.name}, our smallest package, includes" in text
                or f"{package.name} includes {package.monthly_hours}: the smallest of "
                "our packages that covers it"
                in text
            ), case
            # and why more than the budget, in the budget's own words
            budget_line = rec.rationale[-1]
            assert f"“{rec.budget_label}”" in budget_line, case
            assert "costs more" in budget_line, case
        if above_budget:
            # the consultant sees the disagreement; the prospect the honest choices
            (note,) = rec.consultant_notes
            assert note.startswith("Hours and budget disagree"), case
            cheaper = [
                p for p in PRACTICE.packages if p.monthly_price <= rec.budget_max
            ]
            if cheaper:
                kinds = [o.kind for o in rec.options]
                assert kinds == ["within_budget", "recommended"], case
        else:
            assert rec.consultant_notes == (), case
        asked = {LABELS[a] for a in areas}
        for option in rec.options:
            named = [x for x in option.leaves_out if x in LABELS.values()]
            assert set(named) <= asked, case
            assert set(option.covers) & set(LABELS.values()) <= asked, case
        assert set(rec.included) <= asked, case
        in_order = [LABELS[a] for a in AREAS if a in areas]  # the questionnaire order
        assert [c.label for c in rec.coverage] == in_order, case
    assert checked > 500


def test_sixty_hours_on_a_small_budget_offers_the_honest_choices():
    answers = {
        **PERSONAS["solid_but_cautious"],
        "monthly_hours": 60,
        "budget": "500_1000",
    }
    rec = recommend(
        questionnaire=QUESTIONNAIRE,
        answers=answers,
        assessment=assess(QUESTIONNAIRE, answers),
        practice=PRACTICE,
    )
    assert rec.consultant_notes == (
        "Hours and budget disagree: 60 hours a month need Strategic Partner ($2,400 a "
        "month), more than their budget (“$500 to $1,000 a month”); the proposal "
        "offers Foundation within it side by side.",
    )
    assert [(o.kind, o.package.name) for o in rec.options] == [
        ("within_budget", "Foundation"),
        ("recommended", "Strategic Partner"),
    ]
    assert "You picture about 60 hours" in rec.rationale[1]
