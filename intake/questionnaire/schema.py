"""The questionnaire definition: frozen dataclasses, and the loader that checks a file.

The format is described in docs/questionnaire-format.md. Loading never raises anything
but DefinitionError, whose message names the file, the question and the problem.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import DefinitionError

DIMENSIONS = ("fit", "chemistry", "boundaries")
CHOICE_TYPES = ("single", "multi", "scale")
TEXT_TYPES = ("text", "long_text", "email")
TYPES = (*CHOICE_TYPES, *TEXT_TYPES, "number", "date")
DEFAULT_MAX_LENGTH = {"text": 200, "long_text": 2000, "email": 254}
HARD_MAX_LENGTH = 5000
MAX_POINTS = 20
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
        "budget": ("single",),
        "start_date": ("date",),
        "needs_summary": ("long_text", "text"),
        "consent": ("multi", "single"),
    }
)

_IDENT = re.compile(r"[a-z][a-z0-9_]{0,39}")
_VALUE = re.compile(r"[a-z0-9_]{1,40}")


@dataclass(frozen=True)
class Choice:
    """One answer a prospect can pick, with what it adds to each dimension."""

    value: str
    label: str
    points: Mapping[str, int] = field(default_factory=dict)
    flag: str | None = None
    knockout: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Band:
    """A range of a number answer: applies when the answer is below `below`."""

    below: int | None
    points: Mapping[str, int] = field(default_factory=dict)
    flag: str | None = None
    knockout: bool = False


@dataclass(frozen=True)
class Condition:
    question: str
    values: frozenset[str]


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

    @property
    def is_scored(self) -> bool:
        options = self.choices if self.is_choice else self.bands
        return any(o.points or o.flag for o in options)

    def choice(self, value: object) -> Choice | None:
        """The choice whose value is `value` (scale answers may be ints), or None."""
        wanted = str(value)
        return next((c for c in self.choices if c.value == wanted), None)

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


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    intro: str
    steps: tuple[Step, ...]
    scoring: Scoring
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
        if not self.is_visible(controller, answers):
            return False
        answer = answers.get(cond.question)
        if answer is None:
            return False
        given = answer if isinstance(answer, list | tuple) else [answer]
        return any(str(a) in cond.values for a in given)

    def visible_questions(self, answers: Mapping[str, Any]) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if self.is_visible(q, answers))


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and check a definition file; raises DefinitionError naming what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(str(path), "", f"cannot be read ({exc})") from None
    return parse_questionnaire(text, source=str(path))


def parse_questionnaire(text: str, *, source: str) -> Questionnaire:
    """Check the TOML text of a definition and build the Questionnaire."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(source, "", f"is not valid TOML ({exc})") from None
    builder = _Builder(source)
    q = builder.questionnaire(data)
    return Questionnaire(
        version=q.version,
        title=q.title,
        intro=q.intro,
        steps=q.steps,
        scoring=q.scoring,
        source=text,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


class _Builder:
    """Walks the parsed TOML, failing with the first problem it meets."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, problem: str):
        raise DefinitionError(self.source, where, problem)

    def _str(self, data, key, where, *, required=True, default=""):
        value = data.get(key, None)
        if value is None:
            if required:
                self.fail(where, f"'{key}' is missing")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(where, f"'{key}' must be a non-empty string")
        return value.strip()

    def _int(self, data, key, where, *, lo, hi, default=None):
        value = data.get(key, default)
        if value is None:
            self.fail(where, f"'{key}' is missing")
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not lo <= value <= hi
        ):
            self.fail(where, f"'{key}' must be a whole number from {lo} to {hi}")
        return value

    def _table(self, value, where, what):
        if not isinstance(value, dict):
            self.fail(where, f"{what} must be a table")
        return value

    def _unknown(self, data, allowed, where):
        extra = sorted(set(data) - set(allowed))
        if extra:
            self.fail(where, f"unknown key '{extra[0]}'")

    def questionnaire(self, data) -> Questionnaire:
        self._unknown(
            data, {"version", "title", "intro", "scoring", "steps"}, "top level"
        )
        version = self._str(data, "version", "top level")
        if len(version) > 40 or not re.fullmatch(r"[A-Za-z0-9._-]+", version):
            self.fail("top level", "'version' must be letters, digits, '.', '_' or '-'")
        title = self._str(data, "title", "top level")
        intro = self._str(data, "intro", "top level", required=False)
        scoring = self.scoring(data.get("scoring"))
        steps_data = data.get("steps")
        if not isinstance(steps_data, list) or not 1 <= len(steps_data) <= 12:
            self.fail("top level", "'steps' must list 1 to 12 [[steps]]")
        self.seen_questions: dict[str, Question] = {}
        self.seen_roles: dict[str, str] = {}
        steps, step_ids = [], set()
        for i, step_data in enumerate(steps_data, 1):
            step = self.step(self._table(step_data, f"step {i}", "a step"), i)
            if step.id in step_ids:
                self.fail(f"step '{step.id}'", "the step id is used twice")
            step_ids.add(step.id)
            steps.append(step)
        return Questionnaire(version, title, intro, tuple(steps), scoring)

    def scoring(self, data) -> Scoring:
        where = "[scoring]"
        if data is None:
            self.fail(where, "the [scoring] table is missing")
        data = self._table(data, where, "[scoring]")
        self._unknown(
            data, {"weights", "strong_fit", "possible_fit", "dimension_floor"}, where
        )
        weights = self._table(data.get("weights"), where, "'weights'")
        self._unknown(weights, DIMENSIONS, f"{where} weights")
        clean = {}
        for dim in DIMENSIONS:
            w = weights.get(dim)
            if (
                isinstance(w, bool)
                or not isinstance(w, int | float)
                or not math.isfinite(w)
                or w <= 0
            ):
                self.fail(where, f"weight of '{dim}' must be a positive number")
            clean[dim] = float(w)
        total = sum(clean.values())
        strong = self._int(data, "strong_fit", where, lo=1, hi=100)
        possible = self._int(data, "possible_fit", where, lo=0, hi=100)
        if possible >= strong:
            self.fail(where, "'possible_fit' must be lower than 'strong_fit'")
        floor = self._int(data, "dimension_floor", where, lo=0, hi=100, default=0)
        return Scoring(
            MappingProxyType({d: w / total for d, w in clean.items()}),
            strong,
            possible,
            floor,
        )

    def step(self, data, number) -> Step:
        where = f"step {number}"
        self._unknown(data, {"id", "title", "intro", "questions"}, where)
        step_id = self._str(data, "id", where)
        if not _IDENT.fullmatch(step_id):
            self.fail(where, f"id '{step_id}' must be lower-case letters, digits and _")
        where = f"step '{step_id}'"
        title = self._str(data, "title", where)
        intro = self._str(data, "intro", where, required=False)
        questions_data = data.get("questions")
        if not isinstance(questions_data, list) or not questions_data:
            self.fail(where, "has no [[steps.questions]]")
        questions = []
        for i, qd in enumerate(questions_data, 1):
            q = self.question(
                self._table(qd, f"{where} question {i}", "a question"), step_id, i
            )
            questions.append(q)
            self.seen_questions[q.id] = q
        return Step(step_id, title, intro, tuple(questions))

    def question(self, data, step_id, number) -> Question:
        qid = data.get("id")
        if not isinstance(qid, str) or not _IDENT.fullmatch(qid):
            self.fail(
                f"step '{step_id}' question {number}",
                "'id' must be lower-case letters, digits and _ (at most 40)",
            )
        where = f"question '{qid}'"
        if qid in self.seen_questions:
            self.fail(where, "the id is used twice")
        qtype = data.get("type")
        if qtype not in TYPES:
            self.fail(where, f"'type' must be one of {', '.join(TYPES)}")
        common = {"id", "type", "label", "help", "required", "show_if", "role"}
        per_type = {
            "single": {"choices"},
            "multi": {"choices", "min_choices", "max_choices"},
            "scale": {"low_label", "high_label", "points", "flags"},
            "text": {"max_length", "placeholder"},
            "long_text": {"max_length", "placeholder"},
            "email": {"placeholder"},
            "number": {"min", "max", "unit", "bands", "placeholder"},
            "date": set(),
        }
        self._unknown(data, common | per_type[qtype], where)
        required = data.get("required", False)
        if not isinstance(required, bool):
            self.fail(where, "'required' must be true or false")
        kw: dict[str, Any] = dict(
            id=qid,
            type=qtype,
            label=self._str(data, "label", where),
            step_id=step_id,
            help=self._str(data, "help", where, required=False),
            required=required,
            show_if=self.condition(data.get("show_if"), where),
            role=self.role(data.get("role"), qtype, where),
        )
        if qtype in TEXT_TYPES:
            default = DEFAULT_MAX_LENGTH[qtype]
            kw["max_length"] = self._int(
                data, "max_length", where, lo=1, hi=HARD_MAX_LENGTH, default=default
            )
            kw["placeholder"] = self._str(data, "placeholder", where, required=False)
        elif qtype in ("single", "multi"):
            kw["choices"] = self.choices(data.get("choices"), where)
            if qtype == "multi":
                n = len(kw["choices"])
                kw["min_choices"] = self._int(
                    data, "min_choices", where, lo=0, hi=n, default=0
                )
                kw["max_choices"] = self._int(
                    data, "max_choices", where, lo=1, hi=n, default=n
                )
                if kw["min_choices"] > kw["max_choices"]:
                    self.fail(where, "'min_choices' is larger than 'max_choices'")
        elif qtype == "scale":
            kw["low_label"] = self._str(data, "low_label", where)
            kw["high_label"] = self._str(data, "high_label", where)
            kw["choices"] = self.scale_choices(
                data, where, kw["low_label"], kw["high_label"]
            )
        elif qtype == "number":
            kw["minimum"] = self._int(data, "min", where, lo=-(10**6), hi=10**6)
            kw["maximum"] = self._int(
                data, "max", where, lo=kw["minimum"] + 1, hi=10**6
            )
            kw["unit"] = self._str(data, "unit", where, required=False)
            kw["placeholder"] = self._str(data, "placeholder", where, required=False)
            kw["bands"] = self.bands(data.get("bands"), where)
        return Question(**kw)

    def role(self, role, qtype, where):
        if role is None:
            return None
        if not isinstance(role, str) or role not in ROLES:
            self.fail(where, f"unknown role '{role}'")
        if qtype not in ROLES[role]:
            self.fail(where, f"role '{role}' needs type {' or '.join(ROLES[role])}")
        if role in self.seen_roles:
            self.fail(
                where, f"role '{role}' is already on question '{self.seen_roles[role]}'"
            )
        self.seen_roles[role] = where.split("'")[1]
        return role

    def condition(self, data, where) -> Condition | None:
        if data is None:
            return None
        data = self._table(data, where, "'show_if'")
        self._unknown(data, {"question", "in"}, f"{where} show_if")
        other = data.get("question")
        target = self.seen_questions.get(other) if isinstance(other, str) else None
        if target is None:
            self.fail(
                where, f"show_if refers to '{other}', which is not an earlier question"
            )
        if not target.is_choice:
            self.fail(
                where, f"show_if question '{other}' must be single, multi or scale"
            )
        values = data.get("in")
        if not isinstance(values, list) or not values:
            self.fail(where, "show_if needs 'in', a list of answer values")
        for v in values:
            if target.choice(v) is None:
                self.fail(where, f"show_if value '{v}' is not a choice of '{other}'")
        return Condition(other, frozenset(str(v) for v in values))

    def scoring_keys(self, data, where):
        points = {}
        for dim in DIMENSIONS:
            if dim in data:
                points[dim] = self._int(data, dim, where, lo=-MAX_POINTS, hi=MAX_POINTS)
        flag = self._str(data, "flag", where, required=False) or None
        knockout = data.get("knockout", False)
        if not isinstance(knockout, bool):
            self.fail(where, "'knockout' must be true or false")
        if knockout and not flag:
            self.fail(where, "'knockout' needs a 'flag' giving the reason")
        return MappingProxyType(points), flag, knockout

    def choices(self, data, where) -> tuple[Choice, ...]:
        if not isinstance(data, list) or not 2 <= len(data) <= 20:
            self.fail(where, "'choices' must list 2 to 20 choices")
        out, values = [], set()
        for i, cd in enumerate(data, 1):
            cwhere = f"{where} choice {i}"
            cd = self._table(cd, cwhere, "a choice")
            self._unknown(
                cd, {"value", "label", "flag", "knockout", "meta", *DIMENSIONS}, cwhere
            )
            value = cd.get("value")
            if not isinstance(value, str) or not _VALUE.fullmatch(value):
                self.fail(cwhere, "'value' must be lower-case letters, digits and _")
            if value in values:
                self.fail(cwhere, f"value '{value}' is used twice")
            values.add(value)
            points, flag, knockout = self.scoring_keys(cd, f"{where} choice '{value}'")
            meta = cd.get("meta", {})
            meta = self._table(meta, cwhere, "'meta'")
            for k, v in meta.items():
                if isinstance(v, bool) or not isinstance(v, int | float | str):
                    self.fail(cwhere, f"meta '{k}' must be a number or a string")
            out.append(
                Choice(
                    value,
                    self._str(cd, "label", cwhere),
                    points,
                    flag,
                    knockout,
                    MappingProxyType(dict(meta)),
                )
            )
        return tuple(out)

    def scale_choices(self, data, where, low, high) -> tuple[Choice, ...]:
        points = self._table(data.get("points", {}), where, "'points'")
        self._unknown(points, DIMENSIONS, f"{where} points")
        for dim, row in points.items():
            ok = isinstance(row, list) and len(row) == 5
            if not ok or any(
                isinstance(p, bool) or not isinstance(p, int) or abs(p) > MAX_POINTS
                for p in row
            ):
                self.fail(
                    where, f"points of '{dim}' must be 5 whole numbers from -20 to 20"
                )
        flags = self._table(data.get("flags", {}), where, "'flags'")
        for k, reason in flags.items():
            if k not in SCALE_VALUES:
                self.fail(where, f'flags key \'{k}\' must be "1" to "5"')
            if not isinstance(reason, str) or not reason.strip():
                self.fail(where, f"flag for {k} must be a non-empty string")
        labels = {"1": f"1 – {low}", "5": f"5 – {high}"}
        return tuple(
            Choice(
                v,
                labels.get(v, v),
                MappingProxyType({d: row[i] for d, row in points.items()}),
                flags.get(v),
            )
            for i, v in enumerate(SCALE_VALUES)
        )

    def bands(self, data, where) -> tuple[Band, ...]:
        if data is None:
            return ()
        if not isinstance(data, list) or not data:
            self.fail(where, "'bands' must be a list of tables")
        out, last = [], None
        for i, bd in enumerate(data, 1):
            bwhere = f"{where} band {i}"
            bd = self._table(bd, bwhere, "a band")
            self._unknown(bd, {"below", "flag", "knockout", *DIMENSIONS}, bwhere)
            below = bd.get("below")
            is_last = i == len(data)
            if is_last and below is not None:
                self.fail(bwhere, "the last band must not have 'below'")
            if not is_last:
                below = self._int(bd, "below", bwhere, lo=-(10**6), hi=10**6)
                if last is not None and below <= last:
                    self.fail(bwhere, "'below' must grow from band to band")
                last = below
            points, flag, knockout = self.scoring_keys(bd, bwhere)
            out.append(Band(below, points, flag, knockout))
        return tuple(out)
