"""Expectation gaps: where a prospect's answers differ from the practice's standards.

Each gap is a talking point for the consultation call, in plain words. Questions are
found by their role, so a practice's own questionnaire works as long as it sets roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..practice import CADENCES, CHANNEL_WORDS, Practice, describe_hours, join_words
from .answers import visible_answers
from .schema import Questionnaire


@dataclass(frozen=True)
class Gap:
    topic: str  # reply_time, hours, weekends, channels, scope, cadence, budget, volume
    expects: str  # what the prospect expects, in words
    standard: str  # what the practice offers, in words
    talking_point: str  # one sentence for the consultant, for the call
    to_agree: str  # the same point said to the prospect, in the proposal


def _chosen(questionnaire: Questionnaire, answers: Mapping[str, Any], role: str):
    """(question, answer) for a role when it is shown and answered, else (None, None)."""
    q = questionnaire.by_role(role)
    if q is None or q.id not in answers:
        return None, None
    return q, answers[q.id]


def _meta(questionnaire, answers, role, key):
    q, value = _chosen(questionnaire, answers, role)
    if q is None:
        return None, None
    choice = q.choice(value) if q.type != "multi" else None
    return (choice.meta.get(key) if choice else None), choice


def _money(amount: float, currency: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}.get(
        currency
    )
    text = f"{amount:,.0f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def find_gaps(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> tuple[Gap, ...]:
    """Every difference between the answers and the practice's standards, in order."""
    answers = visible_answers(questionnaire, answers)
    std = practice.standards
    hours_words = f"{std.days_words}, {std.office_start}–{std.office_end}"
    gaps: list[Gap] = []

    expected, choice = _meta(questionnaire, answers, "reply_time", "hours")
    if isinstance(expected, int | float) and expected < std.reply_hours:
        gaps.append(
            Gap(
                "reply_time",
                f"replies within {describe_hours(expected)}",
                f"replies within {std.reply_words}",
                f"Expects replies within {describe_hours(expected)}; your standard is "
                f"{std.reply_words}. Agree how truly urgent matters reach you.",
                f"We reply within {std.reply_words}. Let us agree together how a truly "
                "urgent matter reaches us, so nothing important waits.",
            )
        )

    after, choice = _meta(questionnaire, answers, "availability", "after_hours")
    if after:
        gaps.append(
            Gap(
                "hours",
                f"help outside office hours (“{choice.label}”)",
                f"office hours {hours_words}",
                f"Expects help outside office hours; yours are {hours_words}. "
                "Talk through what comes up after hours and who handles it.",
                f"We work {hours_words}. Let us look at what comes up after hours and "
                "plan for it, so it can wait for the morning or be handled another way.",
            )
        )

    weekends, choice = _meta(questionnaire, answers, "weekends", "weekends")
    if weekends and not std.weekends:
        gaps.append(
            Gap(
                "weekends",
                f"weekend work (“{choice.label}”)",
                "no weekend work",
                "Expects some weekend work, which you do not offer. Agree what can "
                "wait until Monday.",
                "We do not work at weekends. Let us agree what can wait until Monday "
                "and how to prepare the rest during the week.",
            )
        )

    q, chosen = _chosen(questionnaire, answers, "channels")
    if q is not None:
        missing = [c for c in chosen if c in CHANNEL_WORDS and c not in std.channels]
        if missing:
            wanted = join_words(CHANNEL_WORDS[c] for c in missing)
            offered = (
                join_words(CHANNEL_WORDS[c] for c in std.channels) or "none listed"
            )
            gaps.append(
                Gap(
                    "channels",
                    f"to be reached by {wanted}",
                    f"we work by {offered}",
                    f"Prefers {wanted}, which you do not offer; you work by {offered}.",
                    f"We work by {offered}. Let us find the way of keeping in touch "
                    "that suits you best among these.",
                )
            )

    beyond, choice = _meta(questionnaire, answers, "beyond_scope", "beyond_scope")
    if beyond:
        outside = "; ".join(std.out_of_scope) or "work outside the agreed functions"
        gaps.append(
            Gap(
                "scope",
                f"involvement beyond the agreed work (“{choice.label}”)",
                f"out of scope: {outside}",
                "Expects you to keep up with the business beyond the work agreed. "
                "Agree what they will tell you, and what stays out of scope.",
                "We cannot know what we have not been told. Let us agree how you will "
                "share news and context with us, and what stays outside our work.",
            )
        )

    q, chosen = _chosen(questionnaire, answers, "review_cadence")
    if q is not None:
        skipped = [c for c in std.cadences if c in CADENCES and c not in chosen]
        if skipped:
            names = join_words(CADENCES[c].lower() for c in skipped)
            gaps.append(
                Gap(
                    "cadence",
                    "no commitment to " + names,
                    "our rhythm: "
                    + join_words(CADENCES[c].lower() for c in std.cadences),
                    f"Has not committed to the {names}. Explain what each review gives "
                    "them, and agree the rhythm before starting.",
                    f"We hold the {names} with every client. Let us talk through what "
                    "each one gives you and settle the rhythm before we start.",
                )
            )

    packages = sorted(practice.packages, key=lambda p: p.monthly_price)
    budget, choice = _meta(questionnaire, answers, "budget", "monthly_max")
    if (
        packages
        and isinstance(budget, int | float)
        and budget < packages[0].monthly_price
    ):
        smallest = packages[0]
        gaps.append(
            Gap(
                "budget",
                f"a budget of up to {_money(budget, practice.currency)} a month",
                f"our smallest package, {smallest.name}, is "
                f"{_money(smallest.monthly_price, practice.currency)} a month",
                "Their budget is below your smallest package. Discuss what matters "
                "most, or whether a partnership fits their stage.",
                "Your budget is below our smallest package. Let us talk about what "
                "matters most to you, and whether now is the right time to start.",
            )
        )

    q, hours = _chosen(questionnaire, answers, "monthly_hours")
    if packages and isinstance(hours, int):
        largest = max(practice.packages, key=lambda p: p.monthly_hours)
        if hours > largest.monthly_hours:
            gaps.append(
                Gap(
                    "volume",
                    f"{hours} hours of support a month",
                    f"our largest package has {largest.monthly_hours} hours",
                    f"Needs {hours} hours a month, more than your largest package "
                    f"({largest.monthly_hours}). Discuss a larger arrangement or priorities.",
                    f"You expect about {hours} hours a month; our largest package has "
                    f"{largest.monthly_hours}. Let us agree the priorities, or a larger "
                    "arrangement.",
                )
            )
    return tuple(gaps)
