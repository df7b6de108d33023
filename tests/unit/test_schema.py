"""Loading and checking questionnaire definitions (intake/questionnaire/schema.py).

Every invalid definition below is the small valid VALID_TOML with one mutation, so
each test shows exactly which mistake produces which message. The contract is
docs/questionnaire-format.md: a mistake names the file, the place and the problem.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from intake.questionnaire.errors import DefinitionError
from intake.questionnaire.schema import (
    ROLES,
    load_questionnaire,
    parse_questionnaire,
)

DEFAULT = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
)
SOURCE = "test-questionnaire.toml"

SCORING_BLOCK = """\
[scoring]
weights = { fit = 2, chemistry = 1, boundaries = 1 }
strong_fit = 70
possible_fit = 40
dimension_floor = 30
"""

VALID_TOML = f"""\
version = "1.0"
title = "A small questionnaire"
intro = "For the tests."

{SCORING_BLOCK}
[[steps]]
id = "first"
title = "First"

[[steps.questions]]
id = "name"
type = "text"
label = "Your name"
role = "contact_name"
required = true

[[steps.questions]]
id = "kind"
type = "single"
label = "What kind of help?"
role = "engagement"
choices = [
  {{ value = "ongoing", label = "Ongoing", fit = 5 }},
  {{ value = "once", label = "Once", fit = -5, flag = "One-off", knockout = true }},
]

[[steps]]
id = "second"
title = "Second"

[[steps.questions]]
id = "mood"
type = "scale"
label = "How relaxed are you?"
low_label = "Not at all"
high_label = "Very"
points = {{ chemistry = [-2, -1, 0, 1, 2] }}
flags = {{ "1" = "Not relaxed" }}

[[steps.questions]]
id = "hours"
type = "number"
label = "Hours a month"
min = 0
max = 100
bands = [
  {{ below = 10, fit = -5 }},
  {{ below = 40, fit = 0 }},
  {{ fit = 5 }},
]

[[steps.questions]]
id = "notes"
type = "long_text"
label = "Anything else?"
show_if = {{ question = "kind", in = ["ongoing"] }}
max_length = 500

