"""The recommendation's reasons in two voices: to the prospect in their proposal
("you answered"), about the prospect on the consultant's page ("they answered")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intake.practice import default_practice
from intake.proposal.recommendation import recommend
from intake.questionnaire.schema import load_questionnaire
from intake.questionnaire.scoring import assess
from tests.personas import PERSONAS

DEFAULT = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
)
SECOND_PERSON = re.compile(r"\b(you|your|yours|You|Your)\b")


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(DEFAULT)


def _rec(questionnaire, name, **kw):
    answers = PERSONAS[name]
    practice = default_practice()
    return recommend(
        questionnaire=questionnaire,
        answers=answers,
        assessment=assess(questionnaire, answers),
        practice=practice,
        **kw,
    )


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_the_consultant_reads_about_them_line_for_line(questionnaire, name):
    rec = _rec(questionnaire, name)
    assert len(rec.rationale_about) == len(rec.rationale)
    for to_them, about_them in zip(rec.rationale, rec.rationale_about, strict=True):
        assert not SECOND_PERSON.search(about_them), about_them
        # the same facts: every quoted answer is in both
        assert re.findall(r"“[^”]+”", to_them) == re.findall(r"“[^”]+”", about_them)


def test_the_two_voices_side_by_side(questionnaire):
    rec = _rec(questionnaire, "solid_but_cautious")
    assert rec.rationale[1].startswith("You picture about 12 hours of support a month")
    assert rec.rationale_about[1].startswith(
        "They picture about 12 hours of support a month"
    )
    assert rec.rationale_about[0].startswith(
        "Asked what kind of arrangement they are hoping for, they answered"
    )


def test_a_package_chosen_by_hand_says_so_to_the_consultant(questionnaire):
    rec = _rec(questionnaire, "pair_of_hands", override="Foundation")
    assert rec.rationale[0] == (
        "As we discussed, this proposal is built around Foundation."
    )
    assert rec.rationale_about[0] == (
        "You chose Foundation by hand; the proposal is built around it."
    )
