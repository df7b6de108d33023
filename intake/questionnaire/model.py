"""The questionnaire as data: frozen dataclasses (Choice, Band, Condition, Rule,
Question, Step, Scoring, Questionnaire), the vocabulary of the file format (types,
dimensions, roles, placeholders) and the time a questionnaire takes, counted in words.
Read from a file by loader.py. Pure code."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any, TypeVar

from ..practice import format_money

T = TypeVar("T")

DIMENSIONS = ("fit", "chemistry", "boundaries")
CHOICE_TYPES = ("single", "multi", "scale")
TEXT_TYPES = ("text", "long_text", "email")
TYPES = (*CHOICE_TYPES, *TEXT_TYPES, "number", "date")
SCALE_VALUES = ("1", "2", "3", "4", "5")

# role -> the question types that may carry it
ROLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "contact_name": ("text",),
        "contact_email": ("email",),
        "business_name": ("text",),
        "engagement": ("single",),
        "need_regularity": ("single",),
        "handover": ("single",),
        "partner_kind": ("single",),
        "monthly_hours": ("number",),
        "service_areas": ("multi",),
        "work_mix": ("single",),
        "reply_time": ("single",),
        "availability": ("single",),
        "weekends": ("single",),
        "channels": ("multi",),
        "review_cadence": ("multi",),
        "beyond_scope": ("single",),
        "stance": ("single",),
        "authority": ("multi",),
        "owner_access": ("single",),
        "current_help": ("multi",),
        "budget": ("single",),
        "start_date": ("date",),
        "needs_summary": ("long_text", "text"),
        "consent": ("multi", "single"),
    }
)

# {name} in a text is filled from the practice's details: name -> default words
PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "reply_time": "1 business day",
        "office_hours": "Monday to Friday, 09:00–17:00",
    }
)
PLACEHOLDER_PATTERN = re.compile(r"\{(money:\d{1,9}|[a-z_]{1,40})\}")
# Time to answer, measured in words: a prospect reads every word shown (the label, the
# help, each choice) at READING_WPM, then spends the type's own seconds answering.
READING_WPM = 200  # words a minute: a careful read on a phone
ANSWER_SECONDS: Mapping[str, int] = MappingProxyType(
    {
        "text": 8,
        "email": 8,
        "number": 6,
        "date": 6,
        "long_text": 75,  # a few sentences typed on a phone
        "single": 3,
        "multi": 6,  # several ticks
        "scale": 4,
    }
)
STEP_SECONDS = 5  # each page: its title and intro aside, moving on and loading
_WORD = re.compile(r"[^\s]+")


@dataclass(frozen=True)
class Choice:
    """One answer a prospect can pick, with what it adds to each dimension."""

    value: str
    label: str
    points: Mapping[str, int] = field(default_factory=dict)
    flag: str | None = None
    knockout: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)
    cost: int = 0  # points the flag takes off the overall score
    exclusive: bool = False  # multi only: cannot be ticked with any other choice


@dataclass(frozen=True)
class Band:
    """A range of a number answer: applies when the answer is below `below`."""

    below: int | None
    points: Mapping[str, int] = field(default_factory=dict)
    flag: str | None = None
    knockout: bool = False
    cost: int = 0


@dataclass(frozen=True)
class Condition:
    question: str
    values: frozenset[str]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether the answer to the question is (or, for multi, includes) a value."""
        answer = answers.get(self.question)
        if answer is None:
            return False
        given = answer if isinstance(answer, list | tuple) else [answer]
        return any(str(a) in self.values for a in given)


