"""Expectation gaps: where a prospect's answers differ from the practice's standards.

Each gap is a talking point for the consultation call, in plain words. Questions are
found by their role, so a practice's own questionnaire works as long as it sets roles.
Each rule is one small function in `RULES`, which also fixes the order of the gaps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..practice import (
    CADENCES,
    CHANNEL_WORDS,
    Package,
    Practice,
    describe_hours,
    format_money,
    join_words,
)
from .answers import visible_answers
from .schema import Choice, Questionnaire


@dataclass(frozen=True)
class Gap:
    topic: str  # reply_time, hours, weekends, channels, scope, authority, cadence, budget, volume
    expects: str  # what the prospect expects, in words
    standard: str  # what the practice offers, in words
    talking_point: str  # one sentence for the consultant, for the call
    to_agree: str  # the same point said to the prospect, in the proposal
    said: str = (
        ""  # the prospect's answer in its own label(s), quoted, for the proposal
    )


Rule = Callable[[Questionnaire, Mapping[str, Any], Practice], Gap | None]


def _chosen(questionnaire: Questionnaire, answers: Mapping[str, Any], role: str) -> Any:
    """The answer to the question with this role, or None when it has no answer."""
    q = questionnaire.by_role(role)
    return answers.get(q.id) if q is not None else None


def _meta(
    questionnaire: Questionnaire, answers: Mapping[str, Any], role: str, key: str
) -> tuple[Any, Choice | None]:
    """(meta value, choice) of a single-choice role's answer; (None, None) if none."""
    q = questionnaire.by_role(role)
    choice = q.choice(answers[q.id]) if q is not None and q.id in answers else None
    return (choice.meta.get(key) if choice else None), choice


def _label(choice: Choice | None) -> str:
    """The chosen choice's label: the rules quote it only when its meta was read, so
    the choice is there."""
    return choice.label if choice is not None else ""


def _quote(*labels: str) -> str:
    return join_words(f"“{label}”" for label in labels)


