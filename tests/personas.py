"""Prospect personas for the default questionnaire, as real people would answer.

The answers live in intake/questionnaire/samples.py (the editor scores them too);
this module adds what the tests expect of them.

Each persona is a plain mapping of question id -> answer, in the shapes the scoring
accepts: ``str`` for single, text, long_text, email and date (ISO ``yyyy-mm-dd``),
``int`` for scale (1-5) and number, ``list[str]`` for multi.

Every persona answers every required question that is shown to it (conditional
questions only when their ``show_if`` condition holds), honestly, as that person
would: no persona piles on bad answers to reach a verdict. Each archetype has an
extreme version and a MILD one (the same person, answering in moderation), and both
must land in the archetype's band (``EXPECTED_VERDICT``).

tests/unit/test_personas.py checks that the overall scores follow the order a
consultant would put them in, not only the verdicts.

``STRATEGIC`` holds a strategic version of each persona: the same person, picking the
moderate answer wherever a question lets the expected answer be guessed (``GUESSABLE``)
and answering honestly elsewhere. Gaming the guessable questions may lift a prospect
one band, never two.
"""

from __future__ import annotations

from intake.questionnaire.samples import (  # noqa: F401 (the tests import them from here)
    ANXIOUS_FIRST_HIRE,
    FRIENDLY_FOUNDER,
    HANDS_OFF_EXECUTIVE,
    HANDS_OFF_MILD,
    MODEST_BUDGET,
    NEEDY_ALWAYS_ON,
    NEEDY_MILD,
    OCCASIONAL_HELPER,
    OCCASIONAL_MILD,
    ONE_OFF_PROJECT,
    PAIR_OF_HANDS,
    PAIR_OF_HANDS_MILD,
    PERSONAS,
    PROJECT_NOT_SURE,
    SOLID_BUT_CAUTIOUS,
    STEADY_COLLABORATOR,
    STRATEGIC_COLLABORATOR,
    TINY_BUDGET_BUSY,
)

# archetype -> (extreme, mild): both land in the archetype's band
ARCHETYPES: dict[str, tuple[str, str]] = {
    "collaborator": ("strategic_collaborator", "steady_collaborator"),
    "cautious": ("anxious_first_hire", "solid_but_cautious"),
    "tight_budget": ("tiny_budget_busy", "modest_budget"),
    "project": ("one_off_project", "project_not_sure"),
    "pair_of_hands": ("pair_of_hands", "pair_of_hands_mild"),
    "occasional": ("occasional_helper", "occasional_mild"),
    "needy": ("needy_always_on", "needy_mild"),
    "abdication": ("hands_off_executive", "hands_off_mild"),
}

EXPECTED_VERDICT: dict[str, str] = {
    "strategic_collaborator": "strong fit",
    "steady_collaborator": "strong fit",
    "friendly_founder": "strong fit",
    "solid_but_cautious": "possible fit",
    "anxious_first_hire": "possible fit",
    "modest_budget": "possible fit",
    "tiny_budget_busy": "possible fit",
    "one_off_project": "not a fit",
    "project_not_sure": "not a fit",
    "pair_of_hands": "not a fit",
    "pair_of_hands_mild": "not a fit",
    "occasional_helper": "not a fit",
    "occasional_mild": "not a fit",
    "needy_always_on": "not a fit",
    "needy_mild": "not a fit",
    "hands_off_executive": "not a fit",
    "hands_off_mild": "not a fit",
}

# --- strategic versions -----------------------------------------------------------

# The moderate answer to each question whose expected answer can be guessed from the
# question itself (ticking reviews, granting authority, hearing news at catch-ups), and
# a hedge for the arrangement, which the intro names. The situations (a supplier, a
# Tuesday request, a Friday evening, a new client), the hours, budget, start, who helps
# today, how reachable they are and the work they describe are answered honestly: they
# ask about facts or everyday moments, and show no standard to aim at.
GUESSABLE: dict[str, object] = {
    "authority": ["calendar", "replies"],
    "review_cadence": ["monthly"],
    "updates": "at_checkins",
}
# a prospect who wants a project, tasks or occasional help hedges rather than says so
_HEDGED_ENGAGEMENTS = ("single_project", "occasional", "tasks")
# what the hedging reveals, answered honestly: the figures a project client would give
_FIGURES = {"monthly_hours": 30, "budget": "1000_2000"}


def strategic(answers: dict[str, object]) -> dict[str, object]:
    """The same prospect, answering every guessable question moderately."""
    out = {**answers, **GUESSABLE}
    if out["engagement"] in _HEDGED_ENGAGEMENTS:
        out["engagement"] = "not_sure"
    for key, value in _FIGURES.items():
        out.setdefault(key, value)
    # follow-ups the moderate answers no longer show
    return {
        k: v for k, v in out.items() if k not in ("trust_building", "project_details")
    }


STRATEGIC: dict[str, dict[str, object]] = {
    name: strategic(answers) for name, answers in PERSONAS.items()
}
