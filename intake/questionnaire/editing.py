"""Edits to a draft questionnaire as plain data: TOML text in, TOML text out. Pure.

The editor in the workspace never writes TOML by hand: it reads the draft's text into
the nested dicts and lists `tomllib` gives (`load`), changes them with the functions
below, writes them back (`dump`) and checks the result with the same loader as the
shipped file (`check` -> `parse_questionnaire`). A change the loader refuses is not
saved; the caller shows its message beside the field.

For other modules (the outcomes report takes suggested point changes into a draft):

- `apply_point_changes(toml_text, changes) -> str`: `changes` is a list of
  `(question_id, choice_value, dimension, new_points)`; the points of those choices
  are set (0 removes the key), everything else is kept; the result is checked by the
  loader (DefinitionError if it refuses it, EditError for an unknown id or value).
  Save it with `intake.editor.store.save_draft_text(text, user)`.

Comments of a file are not kept once the editor has changed it (the raw TOML page
keeps the text exactly as typed).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable
from typing import Any

import tomli_w

from .errors import DefinitionError, IntakeError
from .schema import DIMENSIONS, MAX_POINTS, Questionnaire, parse_questionnaire

# a table of the parsed TOML (the top level, a step, a question, a choice, a rule)
Table = dict[str, Any]
DRAFT_SOURCE = "the draft"
MAX_STEPS = 12


class EditError(IntakeError):
    """An edit that names something the draft does not have; `message` is for people."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def load(text: str) -> dict[str, Any]:
    """The draft's TOML as nested dicts and lists (DefinitionError if it is not TOML)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(DRAFT_SOURCE, "", f"is not valid TOML ({exc})") from None


def dump(data: dict[str, Any]) -> str:
    """The data as TOML text, ordered as the shipped file is (top level, scoring,
    steps, rules)."""
    order = ("version", "title", "intro", "scoring", "steps", "rules")
    ordered = {k: data[k] for k in order if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered})
    return tomli_w.dumps(ordered, multiline_strings=True)


def check(text: str) -> Questionnaire:
    """The draft checked by the loader rules of the shipped file."""
    return parse_questionnaire(text, source=DRAFT_SOURCE)


def edited(text: str, change: Callable[..., object], *args: Any) -> str:
    """Apply `change(data, *args)` to the draft's text; the new text, checked."""
    data = load(text)
    change(data, *args)
    new = dump(data)
    check(new)
    return new


# ---- finding ---------------------------------------------------------------------


def steps_of(data: Table) -> list[Table]:
    steps: list[Table] = data.setdefault("steps", [])
    return steps


def step_index(data: Table, step_id: str) -> int:
    for i, step in enumerate(steps_of(data)):
        if step.get("id") == step_id:
            return i
    raise EditError(f"The draft has no step '{step_id}'.")


def find_question(data: Table, question_id: str) -> tuple[Table, int]:
    """(the step holding the question, its index in the step)."""
    for step in steps_of(data):
        for i, question in enumerate(step.get("questions", [])):
            if question.get("id") == question_id:
                return step, i
    raise EditError(f"The draft has no question '{question_id}'.")


def question_ids(data: Table) -> list[str]:
    return [q.get("id", "") for s in steps_of(data) for q in s.get("questions", [])]


def rule_index(data: Table, rule_id: str) -> int:
    for i, rule in enumerate(data.get("rules", [])):
        if rule.get("id") == rule_id:
            return i
    raise EditError(f"The draft has no rule '{rule_id}'.")


def new_id(prefix: str, taken: Iterable[str]) -> str:
    """`prefix_2`, `prefix_3`, ...: the first id not taken."""
    taken = set(taken)
    n = 2
    while f"{prefix}_{n}" in taken:
        n += 1
    return f"{prefix}_{n}"


# ---- moving in a list ------------------------------------------------------------


def _move(items: list[Any], index: int, delta: int) -> None:
    target = index + delta
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]


