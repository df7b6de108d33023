"""Checking answers against the questionnaire: the one place answers are validated.

The web forms and the CLI both call these functions, so the server never trusts what
a browser decided. Answers come back in a canonical shape: str for single, text,
email and date (ISO), int for scale and number, list[str] for multi.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email

from ..text import clean_text
from .errors import InvalidAnswer, InvalidAnswers
from .schema import Question, Questionnaire

_MAX_NUMBER_CHARS = 12

REQUIRED_MESSAGE = "Please answer this question."

# Addresses at reserved test domains (name@example.test) are accepted in development
# and tests, where they are the addresses to use; production stays strict. Set once per
# process by the app (registry.init_app), from the environment.
_test_domains = {"allowed": False}


def allow_test_domains(allowed: bool) -> None:
    """Whether e-mail addresses at the reserved `.test` domain are valid answers."""
    _test_domains["allowed"] = bool(allowed)


def _as_list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return list(raw)
    return [raw]


def _single_value(raw: Any, kind: str) -> Any:
    """A single answer from a web list of one, or as given."""
    if isinstance(raw, list | tuple):
        raw = [r for r in raw if r not in (None, "")]
        if len(raw) > 1:
            if kind in ("single", "scale"):
                raise InvalidAnswer("Please choose only one answer.")
            raise InvalidAnswer("Please give one answer only.")
        return raw[0] if raw else None
    return raw


def _is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return clean_text(raw) == ""
    if isinstance(raw, list | tuple):
        return all(_is_blank(r) for r in raw)
    return False


def _refuse_huge_ints(raw: Any) -> None:
    """Integers too long to print (Python refuses str() past 4300 digits) are not answers."""
    for item in raw if isinstance(raw, list | tuple) else [raw]:
        if (
            isinstance(item, int)
            and not isinstance(item, bool)
            and item.bit_length() > 64
        ):
            raise InvalidAnswer("That number is far too large.")


def clean_answer(question: Question, raw: Any) -> Any:
    """The canonical form of one non-blank answer; raises InvalidAnswer with a message."""
    kind = question.type
    if kind != "number":  # numbers get their range message instead
        _refuse_huge_ints(raw)
    if kind == "multi":
        return _clean_multi(question, raw)
    raw = _single_value(raw, kind)
    if kind in ("single", "scale"):
        if (
            isinstance(raw, bool)
            or not isinstance(raw, str | int)
            or question.choice(raw) is None
        ):
            raise InvalidAnswer("Please choose from the options shown.")
        return int(raw) if kind == "scale" else str(raw)
    if kind == "number":
        return _clean_number(question, raw)
    return _clean_text(question, raw)


def _clean_multi(question: Question, raw: Any) -> list[str]:
    items = [v for v in _as_list(raw) if not _is_blank(v)]
    if any(isinstance(v, bool) or not isinstance(v, str | int) for v in items):
        raise InvalidAnswer("Please choose from the options shown.")
    values = [str(v) for v in items]
    known = {c.value for c in question.choices}
    if any(v not in known for v in values):
        raise InvalidAnswer("Please choose from the options shown.")
    chosen = [c for c in question.choices if c.value in values]
    alone = next((c for c in chosen if c.exclusive), None)
    if alone is not None and len(chosen) > 1:
        name = alone.label.split(":")[0].split(";")[0]
        raise InvalidAnswer(
            f"“{name}” cannot be ticked together with other answers; "
            "please untick one or the other."
        )
    if len(chosen) < question.min_choices:
        raise InvalidAnswer(f"Please choose at least {question.min_choices}.")
    if len(chosen) > question.max_choices:
        raise InvalidAnswer(f"Please choose at most {question.max_choices}.")
    return [c.value for c in chosen]


def _clean_text(question: Question, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidAnswer("Please type your answer as text.")
    # the one normalisation of free text (intake.text): no NUL, control or bidi
    # override characters; only a long answer keeps its lines
    text = clean_text(str(raw), multiline=question.type == "long_text")
    if question.type == "date":
        return _clean_date(text)
    if len(text) > question.max_length:
        raise InvalidAnswer(
            f"Please keep this to {question.max_length} characters or fewer "
            f"(it is {len(text)} now)."
        )
    if question.type == "email":
        try:
            return validate_email(
                text,
                check_deliverability=False,
                test_environment=_test_domains["allowed"],
            ).normalized
        except EmailNotValidError:
            raise InvalidAnswer(
                "Please enter an e-mail address like name@example.com."
            ) from None
    return text


def _clean_number(question: Question, raw: Any) -> int:
    if isinstance(raw, bool):
        raise InvalidAnswer("Please enter a whole number.")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if len(text) > _MAX_NUMBER_CHARS or not re.fullmatch(r"[+-]?\d+", text):
            raise InvalidAnswer("Please enter a whole number, such as 20.")
        raw = int(text)
    if not isinstance(raw, int):
        raise InvalidAnswer("Please enter a whole number, such as 20.")
    if raw < question.minimum and question.minimum > 0:
        unit = f" ({question.unit})" if question.unit else ""
        raise InvalidAnswer(
            f"Please enter at least {question.minimum}{unit}; a rough estimate is "
            "fine, and we will refine it together."
        )
    if not question.minimum <= raw <= question.maximum:
        raise InvalidAnswer(
            f"Please enter a number from {question.minimum} to {question.maximum}."
        )
    return raw


def _clean_date(text: str) -> str:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidAnswer(
            "Please enter a date as YYYY-MM-DD, such as 2027-01-15."
        ) from None
    if not 2000 <= day.year <= 2100:
        raise InvalidAnswer("Please enter a date between the years 2000 and 2100.")
    return day.isoformat()


def clean_answers(
    questionnaire: Questionnaire,
    raw: Mapping[str, Any],
    *,
    questions: Iterable[Question] | None = None,
    earlier: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the answers to `questions` (all by default) in order.

    `earlier` holds answers already accepted for other questions; show_if conditions
    read both. Returns (answers, errors): answers of the shown, non-blank questions,
    and question id -> message. Hidden questions are left out whatever was sent.
    """
    merged: dict[str, Any] = dict(earlier or {})
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questionnaire.questions if questions is None else questions:
        merged.pop(question.id, None)
        if not questionnaire.is_visible(question, merged):
            continue
        value = raw.get(question.id)
        try:
            if _is_blank(value) or (question.type == "multi" and not _as_list(value)):
                if question.required:
                    errors[question.id] = REQUIRED_MESSAGE
                continue
            cleaned = clean_answer(question, value)
        except InvalidAnswer as exc:
            errors[question.id] = exc.message
            continue
        if question.type == "multi" and not cleaned:
            if question.required:
                errors[question.id] = REQUIRED_MESSAGE
            continue
        answers[question.id] = merged[question.id] = cleaned
    return answers, errors


