"""The questionnaire editor's forms, and where a loader message goes among their fields.

The forms check only what a field can know alone (an id's letters, a number's range);
every change is then checked by the loader of the shipped file, and its message
(DefinitionError: where + problem) is put beside the field it is about (`place_error`).
"""

from __future__ import annotations

import re

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..forms import Form, SubForm
from ..questionnaire.editing import split_values
from ..questionnaire.errors import DefinitionError
from ..questionnaire.schema import MAX_COST, MAX_POINTS, TYPES

IDENT = Regexp(
    r"^[a-z][a-z0-9_]{0,39}$",
    message="Use lower-case letters, digits and _, starting with a letter "
    "(at most 40).",
)
VALUE = Regexp(
    r"^[a-z0-9_]{1,40}$", message="Use lower-case letters, digits and _ (at most 40)."
)
TYPE_LABELS = {
    "single": "One choice",
    "multi": "Several choices (tick boxes)",
    "scale": "A scale from 1 to 5",
    "text": "A short text",
    "long_text": "A longer text",
    "email": "An e-mail address",
    "number": "A number",
    "date": "A date",
}
MAX_NUMBER = 10**6


def _points(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(
                -MAX_POINTS,
                MAX_POINTS,
                f"Points are whole numbers from -{MAX_POINTS} to {MAX_POINTS}.",
            ),
        ],
    )


class HeaderForm(Form):
    version = StringField(
        "Version name",
        validators=[
            DataRequired("Please give the draft a version name."),
            Length(max=40),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message="Use letters, digits, '.', '_' or '-', as in 2027.03.",
            ),
        ],
    )
    title = StringField(
        "Title", validators=[DataRequired("Please give a title."), Length(max=200)]
    )
    intro = TextAreaField("Introduction", validators=[Length(max=2000)])


class StepForm(Form):
    step_id = StringField(
        "Step id", validators=[DataRequired("Please give the step an id."), IDENT]
    )
    title = StringField(
        "Heading", validators=[DataRequired("Please give a heading."), Length(max=200)]
    )
    intro = TextAreaField("Sentence under the heading", validators=[Length(max=1000)])


class ChoiceRow(SubForm):
    was = HiddenField(validators=[Length(max=100)])
    value = StringField(
        "Stored value", validators=[DataRequired("Please give a value."), VALUE]
    )
    # "text", not "label": a FormField's own label would hide it
    text = StringField(
        "Label", validators=[DataRequired("Please give a label."), Length(max=300)]
    )
    fit = _points("Fit points")
    chemistry = _points("Chemistry points")
    boundaries = _points("Boundaries points")
    flag = StringField("Red flag (reason)", validators=[Length(max=400)])
    cost = IntegerField(
        "Flag cost",
        validators=[
            Optional(),
            NumberRange(0, MAX_COST, f"A cost is a whole number from 0 to {MAX_COST}."),
        ],
    )
    knockout = BooleanField("Knock-out")


class QuestionForm(Form):
    question_id = StringField(
        "Question id",
        validators=[DataRequired("Please give the question an id."), IDENT],
    )
    label = TextAreaField(
        "Question",
        validators=[DataRequired("Please write the question."), Length(max=1000)],
    )
    help = TextAreaField("Help under the question", validators=[Length(max=1000)])
    type = SelectField(
        "Kind of answer", choices=[SelectChoice(t, TYPE_LABELS[t]) for t in TYPES]
    )
    required = BooleanField("An answer is required")
    show_if_question = SelectField("Show only when this earlier question…", choices=[])
    show_if_values = StringField(
        "…has one of these answer values (separated by commas)",
        validators=[Length(max=400)],
    )
    placeholder = StringField(
        "Example text in the empty field", validators=[Length(max=200)]
    )
    minimum = IntegerField(
        "Smallest number",
        validators=[Optional(), NumberRange(-MAX_NUMBER, MAX_NUMBER)],
    )
    maximum = IntegerField(
        "Largest number",
        validators=[Optional(), NumberRange(-MAX_NUMBER, MAX_NUMBER)],
    )
    unit = StringField("Unit (e.g. hours a month)", validators=[Length(max=60)])
    low_label = StringField("Words for 1", validators=[Length(max=120)])
    high_label = StringField("Words for 5", validators=[Length(max=120)])
    choices = FieldList(FormField(ChoiceRow), min_entries=0, max_entries=20)


