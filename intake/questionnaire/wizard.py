"""The wizard's rules: what a posted step means and where the prospect goes next. Pure code.

The step view parses the request into `Posted`, calls `advance`, and saves, renders or
redirects as the `Outcome` says. Every rule about revealed questions, Back, messages
and the next page lives here, so it can be tested without a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .answers import REQUIRED_MESSAGE, clean_answers
from .schema import Questionnaire, Step

REVIEW: Literal["review"] = "review"
REVEALED_NOTICE = (
    "Thank you. Your answer opened one more question below; please have a look."
)


@dataclass(frozen=True)
class Posted:
    """One step as the browser sent it."""

    answers: Mapping[str, Any]  # question id -> raw value
    back: bool = False  # the prospect pressed Back
    then_review: bool = False  # they came from the review page and return there
    shown: frozenset[str] | None = None  # ids the page showed; None: it did not say


@dataclass(frozen=True)
class Outcome:
    """What to do with a posted step."""

    save: Mapping[str, Any] | None  # the step's answers to store; None stores nothing
    go_to: int | Literal["review"] | None  # a step number, REVIEW, or None: show again
    errors: Mapping[str, str] = field(default_factory=dict)  # question id -> message
    notice: str = ""


def advance(
    questionnaire: Questionnaire,
    step: Step,
    saved: Mapping[str, Any],
    posted: Posted,
) -> Outcome:
    """The outcome of posting `step` over the `saved` answers.

    Next with a problem shows the step again with its messages and saves nothing. Back
    saves what is valid and keeps the previous answer where the new one is not. A
    question that the answers reveal and the prospect has not seen is shown (with a
    notice) instead of being skipped or called missing.
    """
    answers, errors, appeared = _checked(questionnaire, step, saved, posted)
    return _outcome(questionnaire, step, saved, posted, answers, errors, appeared)


def _checked(
    questionnaire: Questionnaire,
    step: Step,
    saved: Mapping[str, Any],
    posted: Posted,
) -> tuple[dict[str, Any], dict[str, str], set[str]]:
    """The step's accepted answers, its problems, and the questions newly shown."""
    answers, errors = clean_answers(
        questionnaire, posted.answers, questions=step.questions, earlier=saved
    )
    appeared = newly_shown(questionnaire, step, posted.shown, saved, answers)
    errors = {
        k: v for k, v in errors.items() if not (k in appeared and v == REQUIRED_MESSAGE)
    }
    return answers, errors, appeared


def _outcome(
    questionnaire: Questionnaire,
    step: Step,
    saved: Mapping[str, Any],
    posted: Posted,
    answers: Mapping[str, Any],
    errors: Mapping[str, str],
    appeared: set[str],
) -> Outcome:
    if errors and not posted.back:
        return Outcome(save=None, go_to=None, errors=errors)
    save = {**answers, **{k: saved[k] for k in errors if k in saved}}
    number = questionnaire.step_number(step.id)
    if posted.back:
        return Outcome(save=save, go_to=max(number - 1, 1))
    if appeared:
        return Outcome(save=save, go_to=None, notice=REVEALED_NOTICE)
    if posted.then_review or number == len(questionnaire.steps):
        return Outcome(save=save, go_to=REVIEW)
    return Outcome(save=save, go_to=number + 1)


def advance_without_saved(
    questionnaire: Questionnaire, step: Step, posted: Posted
) -> Outcome | None:
    """`advance`'s outcome when it cannot depend on the saved answers, else None.

    It cannot when every condition of the step's questions reads earlier questions of
    the same step (`reads_only_its_own_answers`), the page said what it showed or the step
    reveals nothing (otherwise what it showed comes from the saved answers), and no
    answer is refused (Back keeps the saved answer of a refused one; Next shows the
    page again). The outcome then saves the step's answers as they were posted.
    """
    if not reads_only_its_own_answers(questionnaire, step):
        return None
    if posted.shown is None and any(q.show_if for q in step.questions):
        return None
    answers, errors, appeared = _checked(questionnaire, step, {}, posted)
    if errors:
        return None
    return _outcome(questionnaire, step, {}, posted, answers, errors, appeared)


def reads_only_its_own_answers(questionnaire: Questionnaire, step: Step) -> bool:
    """Whether each question's show_if (and its controller's, all the way up) names
    a question before it in the same step: the step is then checked the same way
    whatever the other steps hold, and the answers it has saved before."""

    def build() -> bool:
        before: set[str] = set()
        for question in step.questions:
            if question.show_if and question.show_if.question not in before:
                return False
            before.add(question.id)
        return True

    return questionnaire.memo(f"wizard.own_answers.{step.id}", build)


def newly_shown(
    questionnaire: Questionnaire,
    step: Step,
    shown: frozenset[str] | None,
    saved: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> set[str]:
    """Ids of the step's questions that the answers reveal and the prospect has not seen.

    The page lists the questions it showed in `shown` (kept current by JavaScript as
    questions appear); without JavaScript a question revealed by a click is unseen, so
    the server shows the step once more instead of skipping it or calling it missing.
    """
    if shown is None:
        shown = frozenset(
            q.id for q in step.questions if questionnaire.is_visible(q, saved)
        )
    after = {**saved, **answers}
    for q in step.questions:
        if q.id not in answers:
            after.pop(q.id, None)
    return {
        q.id
        for q in step.questions
        if q.show_if
        and q.id not in answers
        and q.id not in shown
        and questionnaire.is_visible(q, after)
    }


def reachable_step(steps_done: int) -> int:
    """The furthest step a prospect may open: one past the last one saved."""
    return steps_done + 1


def step_problems(
    questionnaire: Questionnaire, step: Step, answers: Mapping[str, Any]
) -> dict[str, str]:
    """What still blocks this step given the saved answers (question id -> message)."""
    _, errors = clean_answers(
        questionnaire, answers, questions=step.questions, earlier=answers
    )
    return errors


def first_incomplete_step(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> int:
    """Number of the first step with a missing or invalid answer; 0 when all is done."""
    for number, step in enumerate(questionnaire.steps, 1):
        if step_problems(questionnaire, step, answers):
            return number
    return 0


def resume_at(
    questionnaire: Questionnaire, answers: Mapping[str, Any], steps_done: int
) -> int | Literal["review"]:
    """Where a resumed draft opens: its first incomplete step, else the review page."""
    missing = first_incomplete_step(questionnaire, answers)
    return min(missing, reachable_step(steps_done)) if missing else REVIEW