# ---- the top level and steps -----------------------------------------------------


def set_header(data: Table, version: str, title: str, intro: str) -> None:
    data["version"], data["title"] = version.strip(), title.strip()
    _set_optional(data, "intro", intro)


def add_step(data: Table, title: str) -> str:
    steps = steps_of(data)
    if len(steps) >= MAX_STEPS:
        raise EditError(f"A questionnaire has at most {MAX_STEPS} steps.")
    step_id = new_id("step", [s.get("id", "") for s in steps])
    question_id = new_id("question", question_ids(data))
    steps.append(
        {
            "id": step_id,
            "title": title.strip() or "New step",
            "questions": [{"id": question_id, "type": "text", "label": "New question"}],
        }
    )
    return step_id


def set_step(
    data: Table, step_id: str, new_step_id: str, title: str, intro: str
) -> None:
    step = steps_of(data)[step_index(data, step_id)]
    step["id"], step["title"] = new_step_id.strip(), title.strip()
    _set_optional(step, "intro", intro)


def move_step(data: Table, step_id: str, delta: int) -> None:
    _move(steps_of(data), step_index(data, step_id), delta)


def remove_step(data: Table, step_id: str) -> None:
    del steps_of(data)[step_index(data, step_id)]


# ---- questions -------------------------------------------------------------------


def add_question(data: Table, step_id: str, label: str = "") -> str:
    step = steps_of(data)[step_index(data, step_id)]
    question_id = new_id("question", question_ids(data))
    step.setdefault("questions", []).append(
        {"id": question_id, "type": "text", "label": label.strip() or "New question"}
    )
    return question_id


def move_question(data: Table, question_id: str, delta: int) -> None:
    step, index = find_question(data, question_id)
    _move(step["questions"], index, delta)


def remove_question(data: Table, question_id: str) -> None:
    step, index = find_question(data, question_id)
    del step["questions"][index]


# keys the question page edits; any other key of a question (role, meta, bands, the
# points of a scale, max_length...) is kept as it was
QUESTION_FIELDS = (
    "id",
    "type",
    "label",
    "help",
    "required",
    "show_if",
    "placeholder",
    "min",
    "max",
    "unit",
    "low_label",
    "high_label",
    "choices",
)
CHOICE_FIELDS = ("value", "label", *DIMENSIONS, "flag", "cost", "knockout")


def set_question(data: Table, question_id: str, fields: dict[str, Any]) -> None:
    """Replace the edited keys of a question with `fields` (None or '' removes one).

    `fields["choices"]` is a list of choice dicts; a choice keeps the keys the page
    does not edit (meta, exclusive) from the choice whose value it had
    (`fields["choices"][i]["_was"]`).
    """
    step, index = find_question(data, question_id)
    old = step["questions"][index]
    new = {k: v for k, v in old.items() if k not in QUESTION_FIELDS}
    if "choices" in fields and fields["choices"] is not None:
        fields = {**fields, "choices": _merged_choices(old, fields["choices"])}
    for key in QUESTION_FIELDS:
        value = fields.get(key, old.get(key))
        if value not in (None, "", [], False) or (key == "required" and value):
            new[key] = value
    if new.get("type") not in ("single", "multi"):
        new.pop("choices", None)
    step["questions"][index] = {k: new[k] for k in _ordered(new)}
    _rename_references(data, question_id, new.get("id", question_id))


def _ordered(question: Table) -> list[str]:
    first = [k for k in QUESTION_FIELDS if k in question and k != "choices"]
    rest = [k for k in question if k not in QUESTION_FIELDS]
    return [*first, *rest, *(["choices"] if "choices" in question else [])]


