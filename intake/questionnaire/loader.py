"""Loading a questionnaire: the TOML file read and checked, and the model built.

The format is described in docs/questionnaire-format.md. Loading never raises anything
but DefinitionError, whose message names the file, the question and the problem. A
little over 500 lines, for one job: a check for each part of the format, each naming
where the problem is.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

from .errors import DefinitionError
from .model import (
    DIMENSIONS,
    PLACEHOLDER_PATTERN,
    PLACEHOLDERS,
    ROLES,
    SCALE_VALUES,
    TEXT_TYPES,
    TYPES,
    Band,
    Choice,
    Condition,
    Question,
    Questionnaire,
    Rule,
    Scoring,
    Step,
    fill_questionnaire,
)

DEFAULT_MAX_LENGTH = {"text": 200, "long_text": 2000, "email": 254}
HARD_MAX_LENGTH = 5000
MAX_POINTS = 20
MAX_COST = 50

_COMMON_KEYS = frozenset({"id", "type", "label", "help", "required", "show_if", "role"})
_TYPE_KEYS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "single": frozenset({"choices"}),
        "multi": frozenset({"choices", "min_choices", "max_choices"}),
        "scale": frozenset({"low_label", "high_label", "points", "flags"}),
        "text": frozenset({"max_length", "placeholder"}),
        "long_text": frozenset({"max_length", "placeholder"}),
        "email": frozenset({"placeholder"}),
        "number": frozenset({"min", "max", "unit", "bands", "placeholder"}),
        "date": frozenset(),
    }
)
_SCORING_KEYS = frozenset({"flag", "knockout", "cost", *DIMENSIONS})

_IDENT = re.compile(r"[a-z][a-z0-9_]{0,39}")
_VALUE = re.compile(r"[a-z0-9_]{1,40}")


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
    raw = replace(
        builder.questionnaire(data),
        source=text,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    return fill_questionnaire(raw, {}, "")


class _Builder:
    """Walks the parsed TOML, failing with the first problem it meets."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, problem: str) -> NoReturn:
        raise DefinitionError(self.source, where, problem)

    def _str(self, data, key, where, *, required=True, default=""):
        value = data.get(key, None)
        if value is None:
            if required:
                self.fail(where, f"'{key}' is missing")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(where, f"'{key}' must be a non-empty string")
        self._placeholders(value, f"{where} '{key}'")
        return value.strip()

    def _placeholders(self, text: str, where: str) -> None:
        for match in re.finditer(r"\{([^{}]*)\}", text):
            name = match.group(1)
            if not PLACEHOLDER_PATTERN.fullmatch(match.group(0)) or not (
                name.startswith("money:") or name in PLACEHOLDERS
            ):
                known = ", ".join(f"{{{n}}}" for n in PLACEHOLDERS)
                self.fail(
                    where,
                    f"unknown placeholder '{{{name}}}' (known: {known}, {{money:500}})",
                )
        if re.sub(r"\{[^{}]*\}", "", text).count("{") or "}" in re.sub(
            r"\{[^{}]*\}", "", text
        ):
            self.fail(where, "has a '{' or '}' that is not part of a placeholder")

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
            data,
            {"version", "title", "intro", "scoring", "steps", "rules"},
            "top level",
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
        self.flag_cost = scoring.flag_cost
        self.seen_questions: dict[str, Question] = {}
        self.seen_roles: dict[str, str] = {}
        steps, step_ids = [], set()
        for i, step_data in enumerate(steps_data, 1):
            step = self.step(self._table(step_data, f"step {i}", "a step"), i)
            if step.id in step_ids:
                self.fail(f"step '{step.id}'", "the step id is used twice")
            step_ids.add(step.id)
            steps.append(step)
        rules = self.rules(data.get("rules", []))
        return Questionnaire(version, title, intro, tuple(steps), scoring, rules)

    def rules(self, data) -> tuple[Rule, ...]:
        if not isinstance(data, list) or len(data) > 40:
            self.fail("top level", "'rules' must list at most 40 [[rules]]")
        out, ids = [], set()
        for i, rd in enumerate(data, 1):
            rule = self.rule(self._table(rd, f"rule {i}", "a rule"), i)
            if rule.id in ids:
                self.fail(f"rule '{rule.id}'", "the rule id is used twice")
            ids.add(rule.id)
            out.append(rule)
        return tuple(out)

    def rule(self, data, number) -> Rule:
        rule_id = data.get("id")
        if not isinstance(rule_id, str) or not _IDENT.fullmatch(rule_id):
            self.fail(f"rule {number}", "'id' must be lower-case letters, digits and _")
        where = f"rule '{rule_id}'"
        keys = {"id", "label", "all", "any", "at_least", "flag", "cost", *DIMENSIONS}
        self._unknown(data, keys, where)
        label = self._str(data, "label", where)
        all_of = self.rule_conditions(data.get("all", []), where, "all")
        any_of = self.rule_conditions(data.get("any", []), where, "any")
        if not all_of and not any_of:
            self.fail(where, "needs conditions in 'all' or 'any'")
        at_least = self._int(
            data, "at_least", where, lo=1, hi=max(len(any_of), 1), default=1
        )
        if not any_of:
            at_least = 0
        points, flag, _, cost = self.scoring_keys(data, where)
        if not points and not flag:
            self.fail(where, "a rule needs points or a flag")
        return Rule(rule_id, label, all_of, any_of, at_least, points, flag, cost)

    def rule_conditions(self, data, where, key) -> tuple[Condition, ...]:
        if not isinstance(data, list) or len(data) > 10:
            self.fail(where, f"'{key}' must be a list of at most 10 conditions")
        out = []
        for cd in data:
            cd = self._table(cd, where, f"each condition of '{key}'")
            condition = self.condition(cd, where, earlier_only=False)
            if condition is not None:  # None only for no table, refused above
                out.append(condition)
        return tuple(out)

    def scoring(self, data) -> Scoring:
        where = "[scoring]"
        if data is None:
            self.fail(where, "the [scoring] table is missing")
        data = self._table(data, where, "[scoring]")
        known = {"weights", "strong_fit", "possible_fit", "dimension_floor"}
        self._unknown(data, known | {"flag_cost", "knockout_cap"}, where)
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
        flag_cost = self._int(data, "flag_cost", where, lo=0, hi=MAX_COST, default=0)
        cap = self._int(
            data, "knockout_cap", where, lo=0, hi=100, default=max(possible - 1, 0)
        )
        if possible and cap >= possible:
            self.fail(where, "'knockout_cap' must be lower than 'possible_fit'")
        return Scoring(
            MappingProxyType({d: w / total for d, w in clean.items()}),
            strong,
            possible,
            floor,
            flag_cost,
            cap,
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
        self._unknown(data, _COMMON_KEYS | _TYPE_KEYS[qtype], where)
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
            kw.update(self.text_keys(data, qtype, where))
        elif qtype in ("single", "multi"):
            kw.update(self.choice_keys(data, qtype, where))
        elif qtype == "scale":
            kw["low_label"] = self._str(data, "low_label", where)
            kw["high_label"] = self._str(data, "high_label", where)
            kw["choices"] = self.scale_choices(
                data, where, kw["low_label"], kw["high_label"]
            )
        elif qtype == "number":
            kw.update(self.number_keys(data, where))
        return Question(**kw)

    def text_keys(self, data, qtype, where) -> dict[str, Any]:
        default = DEFAULT_MAX_LENGTH[qtype]
        return {
            "max_length": self._int(
                data, "max_length", where, lo=1, hi=HARD_MAX_LENGTH, default=default
            ),
            "placeholder": self._str(data, "placeholder", where, required=False),
        }

    def choice_keys(self, data, qtype, where) -> dict[str, Any]:
        fewest = 1 if qtype == "multi" else 2  # one box to tick is a multi of one
        choices = self.choices(data.get("choices"), where, fewest)
        kw: dict[str, Any] = {"choices": choices}
        if qtype == "single":
            if any(c.exclusive for c in choices):
                self.fail(where, "'exclusive' is for the choices of a multi question")
            return kw
        n = len(choices)
        kw["min_choices"] = self._int(data, "min_choices", where, lo=0, hi=n, default=0)
        kw["max_choices"] = self._int(data, "max_choices", where, lo=1, hi=n, default=n)
        if kw["min_choices"] > kw["max_choices"]:
            self.fail(where, "'min_choices' is larger than 'max_choices'")
        if n > 1 and all(c.exclusive for c in choices):
            self.fail(where, "at most all but one choice can be 'exclusive'")
        return kw

    def number_keys(self, data, where) -> dict[str, Any]:
        minimum = self._int(data, "min", where, lo=-(10**6), hi=10**6)
        return {
            "minimum": minimum,
            "maximum": self._int(data, "max", where, lo=minimum + 1, hi=10**6),
            "unit": self._str(data, "unit", where, required=False),
            "placeholder": self._str(data, "placeholder", where, required=False),
            "bands": self.bands(data.get("bands"), where),
        }

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

    def condition(self, data, where, *, earlier_only=True) -> Condition | None:
        """A show_if (about an earlier question) or a rule condition (any question)."""
        if data is None:
            return None
        what = "show_if" if earlier_only else "a condition"
        data = self._table(data, where, what)
        self._unknown(data, {"question", "in"}, f"{where} {what}")
        other = data.get("question")
        target = self.seen_questions.get(other) if isinstance(other, str) else None
        if target is None:
            place = "an earlier question" if earlier_only else "a question"
            self.fail(where, f"{what} refers to '{other}', which is not {place}")
        if not target.is_choice:
            self.fail(
                where, f"{what} question '{other}' must be single, multi or scale"
            )
        values = data.get("in")
        if not isinstance(values, list) or not values:
            self.fail(where, f"{what} needs 'in', a list of answer values")
        for v in values:
            if target.choice(v) is None:
                self.fail(where, f"{what} value '{v}' is not a choice of '{other}'")
        return Condition(other, frozenset(str(v) for v in values))

    def scoring_keys(self, data, where):
        """(points, flag, knockout, cost) of a choice, band or rule."""
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
        if "cost" in data and not flag:
            self.fail(where, "'cost' is what a flag costs the overall; add the 'flag'")
        cost = self._int(data, "cost", where, lo=0, hi=MAX_COST, default=self.flag_cost)
        return MappingProxyType(points), flag, knockout, (cost if flag else 0)

    def choices(self, data, where, fewest=2) -> tuple[Choice, ...]:
        if not isinstance(data, list) or not fewest <= len(data) <= 20:
            self.fail(where, f"'choices' must list {fewest} to 20 choices")
        out, values = [], set()
        for i, cd in enumerate(data, 1):
            cwhere = f"{where} choice {i}"
            cd = self._table(cd, cwhere, "a choice")
            self._unknown(
                cd, {"value", "label", "meta", "exclusive"} | _SCORING_KEYS, cwhere
            )
            value = cd.get("value")
            if not isinstance(value, str) or not _VALUE.fullmatch(value):
                self.fail(cwhere, "'value' must be lower-case letters, digits and _")
            if value in values:
                self.fail(cwhere, f"value '{value}' is used twice")
            values.add(value)
            out.append(self.choice(cd, value, f"{where} choice '{value}'"))
        return tuple(out)

    def choice(self, cd, value, where) -> Choice:
        points, flag, knockout, cost = self.scoring_keys(cd, where)
        meta = self._table(cd.get("meta", {}), where, "'meta'")
        for k, v in meta.items():
            if isinstance(v, bool) or not isinstance(v, int | float | str):
                self.fail(where, f"meta '{k}' must be a number or a string")
        exclusive = cd.get("exclusive", False)
        if not isinstance(exclusive, bool):
            self.fail(where, "'exclusive' must be true or false")
        return Choice(
            value,
            self._str(cd, "label", where),
            points,
            flag,
            knockout,
            MappingProxyType(dict(meta)),
            cost,
            exclusive,
        )

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
        flagged = {k: self.scale_flag(k, v, where) for k, v in flags.items()}
        labels = {"1": f"1 – {low}", "5": f"5 – {high}"}
        return tuple(
            Choice(
                v,
                labels.get(v, v),
                MappingProxyType({d: row[i] for d, row in points.items()}),
                flagged[v][0] if v in flagged else None,
                cost=flagged[v][1] if v in flagged else 0,
            )
            for i, v in enumerate(SCALE_VALUES)
        )

    def scale_flag(self, key, value, where) -> tuple[str, int]:
        """A scale flag: "reason", or { reason = "...", cost = 4 }."""
        if key not in SCALE_VALUES:
            self.fail(where, f'flags key \'{key}\' must be "1" to "5"')
        if isinstance(value, dict):
            fwhere = f"{where} flag {key}"
            self._unknown(value, {"reason", "cost"}, fwhere)
            reason = self._str(value, "reason", fwhere)
            cost = self._int(
                value, "cost", fwhere, lo=0, hi=MAX_COST, default=self.flag_cost
            )
            return reason, cost
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"flag for {key} must be a non-empty string or a table")
        self._placeholders(value, f"{where} flag {key}")
        return value.strip(), self.flag_cost

    def bands(self, data, where) -> tuple[Band, ...]:
        if data is None:
            return ()
        if not isinstance(data, list) or not data:
            self.fail(where, "'bands' must be a list of tables")
        out, last = [], None
        for i, bd in enumerate(data, 1):
            bwhere = f"{where} band {i}"
            bd = self._table(bd, bwhere, "a band")
            self._unknown(bd, {"below"} | _SCORING_KEYS, bwhere)
            below = bd.get("below")
            is_last = i == len(data)
            if is_last and below is not None:
                self.fail(bwhere, "the last band must not have 'below'")
            if not is_last:
                below = self._int(bd, "below", bwhere, lo=-(10**6), hi=10**6)
                if last is not None and below <= last:
                    self.fail(bwhere, "'below' must grow from band to band")
                last = below
            points, flag, knockout, cost = self.scoring_keys(bd, bwhere)
            out.append(Band(below, points, flag, knockout, cost))
        return tuple(out)
