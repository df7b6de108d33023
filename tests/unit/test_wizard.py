"""The wizard's rules (intake/questionnaire/wizard.py), every exit of `advance`.

A three-step questionnaire: step one asks a name and a kind of help; choosing "once"
reveals a required `detail` question on the same step. Step two asks hours (a number),
step three anything else (optional).
"""

from __future__ import annotations

import pytest

from intake.questionnaire.answers import REQUIRED_MESSAGE
from intake.questionnaire.schema import parse_questionnaire
from intake.questionnaire.wizard import (
    REVEALED_NOTICE,
    REVIEW,
    Outcome,
    Posted,
    advance,
    first_incomplete_step,
    newly_shown,
    reachable_step,
    resume_at,
    step_problems,
)

TOML = """\
version = "1.0"
title = "Wizard test"
intro = "For the tests."

[scoring]
weights = { fit = 2, chemistry = 1, boundaries = 1 }
strong_fit = 70
possible_fit = 40
dimension_floor = 30

[[steps]]
id = "one"
title = "One"

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
required = true
choices = [
  { value = "ongoing", label = "Ongoing", fit = 5 },
  { value = "once", label = "Once", fit = -5 },
]

[[steps.questions]]
id = "detail"
type = "long_text"
label = "Tell us more"
required = true
show_if = { question = "kind", in = ["once"] }

[[steps]]
id = "two"
title = "Two"

[[steps.questions]]
id = "hours"
type = "number"
label = "Hours a month"
required = true
min = 0
max = 100

[[steps]]
id = "three"
title = "Three"

[[steps.questions]]
id = "notes"
type = "long_text"
label = "Anything else?"
"""

Q = parse_questionnaire(TOML, source="wizard-test.toml")
ONE, TWO, THREE = Q.steps
STEP_ONE = {"name": "Ada", "kind": "ongoing"}


def test_next_with_a_valid_step_saves_it_and_goes_on():
    outcome = advance(Q, ONE, {}, Posted(STEP_ONE))
    assert outcome == Outcome(save={"name": "Ada", "kind": "ongoing"}, go_to=2)


def test_next_with_a_problem_saves_nothing_and_shows_the_messages():
    outcome = advance(Q, TWO, {**STEP_ONE, "hours": 40}, Posted({"hours": "lots"}))
    assert outcome.save is None and outcome.go_to is None and outcome.notice == ""
    assert list(outcome.errors) == ["hours"]


def test_next_with_a_missing_answer_names_it():
    outcome = advance(Q, ONE, {}, Posted({"kind": "ongoing"}))
    assert outcome == Outcome(save=None, go_to=None, errors={"name": REQUIRED_MESSAGE})


def test_back_keeps_the_previous_valid_answer_in_place_of_an_invalid_one():
    saved = {**STEP_ONE, "hours": 40}
    outcome = advance(Q, TWO, saved, Posted({"hours": "lots"}, back=True))
    assert outcome == Outcome(save={"hours": 40}, go_to=1)


def test_back_saves_a_new_valid_answer():
    saved = {**STEP_ONE, "hours": 40}
    outcome = advance(Q, TWO, saved, Posted({"hours": "33"}, back=True))
    assert outcome == Outcome(save={"hours": 33}, go_to=1)


def test_back_with_an_invalid_answer_and_nothing_saved_drops_it():
    outcome = advance(Q, TWO, STEP_ONE, Posted({"hours": "lots"}, back=True))
    assert outcome == Outcome(save={}, go_to=1)


def test_back_from_the_first_step_stays_on_it():
    outcome = advance(Q, ONE, {}, Posted(STEP_ONE, back=True))
    assert outcome == Outcome(save=STEP_ONE, go_to=1)


def test_a_revealed_question_the_page_did_not_show_is_shown_with_a_notice():
    """Without JavaScript: choosing "once" reveals `detail`, not yet answerable."""
    outcome = advance(Q, ONE, {}, Posted({"name": "Ada", "kind": "once"}))
    assert outcome == Outcome(
        save={"name": "Ada", "kind": "once"}, go_to=None, notice=REVEALED_NOTICE
    )


def test_a_revealed_question_the_page_showed_must_be_answered():
    shown = frozenset({"name", "kind", "detail"})
    outcome = advance(Q, ONE, {}, Posted({"name": "Ada", "kind": "once"}, shown=shown))
    assert outcome == Outcome(
        save=None, go_to=None, errors={"detail": REQUIRED_MESSAGE}
    )


def test_a_revealed_question_answered_goes_on():
    posted = Posted({"name": "Ada", "kind": "once", "detail": "A one-off move."})
    assert advance(Q, ONE, {}, posted).go_to == 2


def test_other_problems_win_over_the_notice():
    outcome = advance(Q, ONE, {}, Posted({"kind": "once"}))
    assert outcome == Outcome(save=None, go_to=None, errors={"name": REQUIRED_MESSAGE})


def test_the_last_step_goes_to_review():
    saved = {**STEP_ONE, "hours": 40}
    assert advance(Q, THREE, saved, Posted({})) == Outcome(save={}, go_to=REVIEW)


def test_a_step_opened_from_review_returns_there():
    posted = Posted(STEP_ONE, then_review=True)
    assert advance(Q, ONE, {"hours": 40}, posted).go_to == REVIEW


@pytest.mark.parametrize(
    "shown,saved,expected",
    [
        (None, {}, {"detail"}),  # no JavaScript: the page showed what `saved` revealed
        (None, {"kind": "once"}, set()),  # it was already shown before this post
        (frozenset({"name", "kind"}), {"kind": "once"}, {"detail"}),  # page says not
        (frozenset({"name", "kind", "detail"}), {}, set()),  # JavaScript showed it
    ],
)
def test_newly_shown(shown, saved, expected):
    answers = {"name": "Ada", "kind": "once"}
    assert newly_shown(Q, ONE, shown, saved, answers) == expected


def test_newly_shown_ignores_a_question_already_answered():
    answers = {"name": "Ada", "kind": "once", "detail": "Moving office."}
    assert newly_shown(Q, ONE, None, {}, answers) == set()


def test_newly_shown_reads_the_step_without_its_old_answers():
    """A saved answer of this step that the post leaves blank reveals nothing."""
    assert newly_shown(Q, ONE, None, {}, {"name": "Ada"}) == set()
    assert newly_shown(Q, ONE, frozenset(), {"kind": "once"}, {"name": "Ada"}) == set()


def test_reachable_step_is_one_past_the_last_saved():
    assert [reachable_step(n) for n in (0, 1, 3)] == [1, 2, 4]


def test_step_problems_and_first_incomplete_step():
    complete = {**STEP_ONE, "hours": 40}
    assert step_problems(Q, ONE, {"kind": "once"}) == {
        "name": REQUIRED_MESSAGE,
        "detail": REQUIRED_MESSAGE,
    }
    assert step_problems(Q, THREE, {}) == {}
    assert first_incomplete_step(Q, {}) == 1
    assert first_incomplete_step(Q, STEP_ONE) == 2
    assert first_incomplete_step(Q, complete) == 0


@pytest.mark.parametrize(
    "answers,steps_done,expected",
    [
        ({}, 0, 1),
        (STEP_ONE, 1, 2),
        ({"hours": 40}, 2, 1),  # an earlier step lost an answer
        (STEP_ONE, 0, 1),  # never further than one past the last saved step
        ({**STEP_ONE, "hours": 40}, 2, REVIEW),
    ],
)
def test_resume_at(answers, steps_done, expected):
    assert resume_at(Q, answers, steps_done) == expected