class ConditionRow(SubForm):
    question = SelectField("Question", choices=[], validate_choice=False)
    values = StringField(
        "Answer values (separated by commas)", validators=[Length(max=400)]
    )


class RuleForm(Form):
    rule_id = StringField(
        "Rule id", validators=[DataRequired("Please give the rule an id."), IDENT]
    )
    label = StringField(
        "What these answers show together",
        validators=[DataRequired("Please describe the rule."), Length(max=300)],
    )
    all = FieldList(FormField(ConditionRow), min_entries=0, max_entries=12)
    any = FieldList(FormField(ConditionRow), min_entries=0, max_entries=12)
    at_least = IntegerField(
        "How many of the 'any' conditions must hold",
        validators=[Optional(), NumberRange(1, 12)],
    )
    fit = _points("Fit points")
    chemistry = _points("Chemistry points")
    boundaries = _points("Boundaries points")
    flag = StringField("Red flag (reason)", validators=[Length(max=400)])
    cost = IntegerField(
        "Flag cost",
        validators=[
            Optional(),
            NumberRange(0, MAX_COST, f"A cost is a whole number from 0 to {MAX_COST}."),
        ],
    )


class SourceForm(Form):
    source = TextAreaField(
        "The draft as TOML",
        validators=[DataRequired("The text is empty."), Length(max=512 * 1024)],
    )


class SamplesForm(Form):
    numbers = StringField(
        "Also score these submissions (numbers, separated by commas)",
        validators=[
            Length(max=200),
            Regexp(r"^[\d,\s#]*$", message="Give submission numbers, like 12, 40."),
        ],
    )

    def submission_numbers(self) -> list[int]:
        return [int(n) for n in re.findall(r"\d{1,9}", self.numbers.data or "")][:20]


# ---- where a loader message goes -------------------------------------------------

# a word of the loader's problem -> the field of the question page it is about
_QUESTION_KEYS = (
    ("show_if", "show_if_values"),
    ("'choices'", "type"),
    ("'min'", "minimum"),
    ("'max'", "maximum"),
    ("'low_label'", "low_label"),
    ("'high_label'", "high_label"),
    ("'label'", "label"),
    ("'help'", "help"),
    ("'type'", "type"),
    ("'id'", "question_id"),
    ("id is used twice", "question_id"),
    ("role", "type"),
    ("'placeholder'", "placeholder"),
    ("'unit'", "unit"),
)
_RULE_KEYS = (
    ("'label'", "label"),
    ("at_least", "at_least"),
    ("'flag'", "flag"),
    ("'cost'", "cost"),
    ("'id'", "rule_id"),
    ("used twice", "rule_id"),
)


def plain(error: DefinitionError) -> str:
    """The loader's message for a person: where (when it helps) and the problem."""
    problem = error.problem[:1].upper() + error.problem[1:]
    return f"{error.where}: {problem}." if error.where else f"{problem}."


def _row_of(where: str, rows) -> int | None:
    by_number = re.search(r"choice (\d+)$", where)
    if by_number:
        return int(by_number.group(1)) - 1
    by_value = re.search(r"choice '([^']*)'", where)
    if by_value:
        values = [r.value.data for r in rows]
        if by_value.group(1) in values:
            return values.index(by_value.group(1))
    return None


def place_error(
    form, error: DefinitionError, *, here: str, keys=_QUESTION_KEYS
) -> bool:
    """Put the message beside its field of `form` (about `here`, e.g. "question 'x'");
    False when it is about something else (the caller shows it above the form)."""
    if here not in error.where and error.where:
        return False
    problem = error.problem[:1].upper() + error.problem[1:] + "."
    if "choice" in error.where and hasattr(form, "choices"):
        index = _row_of(error.where, form.choices)
        if index is not None and index < len(form.choices):
            row = form.choices[index]
            field = row.text if "'label'" in problem else row.value
            if any(k in problem for k in ("'flag'", "knockout", "'cost'")):
                field = row.flag
            if any(d in problem for d in ("'fit'", "'chemistry'", "'boundaries'")):
                field = row.fit
            field.errors = [*field.errors, problem]
            return True
    for word, name in keys:
        if word in error.problem:
            field = getattr(form, name)
            field.errors = [*field.errors, problem]
            return True
    return False