@dataclass(frozen=True)
class Rule:
    """An interaction between answers: points (and a flag) when the conditions hold.

    It applies when every condition of `all` holds and at least `at_least` of `any` do.
    """

    id: str
    label: str
    all: tuple[Condition, ...] = ()
    any: tuple[Condition, ...] = ()
    at_least: int = 0
    points: Mapping[str, int] = field(default_factory=dict)
    flag: str | None = None
    cost: int = 0

    @property
    def questions(self) -> frozenset[str]:
        return frozenset(c.question for c in (*self.all, *self.any))

    def applies(self, answers: Mapping[str, Any]) -> bool:
        if not all(c.holds(answers) for c in self.all):
            return False
        return sum(c.holds(answers) for c in self.any) >= self.at_least


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str
    step_id: str
    help: str = ""
    required: bool = False
    show_if: Condition | None = None
    role: str | None = None
    max_length: int = 0
    placeholder: str = ""
    choices: tuple[Choice, ...] = ()
    min_choices: int = 0
    max_choices: int = 0
    low_label: str = ""
    high_label: str = ""
    minimum: int = 0
    maximum: int = 0
    unit: str = ""
    bands: tuple[Band, ...] = ()

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @cached_property
    def is_scored(self) -> bool:
        options = self.choices if self.is_choice else self.bands
        return any(o.points or o.flag for o in options)

    def choice(self, value: object) -> Choice | None:
        """The choice whose value is `value` (scale answers may be ints), or None."""
        return self._choice_by_value.get(str(value))

    @cached_property
    def _choice_by_value(self) -> Mapping[str, Choice]:
        by_value: dict[str, Choice] = {}
        for c in self.choices:
            by_value.setdefault(c.value, c)  # the first, as a search in order finds
        return by_value

    def band_for(self, number: int) -> Band | None:
        return next(
            (b for b in self.bands if b.below is None or number < b.below), None
        )


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Scoring:
    weights: Mapping[str, float]
    strong_fit: int
    possible_fit: int
    dimension_floor: int
    flag_cost: int = 0  # what a red flag costs the overall unless it says otherwise
    knockout_cap: int = 0  # the highest overall a knocked-out prospect can have


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    intro: str
    steps: tuple[Step, ...]
    scoring: Scoring
    rules: tuple[Rule, ...] = ()
    source: str = field(repr=False, compare=False, default="")
    digest: str = field(compare=False, default="")

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for step in self.steps for q in step.questions)

    @cached_property
    def _by_id(self) -> Mapping[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def _by_role(self) -> Mapping[str, Question]:
        return {q.role: q for q in self.questions if q.role}

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def by_role(self, role: str) -> Question | None:
        return self._by_role.get(role)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def step_number(self, step_id: str) -> int:
        """1-based position of the step; 0 when unknown."""
        ids = [s.id for s in self.steps]
        return ids.index(step_id) + 1 if step_id in ids else 0

    def is_visible(self, question: Question, answers: Mapping[str, Any]) -> bool:
        """Whether the question is shown, given the answers to the questions before it."""
        cond = question.show_if
        if cond is None:
            return True
        controller = self._by_id[cond.question]
        return self.is_visible(controller, answers) and cond.holds(answers)

    def visible_questions(self, answers: Mapping[str, Any]) -> tuple[Question, ...]:
        shown: dict[str, bool] = {}  # what is_visible says, each question decided once

        def is_shown(q: Question) -> bool:
            if q.id not in shown:
                cond = q.show_if
                shown[q.id] = cond is None or (
                    is_shown(self._by_id[cond.question]) and cond.holds(answers)
                )
            return shown[q.id]

        return tuple(q for q in self.questions if is_shown(q))

    def reveal_share(self, question: Question) -> float:
        """How often a question is shown if earlier answers were spread evenly (0-1)."""
        cond = question.show_if
        if cond is None:
            return 1.0
        controller = self._by_id[cond.question]
        share = len(cond.values) / max(len(controller.choices), 1)
        return min(share, 1.0) * self.reveal_share(controller)

    @cached_property
    def typical_questions(self) -> tuple[Question, ...]:
        """The questions most prospects see: follow-ups revealed by most answers."""
        return tuple(q for q in self.questions if self.reveal_share(q) > 0.5)

    @cached_property
    def estimated_seconds(self) -> int:
        """Expected time to answer, from the words a prospect reads and each question
        type's answering time, times how often the question is shown; optional
        questions count half, as many are skipped. Each step adds its intro's words."""
        steps = sum(STEP_SECONDS + reading_seconds(s.intro) for s in self.steps)
        return round(
            steps
            + sum(
                seconds_for(q) * self.reveal_share(q) * (1 if q.required else 0.5)
                for q in self.questions
            )
        )

    @property
    def estimated_minutes(self) -> int:
        """The estimate to the nearest minute, for the start page."""
        return max(1, round(self.estimated_seconds / 60))

    def localised(self, words: Mapping[str, str], currency: str) -> Questionnaire:
        """A copy whose texts name the practice's standards and currency.

        `words` fills the {name} placeholders (see PLACEHOLDERS; missing ones keep their
        default) and `currency` the {money:N} ones. Ids, values, points and digest are
        unchanged, so answers and scores are the same as with the original.
        """
        key = (tuple(sorted(words.items())), currency)
        cache = self._localised
        if key not in cache:
            cache[key] = fill_questionnaire(self._raw or self, words, currency)
        localised: Questionnaire = cache[key]
        return localised

    @cached_property
    def _localised(self) -> dict[object, Questionnaire]:
        return {}

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """`build()`, computed once per questionnaire (which never changes): what pure
        code derives from the definition alone, e.g. scoring's ranges per question."""
        cache = self._memo
        if key not in cache:
            cache[key] = build()
        built: T = cache[key]
        return built

    @cached_property
    def _memo(self) -> dict[str, Any]:
        return {}

    _raw: Questionnaire | None = field(default=None, repr=False, compare=False)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def reading_seconds(text: str) -> float:
    """Seconds to read `text` at READING_WPM."""
    return word_count(text) * 60 / READING_WPM


def seconds_for(question: Question) -> float:
    """Seconds to read a question (label, help, choices, scale ends) and answer it."""
    words = " ".join(
        [question.label, question.help, question.low_label, question.high_label]
        + [c.label for c in question.choices if question.type != "scale"]
    )
    return reading_seconds(words) + ANSWER_SECONDS[question.type]


def fill_text(text: str, words: Mapping[str, str], currency: str) -> str:
    """The text with its {placeholders} written out."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("money:"):
            return format_money(int(name[6:]), currency)
        return words.get(name) or PLACEHOLDERS.get(name, match.group(0))

    return PLACEHOLDER_PATTERN.sub(one, text) if "{" in text else text


def fill_questionnaire(
    raw: Questionnaire, words: Mapping[str, str], currency: str
) -> Questionnaire:
    def fill(text: str) -> str:
        return fill_text(text, words, currency)

    def question(q: Question) -> Question:
        return replace(
            q,
            label=fill(q.label),
            help=fill(q.help),
            placeholder=fill(q.placeholder),
            low_label=fill(q.low_label),
            high_label=fill(q.high_label),
            choices=tuple(replace(c, label=fill(c.label)) for c in q.choices),
        )

    steps = tuple(
        replace(
            s,
            title=fill(s.title),
            intro=fill(s.intro),
            questions=tuple(question(q) for q in s.questions),
        )
        for s in raw.steps
    )
    return replace(
        raw, title=fill(raw.title), intro=fill(raw.intro), steps=steps, _raw=raw
    )
