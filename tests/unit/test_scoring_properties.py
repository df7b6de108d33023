"""Property tests of answer checking and scoring over the default questionnaire.

Two families of inputs:
- arbitrary raw answers (valid choice values, junk strings, numbers, lists, None and
  unknown keys), as a browser or a script might send them: checking must only ever
  report errors, and scoring whatever it accepts must stay within its promises;
- legal answers drawn question by question in order (so show_if is respected), which
  the checks must accept unchanged.

The examples are kept modest so that the unit suite stays fast; no example database is
written (database=None) so running the tests leaves nothing behind in the repository.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.questionnaire.answers import (
    REQUIRED_MESSAGE,
    check_complete_answers,
    clean_answers,
)
from intake.questionnaire.schema import DIMENSIONS, load_questionnaire

try:
    from tests.personas import PERSONAS
except ImportError:  # run from tests/unit without the repository root on sys.path
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from personas import PERSONAS
from intake.questionnaire.scoring import (
    NOT_A_FIT,
    OVERALL,
    POSSIBLE_FIT,
    STRONG_FIT,
    VERDICTS,
    Assessment,
    assess,
)

DEFAULT = Path(__file__).resolve().parents[2] / "intake/questionnaire/default.toml"
QUESTIONNAIRE = load_questionnaire(DEFAULT)
QUESTIONS = QUESTIONNAIRE.questions
QUESTION_IDS = [q.id for q in QUESTIONS]
ALL_CHOICE_VALUES = sorted({c.value for q in QUESTIONS for c in q.choices})

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- strategies: arbitrary raw answers ------------------------------------------------

small_ints = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([10**5000, -(10**5000)]),  # too long for str()
)
junk_text = st.text(max_size=40)
scalar = st.one_of(
    st.none(),
    st.sampled_from(ALL_CHOICE_VALUES),
    junk_text,
    small_ints,
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["1", "3", "5", " 12 ", "2027-01-15", "a@example.com", ""]),
)
junk_value = st.one_of(
    scalar,
    st.lists(scalar, max_size=5),
    st.dictionaries(st.text(max_size=5), scalar, max_size=2),
)


def raw_value_for(question):
    """Mostly answers that could belong to this question, sometimes junk."""
    if question.choices:
        values = [c.value for c in question.choices]
        plausible = st.one_of(
            st.sampled_from(values),
            st.lists(st.sampled_from(values), max_size=len(values) + 1),
            st.integers(min_value=0, max_value=6),
        )
    elif question.type == "number":
        plausible = st.one_of(
            st.integers(question.minimum - 5, question.maximum + 5),
            st.integers(question.minimum - 5, question.maximum + 5).map(str),
        )
    elif question.type == "date":
        plausible = st.dates(dt.date(1990, 1, 1), dt.date(2110, 1, 1)).map(str)
    else:
        plausible = st.text(max_size=question.max_length + 10)
    return st.one_of(plausible, junk_value)


raw_answers = st.builds(
    lambda known, unknown: {**unknown, **known},
    st.fixed_dictionaries({}, optional={q.id: raw_value_for(q) for q in QUESTIONS}),
    st.dictionaries(
        st.text(max_size=12).filter(lambda k: k not in QUESTION_IDS),
        junk_value,
        max_size=3,
    ),
)

# --- strategies: legal answers in canonical form --------------------------------------

WORD = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S")),
    min_size=1,
    max_size=12,
)


def line(max_length):
    return (
        st.lists(WORD, min_size=1, max_size=8)
        .map(" ".join)
        .filter(lambda s: len(s) <= max_length)
    )


# addresses already in normalised form: lower case, no "..", and no "--" in the domain
# (email-validator reserves "ab--" labels for Punycode)
EMAIL = st.from_regex(
    r"[a-z][a-z0-9._]{0,14}[a-z0-9]@[a-z][a-z0-9-]{0,12}[a-z0-9]\.(com|org|ie)",
    fullmatch=True,
).filter(lambda s: ".." not in s and "--" not in s)


def legal_value(draw, question):
    kind = question.type
    if kind == "single":
        return draw(st.sampled_from([c.value for c in question.choices]))
    if kind == "scale":
        return draw(st.integers(1, 5))
    if kind == "multi":
        alone = [c.value for c in question.choices if c.exclusive]
        if alone and draw(st.integers(0, len(question.choices))) == 0:
            return [draw(st.sampled_from(alone))]  # "none of these", on its own
        others = [c.value for c in question.choices if not c.exclusive]
        low = max(question.min_choices, 1 if question.required else 0)
        picked = draw(
            st.lists(
                st.sampled_from(others),
                min_size=min(low, len(others)),
                max_size=min(question.max_choices, len(others)),
                unique=True,
            )
        )
        return [c.value for c in question.choices if c.value in picked]
    if kind == "number":
        return draw(st.integers(question.minimum, question.maximum))
    if kind == "date":
        return draw(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))).isoformat()
    if kind == "email":
        return draw(EMAIL)
    if kind == "long_text":
        lines = draw(st.lists(line(question.max_length), min_size=1, max_size=4))
        return "\n".join(lines)[: question.max_length].strip()
    return draw(line(question.max_length))


@st.composite
def legal_answers(draw, *, skip_required=False):
    """Answers drawn question by question, in order, so show_if sees earlier answers.

    Required questions are always answered unless `skip_required`; optional ones
    sometimes. Multi answers that come out empty are left out, as the checks do.
    """
    answers: dict[str, object] = {}
    for question in QUESTIONS:
        if not QUESTIONNAIRE.is_visible(question, answers):
            continue
        must = question.required and not skip_required
        if not must and draw(st.booleans()):
            continue
        value = legal_value(draw, question)
        if value in ([], ""):
            continue
        answers[question.id] = value
    return answers


# --- helpers --------------------------------------------------------------------------


def check_assessment(answers, a: Assessment):
    assert set(a.scores) == set(DIMENSIONS)
    for score in a.scores.values():
        assert type(score) is int and 0 <= score <= 100
    assert type(a.overall) is int and 0 <= a.overall <= 100
    assert a.verdict in VERDICTS
    assert a.version == QUESTIONNAIRE.version
    visible = {q.id for q in QUESTIONNAIRE.visible_questions(answers)}
    applied = {f"rule.{r.id}" for r in QUESTIONNAIRE.rules if r.applies(answers)}
    for reason in a.reasons:
        assert reason.question_id in visible | applied | {"scoring"}, reason
        assert reason.dimension in (*DIMENSIONS, OVERALL)
        assert reason.points != 0
    for flag in a.flags:
        assert flag.question_id in visible | applied, flag
    # each flag costs the overall its weight, shown among the reasons
    costs = [r for r in a.reasons if r.dimension == OVERALL and r.points < 0]
    assert sum(f.cost for f in a.flags) <= -sum(r.points for r in costs) + 100
    # the verdict follows from the overall alone, so sorting by it agrees
    rules = QUESTIONNAIRE.scoring
    if a.knockouts:
        assert a.overall <= rules.knockout_cap
    if min(a.scores.values()) < rules.dimension_floor:
        assert a.overall < rules.strong_fit
    if a.overall >= rules.strong_fit:
        assert a.verdict == STRONG_FIT
    elif a.overall >= rules.possible_fit:
        assert a.verdict == POSSIBLE_FIT
    else:
        assert a.verdict == NOT_A_FIT
    # deterministic, and the stored form reads back the same
    assert assess(QUESTIONNAIRE, dict(answers)) == a
    assert Assessment.from_dict(a.to_dict()) == a


# --- properties: arbitrary raw answers ------------------------------------------------


@SETTINGS
@given(raw_answers)
def test_clean_answers_only_ever_reports_errors(raw):
    answers, errors = clean_answers(QUESTIONNAIRE, raw)
    assert isinstance(answers, dict) and isinstance(errors, dict)
    assert set(answers) <= set(QUESTION_IDS)
    assert set(errors) <= set(QUESTION_IDS)
    assert not set(answers) & set(errors)
    assert all(isinstance(m, str) and m for m in errors.values())
    visible = {q.id for q in QUESTIONNAIRE.visible_questions(answers)}
    assert set(answers) <= visible
    for qid, value in answers.items():
        kind = QUESTIONNAIRE.question(qid).type
        if kind == "multi":
            assert isinstance(value, list) and value
        elif kind in ("scale", "number"):
            assert type(value) is int
        else:
            assert type(value) is str


@SETTINGS
@given(raw_answers)
def test_cleaned_answers_are_a_fixed_point(raw):
    answers, errors = clean_answers(QUESTIONNAIRE, raw)
    assert "" not in answers.values()
    again, again_errors = clean_answers(QUESTIONNAIRE, answers)
    assert again == answers
    assert set(again_errors.values()) <= {REQUIRED_MESSAGE}


@SETTINGS
@given(raw_answers)
def test_assess_whatever_clean_answers_accepts(raw):
    answers, _ = clean_answers(QUESTIONNAIRE, raw)
    check_assessment(answers, assess(QUESTIONNAIRE, answers))


@SETTINGS
@given(raw_answers)
def test_check_complete_answers_raises_only_invalid_answers(raw):
    from intake.questionnaire.errors import InvalidAnswers

    try:
        answers = check_complete_answers(QUESTIONNAIRE, raw)
    except InvalidAnswers as exc:
        assert exc.errors
        unknown = {k for k in raw if k not in QUESTION_IDS}
        assert unknown <= set(exc.errors)
    else:
        assert set(raw) <= set(QUESTION_IDS)
        assert set(answers) <= set(raw)


# --- properties: legal answers --------------------------------------------------------


@SETTINGS
@given(legal_answers())
def test_legal_complete_answers_are_accepted_unchanged(answers):
    assert check_complete_answers(QUESTIONNAIRE, answers) == answers
    assert clean_answers(QUESTIONNAIRE, answers) == (answers, {})
    check_assessment(answers, assess(QUESTIONNAIRE, answers))


@SETTINGS
@given(legal_answers(skip_required=True))
def test_legal_partial_answers_only_miss_required_ones(answers):
    cleaned, errors = clean_answers(QUESTIONNAIRE, answers)
    assert cleaned == answers
    missing = {
        q.id
        for q in QUESTIONNAIRE.visible_questions(answers)
        if q.required and q.id not in answers
    }
    assert errors == dict.fromkeys(missing, REQUIRED_MESSAGE)
    check_assessment(answers, assess(QUESTIONNAIRE, answers))


@SETTINGS
@given(legal_answers(), st.data())
def test_hidden_answers_never_change_the_assessment(answers, data):
    hidden = [q for q in QUESTIONS if not QUESTIONNAIRE.is_visible(q, answers)]
    extra = {}
    for question in hidden:
        if data.draw(st.booleans()):
            extra[question.id] = data.draw(
                raw_value_for(question).filter(lambda v: v is not None)
            )
    assert assess(QUESTIONNAIRE, {**answers, **extra}) == assess(QUESTIONNAIRE, answers)
    cleaned, errors = clean_answers(QUESTIONNAIRE, {**answers, **extra})
    assert (cleaned, errors) == (answers, {})


# --- property: one answer never turns a strong fit into "not a fit" ---------------------

STRONG_PERSONAS = [
    answers
    for answers in PERSONAS.values()
    if assess(QUESTIONNAIRE, answers).verdict == STRONG_FIT
]


def _is_knockout(question, value) -> bool:
    values = value if isinstance(value, list) else [value]
    if question.type == "number":
        band = question.band_for(value)
        return bool(band and band.knockout)
    return any(c.knockout for c in question.choices if c.value in map(str, values))


def _changed(draw, answers, question):
    """`answers` with a new legal answer to `question`, and its follow-ups answered."""
    value = legal_value(draw, question)
    if value in ([], "") or _is_knockout(question, value):
        return None
    out = {**answers, question.id: value}
    for q in QUESTIONS:  # what the change hides goes, what it reveals gets an answer
        if not QUESTIONNAIRE.is_visible(q, out):
            out.pop(q.id, None)
        elif q.required and q.id not in out:
            out[q.id] = legal_value(draw, q)
    return out


@st.composite
def strong_fits(draw):
    """A strong-fit persona with a few answers changed, still a strong fit."""
    answers = dict(draw(st.sampled_from(STRONG_PERSONAS)))
    for _ in range(draw(st.integers(0, 4))):
        shown = [q for q in QUESTIONS if q.is_scored and q.id in answers]
        changed = _changed(draw, answers, draw(st.sampled_from(shown)))
        if changed is not None and assess(QUESTIONNAIRE, changed).verdict == STRONG_FIT:
            answers = changed
    return answers


@settings(SETTINGS, max_examples=300)
@given(strong_fits(), st.data())
def test_one_answer_never_moves_a_strong_fit_to_not_a_fit(answers, data):
    assert assess(QUESTIONNAIRE, answers).verdict == STRONG_FIT
    shown = [q for q in QUESTIONS if q.id in answers and (q.is_choice or q.bands)]
    question = data.draw(st.sampled_from(shown))
    changed = _changed(data.draw, answers, question)
    if changed is None:  # a knock-out answer: that one may decide
        return
    after = assess(QUESTIONNAIRE, changed)
    if _completes_project_shape(assess(QUESTIONNAIRE, answers), after):
        # by design: the second answer that describes a piece of work with an end is what
        # marks a project client (the project_shaped rule, at_least = 2), like a knock-out
        return
    assert after.verdict != NOT_A_FIT, (question.id, changed)


def _completes_project_shape(before, after) -> bool:
    fired = {f.question_id for f in after.flags} - {f.question_id for f in before.flags}
    return "rule.project_shaped" in fired


def test_the_largest_single_change_from_a_strong_fit_is_bounded():
    """Exhaustively, for the strong personas: every other answer to one question."""
    rules = QUESTIONNAIRE.scoring
    budget = rules.strong_fit - rules.possible_fit  # a strong fit at the line
    for answers in STRONG_PERSONAS:
        before = assess(QUESTIONNAIRE, answers).overall
        for question in QUESTIONS:
            if question.id not in answers or not question.is_scored:
                continue
            for value in _alternatives(question):
                if _is_knockout(question, value):
                    continue
                after = assess(QUESTIONNAIRE, {**answers, question.id: value}).overall
                assert before - after < budget, (question.id, value, before, after)


def _alternatives(question):
    if question.type == "multi":
        return [[c.value] for c in question.choices]
    if question.type == "scale":
        return [1, 2, 3, 4, 5]
    if question.type == "number":
        return sorted(
            {question.minimum, *(b.below - 1 for b in question.bands if b.below)}
        )
    return [c.value for c in question.choices]
