"""`wizard.advance_without_saved`: an outcome only where the saved answers cannot
change it, and then the very outcome `advance` gives over any saved answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.questionnaire import wizard
from intake.questionnaire.schema import load_questionnaire
from intake.questionnaire.wizard import Posted
from tests.personas import PERSONAS

QUESTIONNAIRE = load_questionnaire(str(Path(wizard.__file__).parent / "default.toml"))
SAVED = [{}, *PERSONAS.values()]


def raw(step, answers: dict) -> dict:
    return {
        q.id: (
            [str(v) for v in answers[q.id]]
            if isinstance(answers.get(q.id), list)
            else (str(answers[q.id]) if q.id in answers else None)
        )
        for q in step.questions
    }


def posts(step):
    """Each persona's page, and each with its first answer blanked (a refused or
    missing answer), by Next and by Back, with and without "shown" (none, all)."""
    everything = frozenset(q.id for q in step.questions)
    for answers in PERSONAS.values():
        for page in (
            raw(step, answers),
            {**raw(step, answers), step.questions[0].id: ""},
        ):
            for back in (False, True):
                for shown in (None, frozenset(), everything):
                    yield Posted(answers=page, back=back, shown=shown)


def test_the_steps_that_read_only_their_own_answers():
    own = [
        wizard.reads_only_its_own_answers(QUESTIONNAIRE, step)
        for step in QUESTIONNAIRE.steps
    ]
    # the last step's budget questions are shown by the support step's answer
    assert own == [True, True, True, True, False]


@pytest.mark.parametrize("number", range(1, len(QUESTIONNAIRE.steps) + 1))
def test_an_outcome_without_the_saved_answers_is_advance_s_over_any(number):
    step = QUESTIONNAIRE.steps[number - 1]
    decided = 0
    for posted in posts(step):
        outcome = wizard.advance_without_saved(QUESTIONNAIRE, step, posted)
        if outcome is None:
            continue
        decided += 1
        for saved in SAVED:
            assert wizard.advance(QUESTIONNAIRE, step, saved, posted) == outcome
    own = wizard.reads_only_its_own_answers(QUESTIONNAIRE, step)
    assert (decided > 0) is own