def _reply_time(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> Gap | None:
    std = practice.standards
    expected, choice = _meta(questionnaire, answers, "reply_time", "hours")
    if not isinstance(expected, int | float) or expected >= std.reply_hours:
        return None
    wanted = describe_hours(expected)
    return Gap(
        topic="reply_time",
        expects=f"replies within {wanted}",
        standard=f"replies within {std.reply_words}",
        talking_point=f"Expects replies within {wanted}; your standard is "
        f"{std.reply_words}. Agree how truly urgent matters reach you.",
        to_agree=f"We reply within {std.reply_words}. Let us agree together how a "
        "truly urgent matter reaches us, so nothing important waits.",
        said=_quote(_label(choice)),
    )


def _after_hours(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> Gap | None:
    after, choice = _meta(questionnaire, answers, "availability", "after_hours")
    if not after:
        return None
    std = practice.standards
    hours = f"{std.days_words}, {std.office_start}–{std.office_end}"
    return Gap(
        topic="hours",
        expects=f"help outside office hours (“{_label(choice)}”)",
        standard=f"office hours {hours}",
        talking_point=f"Expects help outside office hours; yours are {hours}. "
        "Talk through what comes up after hours and who handles it.",
        to_agree=f"We work {hours}. Let us look at what comes up after hours and "
        "plan for it, so it can wait for the morning or be handled another way.",
        said=_quote(_label(choice)),
    )


def _weekends(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> Gap | None:
    weekends, choice = _meta(questionnaire, answers, "weekends", "weekends")
    if not weekends or practice.standards.weekends:
        return None
    return Gap(
        topic="weekends",
        expects=f"weekend work (“{_label(choice)}”)",
        standard="no weekend work",
        talking_point="Expects some weekend work, which you do not offer. Agree what "
        "can wait until Monday.",
        to_agree="We do not work at weekends. Let us agree what can wait until Monday "
        "and how to prepare the rest during the week.",
        said=_quote(_label(choice)),
    )


def _channels(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> Gap | None:
    offered_ids = practice.standards.channels
    q = questionnaire.by_role("channels")
    chosen = _chosen(questionnaire, answers, "channels") or ()
    missing = [c for c in chosen if c in CHANNEL_WORDS and c not in offered_ids]
    if not missing or q is None:  # no question, no answer: nothing is missing
        return None
    wanted = join_words(CHANNEL_WORDS[c] for c in missing)
    offered = join_words(CHANNEL_WORDS[c] for c in offered_ids) or "none listed"
    return Gap(
        topic="channels",
        expects=f"to be reached by {wanted}",
        standard=f"we work by {offered}",
        talking_point=f"Prefers {wanted}, which you do not offer; you work by "
        f"{offered}.",
        to_agree=f"We work by {offered}. Let us find the way of keeping in touch "
        "that suits you best among these.",
        said=_quote(*(c.label for c in q.choices if c.value in missing)),
    )


def _scope(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> Gap | None:
    beyond, choice = _meta(questionnaire, answers, "beyond_scope", "beyond_scope")
    if not beyond:
        return None
    outside = (
        "; ".join(practice.standards.out_of_scope)
        or "work outside the agreed functions"
    )
    return Gap(
        topic="scope",
        expects=f"involvement beyond the agreed work (“{_label(choice)}”)",
        standard=f"out of scope: {outside}",
        talking_point="Expects you to keep up with the business beyond the work "
        "agreed. Agree what they will tell you, and what stays out of scope.",
        to_agree="We cannot know what we have not been told. Let us agree how you "
        "will share news and context with us, and what stays outside our work.",
        said=_quote(_label(choice)),
    )


def _decision_rights(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> Gap | None:
    """Out of reach for weeks: a thing to settle (decision rights), never a flag."""
    away, choice = _meta(questionnaire, answers, "owner_access", "away")
    if not away:
        return None
    return Gap(
        topic="authority",
        expects="to be out of reach for weeks at a time",
        standard="decisions taken while you are away are agreed in advance",
        talking_point="Often out of reach for weeks. Settle decision rights while "
        "they are away: what you may decide alone, up to what amount, and when you "
        "may speak for them.",
        to_agree="You told us you can be out of reach for weeks at a time. Let us "
        "agree before we start what we may decide while you are away, up to what "
        "amount, and when we may speak for you.",
        said=_quote(_label(choice)),
    )


def _cadence(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    practice: Practice,
    package: Package | None = None,
) -> Gap | None:
    """Reviews they have not committed to, among those of the package chosen (all
    the practice holds when none is chosen yet): the one rhythm of the proposal."""
    held = tuple(
        c
        for c in practice.standards.cadences
        if package is None or c in package.reviews
    )
    q = questionnaire.by_role("review_cadence")
    chosen = _chosen(questionnaire, answers, "review_cadence")
    if chosen is None or q is None:  # no question, no answer
        return None
    skipped = [c for c in held if c in CADENCES and c not in chosen]
    if not skipped:
        return None
    names = join_words(CADENCES[c].lower() for c in skipped)
    holder = (
        f"{package.name} includes" if package is not None else "Our rhythm includes"
    )
    return Gap(
        topic="cadence",
        expects=f"no commitment to {names}",
        standard="our rhythm: " + join_words(CADENCES[c].lower() for c in held),
        talking_point=f"Has not committed to the {names}. Explain what each review "
        "gives them, and agree the rhythm before starting.",
        to_agree=f"{holder} the {names}. Let us talk through what each one gives "
        "you and settle the rhythm before we start.",
        said=_quote(*(c.label for c in q.choices if c.value in chosen)),
    )


def _budget(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> Gap | None:
    budget, choice = _meta(questionnaire, answers, "budget", "monthly_max")
    if not practice.packages or not isinstance(budget, int | float):
        return None
    smallest = min(practice.packages, key=lambda p: p.monthly_price)
    if budget >= smallest.monthly_price:
        return None
    most = format_money(budget, practice.currency)
    price = format_money(smallest.monthly_price, practice.currency)
    return Gap(
        topic="budget",
        expects=f"a budget of up to {most} a month",
        standard=f"our smallest package, {smallest.name}, is {price} a month",
        talking_point="Their budget is below your smallest package. Discuss what "
        "matters most, or whether a partnership fits their stage.",
        to_agree="Your budget is below our smallest package. Let us talk about what "
        "matters most to you, and whether now is the right time to start.",
        said=_quote(_label(choice)),
    )


def _volume(
    questionnaire: Questionnaire, answers: Mapping[str, Any], practice: Practice
) -> Gap | None:
    hours = _chosen(questionnaire, answers, "monthly_hours")
    if not practice.packages or not isinstance(hours, int):
        return None
    largest = max(practice.packages, key=lambda p: p.monthly_hours).monthly_hours
    if hours <= largest:
        return None
    return Gap(
        topic="volume",
        expects=f"{hours} hours of support a month",
        standard=f"our largest package has {largest} hours",
        talking_point=f"Needs {hours} hours a month, more than your largest package "
        f"({largest}). Discuss a larger arrangement or priorities.",
        to_agree=f"You expect about {hours} hours a month; our largest package has "
        f"{largest}. Let us agree the priorities, or a larger arrangement.",
        said=f"about {hours} hours a month",
    )


# one rule per kind of gap, in the order the gaps are listed
RULES: tuple[Rule, ...] = (
    _reply_time,
    _after_hours,
    _weekends,
    _channels,
    _scope,
    _decision_rights,
    _cadence,
    _budget,
    _volume,
)


def find_gaps(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    practice: Practice,
    package: Package | None = None,
) -> tuple[Gap, ...]:
    """Every difference between the answers and the practice's standards, in order;
    the reviews are those of `package` when one is chosen."""
    # quoted labels as the prospect read them: the practice's words and currency
    questionnaire = questionnaire.localised(
        practice.questionnaire_words, practice.currency
    )
    shown = visible_answers(questionnaire, answers)
    gaps = (
        _cadence(questionnaire, shown, practice, package)
        if rule is _cadence
        else rule(questionnaire, shown, practice)
        for rule in RULES
    )
    return tuple(gap for gap in gaps if gap is not None)