def _merged_choices(old: Table, rows: list[Table]) -> list[Table]:
    before = {c.get("value"): c for c in old.get("choices", [])}
    out = []
    for row in rows:
        kept = {
            k: v
            for k, v in before.get(row.get("_was"), {}).items()
            if k not in CHOICE_FIELDS
        }
        choice = {
            k: row[k]
            for k in CHOICE_FIELDS
            if k not in ("cost", "knockout") and row.get(k) not in (None, "", 0)
        }
        if row.get("flag") and row.get("cost") is not None:
            choice["cost"] = row["cost"]
        if row.get("knockout"):
            choice["knockout"] = True
        out.append({**choice, **kept})
    return out


def _rename_references(data: Table, old_id: str, new_id_: str) -> None:
    """A renamed question keeps its show_if and rule conditions."""
    if old_id == new_id_:
        return
    conditions = [
        q["show_if"]
        for s in steps_of(data)
        for q in s.get("questions", [])
        if isinstance(q.get("show_if"), dict)
    ]
    for rule in data.get("rules", []):
        conditions += [c for c in rule.get("all", []) + rule.get("any", [])]
    for condition in conditions:
        if isinstance(condition, dict) and condition.get("question") == old_id:
            condition["question"] = new_id_


def _set_optional(table: Table, key: str, value: str | None) -> None:
    if value and value.strip():
        table[key] = value.strip()
    else:
        table.pop(key, None)


# ---- rules -----------------------------------------------------------------------

RULE_FIELDS = ("id", "label", "all", "any", "at_least", *DIMENSIONS, "flag", "cost")


def add_rule(data: Table, question_id: str, value: str) -> str:
    rules = data.setdefault("rules", [])
    rule_id = new_id("rule", [r.get("id", "") for r in rules])
    rules.append(
        {
            "id": rule_id,
            "label": "describe what these answers show together",
            "all": [{"question": question_id, "in": [value]}],
            "fit": 0,
        }
    )
    return rule_id


def set_rule(data: Table, rule_id: str, fields: dict[str, Any]) -> None:
    index = rule_index(data, rule_id)  # first: a draft with no rules has no key
    rules = data["rules"]
    kept = {k: v for k, v in rules[index].items() if k not in RULE_FIELDS}
    rule = {k: fields[k] for k in RULE_FIELDS if fields.get(k) not in (None, "", [])}
    rules[index] = {**rule, **kept}


def remove_rule(data: Table, rule_id: str) -> None:
    index = rule_index(data, rule_id)  # first: a draft with no rules has no key
    del data["rules"][index]
    if not data["rules"]:
        del data["rules"]


# ---- points ----------------------------------------------------------------------


def apply_point_changes(
    toml_text: str, changes: list[tuple[str, str, str, int]]
) -> str:
    """The draft with each (question, choice value, dimension) worth `new_points`."""
    data = load(toml_text)
    for question_id, value, dimension, points in changes:
        if dimension not in DIMENSIONS:
            raise EditError(f"'{dimension}' is not one of {', '.join(DIMENSIONS)}.")
        if not -MAX_POINTS <= points <= MAX_POINTS:
            raise EditError(f"Points must be from -{MAX_POINTS} to {MAX_POINTS}.")
        step, index = find_question(data, question_id)
        choice = next(
            (
                c
                for c in step["questions"][index].get("choices", [])
                if c.get("value") == value
            ),
            None,
        )
        if choice is None:
            raise EditError(f"Question '{question_id}' has no choice '{value}'.")
        if points:
            choice[dimension] = points
        else:
            choice.pop(dimension, None)
    text = dump(data)
    check(text)
    return text


# ---- versions --------------------------------------------------------------------


def next_version(current: str, today: dt.date, taken: Iterable[str] = ()) -> str:
    """A version for the next draft: today's date, with -2, -3... if it is taken."""
    taken = {current, *taken}
    base = today.strftime("%Y.%m.%d")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def split_values(text: str) -> list[str]:
    """'a, b c' -> ['a', 'b', 'c']: the answer values of a condition as typed."""
    return [v for v in re.split(r"[\s,]+", text.strip()) if v]
