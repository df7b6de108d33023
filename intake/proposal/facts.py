"""What the answers say, read once by role (never by question id): the facts the
decision and the wording of a recommendation work from. Pure code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..dates import long_date
from ..practice import CADENCES
from ..questionnaire.answers import describe_answer
from ..questionnaire.schema import Question, Questionnaire


def answer_by_role(
    questionnaire: Questionnaire, answers: Mapping[str, Any], role: str
) -> tuple[Question, Any] | tuple[None, None]:
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


def _date_words(iso: str) -> str:
    try:
        return long_date(dt.date.fromisoformat(iso))
    except (TypeError, ValueError):
        return str(iso)


@dataclass(frozen=True)
class Facts:
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


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


# Each reader takes (question, answer) from `answer_by_role`: (None, None) when unanswered.


def _label(q: Question | None, value: Any) -> str:
    return describe_answer(q, value) if q is not None else ""


def _hours(q: Question | None, value: Any) -> tuple[int | None, str]:
    """The hours they said, as a number and in words."""
    hours = _whole_number(value)
    return hours, (describe_answer(q, value) if hours is not None and q else "")


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


def read_start_day(q: Question | None, value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if q is not None else None
    except ValueError:
        return None


def _needs(q: Question | None, value: Any) -> str:
    return str(value) if q is not None and str(value).strip() else ""  # verbatim


def _start(q: Question | None, value: Any) -> str:
    return _date_words(value) if q is not None else ""


def read_facts(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Facts:
    def read(role: str) -> tuple[Question, Any] | tuple[None, None]:
        return answer_by_role(questionnaire, answers, role)

    hours, hours_words = _hours(*read("monthly_hours"))
    work_mix = read("work_mix")
    stance_q, stance = read("stance")
    cadence_labels, refusals = _ticked(*read("review_cadence"))
    budget, budget_label = _budget(*read("budget"))
    return Facts(
        cadence_labels=cadence_labels,
        refusals=refusals,
        budget=budget,
        budget_label=budget_label,
        start_day=read_start_day(*read("start_date")),
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
class Levers:
    """The facts that size the package, and nothing else (see recommended_package)."""

    hours: int | None
    areas: tuple[str, ...]
    share: int | None


def read_levers(questionnaire: Questionnaire, shown: Mapping[str, Any]) -> Levers:
    def read(role: str) -> tuple[Question, Any] | tuple[None, None]:
        return answer_by_role(questionnaire, shown, role)

    return Levers(
        hours=_whole_number(read("monthly_hours")[1]),
        areas=_areas(*read("service_areas")),
        share=_share(*read("work_mix")),
    )