# ---- between the forms and the draft's data ---------------------------------------

# a choice's key in the draft -> its field in ChoiceRow
_CHOICE_KEYS = {
    "value": "value",
    "label": "text",
    "fit": "fit",
    "chemistry": "chemistry",
    "boundaries": "boundaries",
    "flag": "flag",
    "cost": "cost",
}


def question_form_data(question: dict) -> dict:
    """The question page's fields from a question of the draft's data."""
    show_if = question.get("show_if") or {}
    return {
        "question_id": question.get("id", ""),
        "label": question.get("label", ""),
        "help": question.get("help", ""),
        "type": question.get("type", "text"),
        "required": bool(question.get("required", False)),
        "show_if_question": show_if.get("question", ""),
        "show_if_values": ", ".join(str(v) for v in show_if.get("in", [])),
        "placeholder": question.get("placeholder", ""),
        "minimum": question.get("min"),
        "maximum": question.get("max"),
        "unit": question.get("unit", ""),
        "low_label": question.get("low_label", ""),
        "high_label": question.get("high_label", ""),
        "choices": [
            {
                "was": c.get("value", ""),
                **{field: c.get(key) for key, field in _CHOICE_KEYS.items()},
                "knockout": bool(c.get("knockout", False)),
            }
            for c in question.get("choices", [])
        ],
    }


def question_fields(form: QuestionForm) -> dict:
    """What editing.set_question takes, from the posted question page."""
    qtype = form.type.data
    show_if = None
    if form.show_if_question.data:
        show_if = {
            "question": form.show_if_question.data,
            "in": split_values(form.show_if_values.data or ""),
        }
    choices = None
    if qtype in ("single", "multi"):
        choices = [
            {"_was": row.was.data}
            | {key: row[field].data for key, field in _CHOICE_KEYS.items()}
            | {"knockout": row.knockout.data}
            for row in form.choices
        ]
    return {
        "id": form.question_id.data,
        "type": qtype,
        "label": form.label.data,
        "help": form.help.data,
        "required": form.required.data,
        "show_if": show_if,
        "placeholder": form.placeholder.data,
        "min": form.minimum.data,
        "max": form.maximum.data,
        "unit": form.unit.data,
        "low_label": form.low_label.data,
        "high_label": form.high_label.data,
        "choices": choices,
    }


def _conditions(rows) -> list[dict]:
    return [
        {"question": row["question"], "in": split_values(row["values"] or "")}
        for row in rows
        if row.get("question")
    ]


def rule_form_data(rule: dict) -> dict:
    def rows(key):
        return [
            {
                "question": c.get("question", ""),
                "values": ", ".join(map(str, c.get("in", []))),
            }
            for c in rule.get(key, [])
        ]

    return {
        "rule_id": rule.get("id", ""),
        "label": rule.get("label", ""),
        "all": rows("all"),
        "any": rows("any"),
        "at_least": rule.get("at_least"),
        **{k: rule.get(k) for k in ("fit", "chemistry", "boundaries", "flag", "cost")},
    }


def rule_fields(form: RuleForm) -> dict:
    """What editing.set_rule takes, from the posted rule page."""
    data = form.data
    return {
        "id": data["rule_id"],
        "label": data["label"],
        "all": _conditions(data["all"]),
        "any": _conditions(data["any"]),
        "at_least": data["at_least"],
        **{k: data[k] for k in ("fit", "chemistry", "boundaries", "flag")},
        "cost": data["cost"] if data["flag"] else None,
    }


def error_list(form) -> list[tuple[str, str]]:
    """(field id, message) of every error of the form, rows included, in page order:
    read from the fields, so the loader's messages placed after validation count."""
    out = [("", e) for e in form.form_errors]
    for field in form:
        if field.type == "CSRFTokenField":
            continue
        if field.type == "FieldList":
            for entry in field:
                out += [(sub.id, e) for sub in entry.form for e in sub.errors]
        else:
            out += [(field.id, e) for e in field.errors if isinstance(e, str)]
    return out