[[steps.questions]]
id = "areas"
type = "multi"
label = "Which areas?"
choices = [
  {{ value = "inbox", label = "Inbox" }},
  {{ value = "calendar", label = "Calendar" }},
]
"""


def mutate(*replacements: tuple[str, str]) -> str:
    """VALID_TOML with each (old, new) applied; `old` must occur exactly once."""
    text = VALID_TOML
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def definition_error(text: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        parse_questionnaire(text, source=SOURCE)
    exc = info.value
    assert exc.source == SOURCE
    assert str(exc).startswith(f"{SOURCE}: ")
    return exc


# --- valid definitions --------------------------------------------------------------


def test_default_questionnaire_loads():
    q = load_questionnaire(DEFAULT)
    assert q.version == "2027.02"
    assert q.title
    assert len(q.steps) == 5
    assert 20 <= len(q.questions) <= 26
    assert len(q.typical_questions) <= 20 and q.estimated_seconds < 8 * 60
    assert [r.id for r in q.rules] == [
        "trust",
        "authority_without_rhythm",
        "out_of_reach_without_rhythm",
        "expert_pole",
        "pair_of_hands_pole",
        "project_shaped",
        "one_way",
    ]
    assert len({x.id for x in q.questions}) == len(q.questions)
    roles = [x.role for x in q.questions if x.role]
    # every role once, but those of questions merged into others in 2027.01 and the
    # channels dropped in 2027.02 (a practice's own file may still use them)
    merged = {"need_regularity", "handover", "partner_kind", "channels"}
    assert sorted(roles) == sorted(set(ROLES) - merged), "every role exactly once"
    for role in set(ROLES) - merged:
        assert q.by_role(role).type in ROLES[role]
    assert q.digest and len(q.digest) == 64
    assert math.isclose(sum(q.scoring.weights.values()), 1.0)


def test_small_valid_definition_parses():
    q = parse_questionnaire(VALID_TOML, source=SOURCE)
    assert q.version == "1.0"
    assert [s.id for s in q.steps] == ["first", "second"]
    assert [x.id for x in q.questions] == [
        "name",
        "kind",
        "mood",
        "hours",
        "notes",
        "areas",
    ]
    assert q.scoring.weights == {"fit": 0.5, "chemistry": 0.25, "boundaries": 0.25}
    assert (
        q.scoring.strong_fit,
        q.scoring.possible_fit,
        q.scoring.dimension_floor,
    ) == (
        70,
        40,
        30,
    )
    kind = q.question("kind")
    assert kind.choice("once").knockout and kind.choice("once").flag == "One-off"
    assert [c.value for c in q.question("mood").choices] == ["1", "2", "3", "4", "5"]
    assert q.question("mood").choice(1).flag == "Not relaxed"
    assert [b.below for b in q.question("hours").bands] == [10, 40, None]
    assert q.question("notes").show_if.values == frozenset({"ongoing"})
    assert q.question("notes").max_length == 500
    assert q.question("name").max_length == 200  # the default for text
    assert q.question("areas").max_choices == 2


def test_load_questionnaire_reads_a_file(tmp_path):
    path = tmp_path / "questionnaire.toml"
    path.write_text(VALID_TOML, encoding="utf-8")
    assert load_questionnaire(path) == parse_questionnaire(VALID_TOML, source="other")


# --- invalid definitions: (mutations, where, part of the problem) --------------------

INVALID = {
    "not toml": (
        [('version = "1.0"', 'version = "1.0')],
        "",
        "is not valid TOML",
    ),
    "missing version": (
        [('version = "1.0"\n', "")],
        "top level",
        "'version' is missing",
    ),
    "version with a space": (
        [('version = "1.0"', 'version = "1.0 beta"')],
        "top level",
        "'version' must be letters, digits, '.', '_' or '-'",
    ),
    "version with a slash": (
        [('version = "1.0"', 'version = "2026/11"')],
        "top level",
        "'version' must be letters, digits, '.', '_' or '-'",
    ),
    "unknown top-level key": (
        [('title = "A small', 'colour = "red"\ntitle = "A small')],
        "top level",
        "unknown key 'colour'",
    ),
    "missing [scoring]": (
        [(SCORING_BLOCK, "")],
        "[scoring]",
        "the [scoring] table is missing",
    ),
    "possible_fit equal to strong_fit": (
        [("possible_fit = 40", "possible_fit = 70")],
        "[scoring]",
        "'possible_fit' must be lower than 'strong_fit'",
    ),
    "possible_fit above strong_fit": (
        [("possible_fit = 40", "possible_fit = 90")],
        "[scoring]",
        "'possible_fit' must be lower than 'strong_fit'",
    ),
    "zero weight": (
        [("chemistry = 1,", "chemistry = 0,")],
        "[scoring]",
        "weight of 'chemistry' must be a positive number",
    ),
    "negative weight": (
        [("fit = 2,", "fit = -2,")],
        "[scoring]",
        "weight of 'fit' must be a positive number",
    ),
    "missing weight": (
        [(", boundaries = 1 }", " }")],
        "[scoring]",
        "weight of 'boundaries' must be a positive number",
    ),
    "no steps": (
        [(VALID_TOML[VALID_TOML.index("[[steps]]") :], "")],
        "top level",
        "'steps' must list 1 to 12 [[steps]]",
    ),
    "duplicate step id": (
        [('id = "second"', 'id = "first"')],
        "step 'first'",
        "the step id is used twice",
    ),
    "step without questions": (
        [
            (
                '  { value = "calendar", label = "Calendar" },\n]\n',
                '  { value = "calendar", label = "Calendar" },\n]\n\n'
                '[[steps]]\nid = "empty"\ntitle = "Nothing here"\n',
            )
        ],
        "step 'empty'",
        "has no [[steps.questions]]",
    ),
    "question id with capitals": (
        [('id = "name"', 'id = "Name"')],
        "step 'first' question 1",
        "'id' must be lower-case letters, digits and _ (at most 40)",
    ),
    "question id starting with a digit": (
        [('id = "mood"', 'id = "1mood"')],
        "step 'second' question 1",
        "'id' must be lower-case letters, digits and _ (at most 40)",
    ),
    "question id with a dash": (
        [('id = "hours"', 'id = "work-hours"')],
        "step 'second' question 2",
        "'id' must be lower-case letters, digits and _ (at most 40)",
    ),
    "question id of 41 characters": (
        [('id = "kind"', f'id = "{"k" * 41}"')],
        "step 'first' question 2",
        "'id' must be lower-case letters, digits and _ (at most 40)",
    ),
    "duplicate question id across steps": (
        [('id = "mood"', 'id = "name"')],
        "question 'name'",
        "the id is used twice",
    ),
    "duplicate question id within a step": (
        [('id = "hours"', 'id = "mood"')],
        "question 'mood'",
        "the id is used twice",
    ),
    "unknown type": (
        [('type = "text"', 'type = "paragraph"')],
        "question 'name'",
        "'type' must be one of single, multi, scale, text, long_text, email, number, "
        "date",
    ),
    "unknown key on a question": (
        [('label = "Your name"', 'label = "Your name"\ncolour = "red"')],
        "question 'name'",
        "unknown key 'colour'",
    ),
    "key of another type on a question": (
        [
            (
                'label = "What kind of help?"',
                'label = "What kind of help?"\nmax_length = 10',
            )
        ],
        "question 'kind'",
        "unknown key 'max_length'",
    ),
    "single with one choice": (
        [
            (
                '  { value = "once", label = "Once", fit = -5, flag = "One-off", '
                "knockout = true },\n",
                "",
            )
        ],
        "question 'kind'",
        "'choices' must list 2 to 20 choices",
    ),
    "duplicate choice value": (
        [('value = "once"', 'value = "ongoing"')],
        "question 'kind' choice 2",
        "value 'ongoing' is used twice",
    ),
    "choice value with capitals and a dash": (
        [('value = "once"', 'value = "Once-off"')],
        "question 'kind' choice 2",
        "'value' must be lower-case letters, digits and _",
    ),
    "choice value empty": (
        [('value = "calendar"', 'value = ""')],
        "question 'areas' choice 2",
        "'value' must be lower-case letters, digits and _",
    ),
    "points above 20": (
        [('Ongoing", fit = 5', 'Ongoing", fit = 21')],
        "question 'kind' choice 'ongoing'",
        "'fit' must be a whole number from -20 to 20",
    ),
    "points below -20": (
        [("fit = -5, flag", "fit = -21, flag")],
        "question 'kind' choice 'once'",
        "'fit' must be a whole number from -20 to 20",
    ),
    "points not whole": (
        [('Ongoing", fit = 5', 'Ongoing", fit = 5.5')],
        "question 'kind' choice 'ongoing'",
        "'fit' must be a whole number from -20 to 20",
    ),
    "knockout without flag": (
        [('flag = "One-off", ', "")],
        "question 'kind' choice 'once'",
        "'knockout' needs a 'flag' giving the reason",
    ),
    "show_if to an unknown question": (
        [('question = "kind"', 'question = "nope"')],
        "question 'notes'",
        "show_if refers to 'nope', which is not an earlier question",
    ),
    "show_if to a later question": (
        [
            (
                'label = "Your name"',
                'label = "Your name"\n'
                'show_if = { question = "kind", in = ["ongoing"] }',
            )
        ],
        "question 'name'",
        "show_if refers to 'kind', which is not an earlier question",
    ),
    "show_if to itself": (
        [('question = "kind"', 'question = "notes"')],
        "question 'notes'",
        "show_if refers to 'notes', which is not an earlier question",
    ),
    "show_if to a text question": (
        [('question = "kind", in = ["ongoing"]', 'question = "name", in = ["bob"]')],
        "question 'notes'",
        "show_if question 'name' must be single, multi or scale",
    ),
    "show_if value not a choice": (
        [('in = ["ongoing"]', 'in = ["ongoing", "sometimes"]')],
        "question 'notes'",
        "show_if value 'sometimes' is not a choice of 'kind'",
    ),
    "show_if without values": (
        [('in = ["ongoing"]', "in = []")],
        "question 'notes'",
        "show_if needs 'in', a list of answer values",
    ),
    "unknown role": (
        [('role = "contact_name"', 'role = "boss"')],
        "question 'name'",
        "unknown role 'boss'",
    ),
    "role on the wrong type": (
        [('role = "engagement"', 'role = "contact_email"')],
        "question 'kind'",
        "role 'contact_email' needs type email",
    ),
    "role on the wrong type, two types allowed": (
        [('role = "contact_name"', 'role = "consent"')],
        "question 'name'",
        "role 'consent' needs type multi or single",
    ),
    "role used twice": (
        [
            ('role = "contact_name"', 'role = "needs_summary"'),
            ("max_length = 500", 'max_length = 500\nrole = "needs_summary"'),
        ],
        "question 'notes'",
        "role 'needs_summary' is already on question 'name'",
    ),
    "scale points of four": (
        [("[-2, -1, 0, 1, 2]", "[-2, -1, 1, 2]")],
        "question 'mood'",
        "points of 'chemistry' must be 5 whole numbers from -20 to 20",
    ),
    "scale points of six": (
        [("[-2, -1, 0, 1, 2]", "[-2, -1, 0, 1, 2, 3]")],
        "question 'mood'",
        "points of 'chemistry' must be 5 whole numbers from -20 to 20",
    ),
    "scale points out of range": (
        [("[-2, -1, 0, 1, 2]", "[-2, -1, 0, 1, 25]")],
        "question 'mood'",
        "points of 'chemistry' must be 5 whole numbers from -20 to 20",
    ),
    "scale flags key 6": (
        [('"1" = "Not relaxed"', '"6" = "Not relaxed"')],
        "question 'mood'",
        'flags key \'6\' must be "1" to "5"',
    ),
    "scale flags key 0": (
        [('"1" = "Not relaxed"', '"0" = "Not relaxed"')],
        "question 'mood'",
        'flags key \'0\' must be "1" to "5"',
    ),
    "number without min": (
        [("min = 0\n", "")],
        "question 'hours'",
        "'min' is missing",
    ),
    "number without max": (
        [("max = 100\n", "")],
        "question 'hours'",
        "'max' is missing",
    ),
    "number with max not above min": (
        [("max = 100", "max = 0")],
        "question 'hours'",
        "'max' must be a whole number from 1 to 1000000",
    ),
    "last band with below": (
        [("{ fit = 5 }", "{ below = 80, fit = 5 }")],
        "question 'hours' band 3",
        "the last band must not have 'below'",
    ),
    "bands not increasing (equal)": (
        [("below = 40", "below = 10")],
        "question 'hours' band 2",
        "'below' must grow from band to band",
    ),
    "bands not increasing (decreasing)": (
        [("below = 40", "below = 5")],
        "question 'hours' band 2",
        "'below' must grow from band to band",
    ),
    "band without below before the last": (
        [("{ below = 40, fit = 0 }", "{ fit = 0 }")],
        "question 'hours' band 2",
        "'below' is missing",
    ),
    "max_length above 5000": (
        [("max_length = 500", "max_length = 5001")],
        "question 'notes'",
        "'max_length' must be a whole number from 1 to 5000",
    ),
    "max_length zero": (
        [("max_length = 500", "max_length = 0")],
        "question 'notes'",
        "'max_length' must be a whole number from 1 to 5000",
    ),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_definition(name):
    replacements, where, problem = INVALID[name]
    exc = definition_error(mutate(*replacements))
    assert exc.where == where
    assert problem in exc.problem
    expected_start = f"{SOURCE}: {where}: " if where else f"{SOURCE}: "
    assert str(exc).startswith(expected_start)
    assert str(exc).endswith(exc.problem)


def test_max_length_of_5000_is_allowed():
    q = parse_questionnaire(
        mutate(("max_length = 500", "max_length = 5000")), source=SOURCE
    )
    assert q.question("notes").max_length == 5000


def test_not_toml_message_has_no_where():
    exc = definition_error("version = \n")
    assert exc.where == ""
    assert str(exc) == f"{SOURCE}: {exc.problem}"
    assert exc.problem.startswith("is not valid TOML (")


# --- files that cannot be read -------------------------------------------------------


def test_nonexistent_path_cannot_be_read(tmp_path):
    path = tmp_path / "missing.toml"
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(path)
    assert info.value.source == str(path)
    assert info.value.where == ""
    assert info.value.problem.startswith("cannot be read")
    assert str(info.value).startswith(f"{path}: cannot be read")


def test_directory_cannot_be_read(tmp_path):
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(tmp_path)
    assert info.value.problem.startswith("cannot be read")


def test_file_not_in_utf8_cannot_be_read(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(VALID_TOML.replace("A small", "Un caf\xe9").encode("latin-1"))
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(path)
    assert info.value.problem.startswith("cannot be read")


def test_file_errors_name_the_file(tmp_path):
    path = tmp_path / "practice.toml"
    path.write_text(
        mutate(('role = "contact_name"', 'role = "boss"')), encoding="utf-8"
    )
    with pytest.raises(DefinitionError) as info:
        load_questionnaire(path)
    assert str(info.value) == f"{path}: question 'name': unknown role 'boss'"


# --- bugs found while writing these tests, now fixed -------------------------------


@pytest.mark.parametrize("role", ['["contact_name"]', '{ name = "contact_name" }'])
def test_role_that_is_not_a_string_is_a_definition_error(role):
    exc = definition_error(mutate(('role = "contact_name"', f"role = {role}")))
    assert exc.where == "question 'name'"


@pytest.mark.parametrize("weight", ["nan", "inf"])
def test_weight_that_is_not_finite_is_a_definition_error(weight):
    exc = definition_error(mutate(("fit = 2,", f"fit = {weight},")))
    assert exc.where == "[scoring]"
    assert "weight of 'fit' must be a positive number" in exc.problem


@pytest.mark.parametrize(
    "old,new,where",
    [
        ('id = "name"', 'id = "name\\n"', "step 'first' question 1"),
        ('value = "once"', 'value = "once\\n"', "question 'kind' choice 2"),
    ],
)
def test_identifier_with_trailing_newline_is_refused(old, new, where):
    exc = definition_error(mutate((old, new)))
    assert exc.where == where


# --- flag costs, caps, exclusive choices, placeholders and rules ---------------------

RULE = """
[[rules]]
id = "calm_and_steady"
label = "Relaxed, and wants ongoing help"
all = [{ question = "kind", in = ["ongoing"] }]
any = [{ question = "mood", in = ["4", "5"] }, { question = "areas", in = ["inbox"] }]
at_least = 1
chemistry = 4
flag = "Both at once"
cost = 3
"""


def test_rules_costs_and_placeholders_parse():
    text = (
        mutate(
            ("dimension_floor = 30\n", "dimension_floor = 30\nflag_cost = 2\n"),
            (
                '{ value = "calendar", label = "Calendar" }',
                '{ value = "none", label = "None of these", exclusive = true }',
            ),
            (
                'label = "Hours a month"',
                'label = "Hours a month, at {money:100} each"\nhelp = "We reply within {reply_time}."',
            ),
        )
        + RULE
    )
    q = parse_questionnaire(text, source=SOURCE)
    assert q.scoring.flag_cost == 2 and q.scoring.knockout_cap == 39
    assert q.question("mood").choice("1").cost == 2  # the default cost
    assert q.question("kind").choice("once").cost == 2
    assert q.question("areas").choice("none").exclusive
    assert q.question("hours").label == "Hours a month, at 100 each"
    assert q.question("hours").help == "We reply within 1 business day."
    local = q.localised({"reply_time": "2 business days"}, "EUR")
    assert local.question("hours").label == "Hours a month, at €100 each"
    assert local.question("hours").help == "We reply within 2 business days."
    [rule] = q.rules
    assert (rule.id, rule.at_least, dict(rule.points), rule.cost) == (
        "calm_and_steady",
        1,
        {"chemistry": 4},
        3,
    )
    assert rule.applies({"kind": "ongoing", "mood": 5})
    assert rule.applies({"kind": "ongoing", "areas": ["inbox"]})
    assert not rule.applies({"kind": "once", "mood": 5})
    assert not rule.applies({"kind": "ongoing", "mood": 3})


RULE_ERRORS = [
    # (mutation of RULE, where, problem)
    (
        ("at_least = 1", "at_least = 3"),
        "rule 'calm_and_steady'",
        "'at_least' must be a whole number from 1 to 2",
    ),
    (
        ('question = "kind"', 'question = "nope"'),
        "rule 'calm_and_steady'",
        "a condition refers to 'nope', which is not a question",
    ),
    (
        ('in = ["ongoing"]', 'in = ["sometimes"]'),
        "rule 'calm_and_steady'",
        "a condition value 'sometimes' is not a choice of 'kind'",
    ),
    (
        ('question = "kind"', 'question = "hours"'),
        "rule 'calm_and_steady'",
        "a condition question 'hours' must be single, multi or scale",
    ),
    (
        ("cost = 3", "cost = 3\nknockout = true"),
        "rule 'calm_and_steady'",
        "unknown key 'knockout'",
    ),
    (
        ("chemistry = 4\n", "chemistry = 4\nwarmth = 1\n"),
        "rule 'calm_and_steady'",
        "unknown key 'warmth'",
    ),
    (
        ('flag = "Both at once"\n', ""),
        "rule 'calm_and_steady'",
        "'cost' is what a flag costs the overall; add the 'flag'",
    ),
    (
        ('id = "calm_and_steady"', 'id = "Calm"'),
        "rule 1",
        "'id' must be lower-case letters, digits and _",
    ),
    (
        ("cost = 3", "cost = 51"),
        "rule 'calm_and_steady'",
        "'cost' must be a whole number from 0 to 50",
    ),
]


@pytest.mark.parametrize(("change", "where", "problem"), RULE_ERRORS)
def test_invalid_rule(change, where, problem):
    exc = definition_error(VALID_TOML + RULE.replace(*change))
    assert (exc.where, exc.problem) == (where, problem)


def test_rule_without_conditions_or_effect_is_refused():
    bare = '\n[[rules]]\nid = "x"\nlabel = "X"\nchemistry = 1\n'
    assert (
        definition_error(VALID_TOML + bare).problem
        == "needs conditions in 'all' or 'any'"
    )
    idle = '\n[[rules]]\nid = "x"\nlabel = "X"\nall = [{ question = "kind", in = ["once"] }]\n'
    assert (
        definition_error(VALID_TOML + idle).problem == "a rule needs points or a flag"
    )
    twice = VALID_TOML + RULE + RULE
    assert definition_error(twice).problem == "the rule id is used twice"


@pytest.mark.parametrize(
    ("replacement", "where", "problem"),
    [
        (
            ('flag = "One-off", knockout = true', "cost = 4"),
            "question 'kind' choice 'once'",
            "'cost' is what a flag costs the overall; add the 'flag'",
        ),
        (
            (
                '{ value = "ongoing", label = "Ongoing", fit = 5 }',
                '{ value = "ongoing", label = "Ongoing", fit = 5, exclusive = true }',
            ),
            "question 'kind'",
            "'exclusive' is for the choices of a multi question",
        ),
        (
            ("possible_fit = 40\n", "possible_fit = 40\nknockout_cap = 40\n"),
            "[scoring]",
            "'knockout_cap' must be lower than 'possible_fit'",
        ),
        (
            ('label = "Hours a month"', 'label = "Hours a month in {dollars}"'),
            "question 'hours' 'label'",
            "unknown placeholder '{dollars}' (known: {reply_time}, {office_hours}, {money:500})",
        ),
        (
            ('label = "Hours a month"', 'label = "Hours a month {"'),
            "question 'hours' 'label'",
            "has a '{' or '}' that is not part of a placeholder",
        ),
        (
            (
                'flags = { "1" = "Not relaxed" }',
                'flags = { "1" = { reason = "Not relaxed", price = 2 } }',
            ),
            "question 'mood' flag 1",
            "unknown key 'price'",
        ),
    ],
)
def test_invalid_costs_caps_and_placeholders(replacement, where, problem):
    exc = definition_error(mutate(replacement))
    assert (exc.where, exc.problem) == (where, problem)


def test_a_multi_may_be_a_single_box_but_a_single_may_not():
    one_box = mutate(
        (
            '  {{ value = "calendar", label = "Calendar" }},\n'.replace(
                "{{", "{"
            ).replace("}}", "}"),
            "",
        )
    )
    assert (
        len(parse_questionnaire(one_box, source=SOURCE).question("areas").choices) == 1
    )