def check_complete_answers(
    questionnaire: Questionnaire, raw: Mapping[str, Any]
) -> dict[str, Any]:
    """Every answer checked, unknown ids refused; raises InvalidAnswers listing them all."""
    errors = {
        key: "is not a question of this questionnaire"
        for key in raw
        if questionnaire.question(key) is None
    }
    answers, problems = clean_answers(questionnaire, raw)
    errors.update(problems)
    if errors:
        raise InvalidAnswers(errors)
    return answers


def visible_answers(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """The stored answers of the questions currently shown (hidden ones dropped)."""
    shown = {q.id for q in questionnaire.visible_questions(answers)}
    return {k: v for k, v in answers.items() if k in shown}


def describe_answer(question: Question, value: Any) -> str:
    """The answer as the prospect would read it (choice labels, units)."""
    if value is None or value == [] or value == "":
        return ""
    if question.type == "multi":
        return ", ".join(c.label for c in question.choices if c.value in value)
    if question.type == "scale":
        choice = question.choice(value)
        if choice is None or choice.label != str(value):
            return choice.label if choice else str(value)
        return f"{value} of 5"
    if question.type == "single":
        choice = question.choice(value)
        return choice.label if choice else str(value)
    if question.type == "number":
        return f"{value} {question.unit}".strip()
    return str(value)
