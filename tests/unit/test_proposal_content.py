"""proposal_context(): the documents' content as plain values, without Flask or PDF."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from intake.practice import default_practice
from intake.proposal.content import (
    MAX_CONTEXT_CHARS,
    ProposalTooLarge,
    brand_colours,
    proposal_context,
)
from intake.proposal.recommendation import recommend
from intake.questionnaire.schema import load_questionnaire
from intake.questionnaire.scoring import assess

try:
    from tests.personas import PERSONAS
except ImportError:  # tests/ is not a package and the repo root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from personas import PERSONAS

DEFAULT = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
)
TODAY = dt.date(2026, 11, 25)
QUESTIONNAIRE = load_questionnaire(DEFAULT)


def context(persona="solid_but_cautious", practice=None, **kw):
    practice = practice or default_practice()
    answers = PERSONAS[persona]
    assessment = assess(QUESTIONNAIRE, answers)
    values = {
        "practice": practice,
        "submission_name": "Dana O'Neill",
        "business": "Brightpath",
        "own_words": [("Why now?", "We grew.")],
        "recommendation": recommend(
            questionnaire=QUESTIONNAIRE,
            answers=answers,
            assessment=assessment,
            practice=practice,
        ),
        "assessment": assessment,
        "today": TODAY,
        **kw,
    }
    return proposal_context(**values)


def test_context_formats_values_for_the_template():
    practice = replace(
        default_practice(),
        currency="EUR",
        proposal_valid_days=14,
        brand_colour="#FFEE00",
    )
    ctx = context(
        practice=practice,
        submission_name="  Dana O'Neill ",
        own_words=[("", "Just text"), ("Blank", "  ")],
    )
    assert ctx["date"] == "25 November 2026"
    assert ctx["valid_until"] == "9 December 2026"
    assert ctx["package"]["name"] == "Partner"
    assert ctx["package"]["price"] == "€1,250"
    assert ctx["prospect_name"] == "Dana O'Neill"
    assert ctx["greeting_name"] == "Dana"
    assert (
        ctx["title"] == "Proposal for Brightpath from Northway Administrative Partners"
    )
    assert ctx["brand"] == "#ffee00"
    assert ctx["brand_ink"] == "#1b1b1b"  # dark text on a light brand colour
    assert ctx["paper_size"] == "letter"  # the default practice is in the US
    assert "chart" not in ctx  # no scores in anything the prospect receives
    assert ctx["options"][1]["price"] == "€1,250"
    assert ctx["options"][0]["name"] == "Foundation"
    assert ctx["quotes"] == [{"question": "", "text": "Just text"}]
    grid = ctx["grid"]  # they would like to start on 1 February 2027
    assert grid["first"] == "February 2027" and ctx["start_month"] == "February 2027"
    assert grid["months"][0] == "Feb" and len(grid["months"]) == 12
    assert grid["years"][:2] == ["2027", ""]
    assert [row["cells"].count("●") for row in grid["rows"]] == [12, 12, 4, 1]
    assert ctx["office_hours"] == "Monday to Friday, 09:00–17:00"
    assert ctx["channels"] == "e-mail, video calls and team chat"


def test_the_grid_starts_next_month_across_the_year_end():
    grid = context("hands_off_executive", today=dt.date(2026, 12, 3))["grid"]
    assert grid["first"] == "January 2027"
    assert grid["months"] == [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]  # fmt: skip
    assert grid["years"] == ["2027"] + [""] * 11


def test_the_prospect_sees_no_verdict_flag_or_talking_point():
    ctx = context("needy_always_on")
    assert "verdict" not in ctx and "not_fit_reason" not in ctx
    assert ctx["gaps"] and all(set(g) == {"said", "to_agree"} for g in ctx["gaps"])


def test_a_letter_for_someone_who_is_not_a_fit():
    ctx = context("one_off_project", submission_name="", business="Solo Ltd")
    assert ctx["package"] is None
    assert ctx["greeting_name"] == "there"
    assert ctx["title"] == "A letter for Solo Ltd from Northway Administrative Partners"
    assert ctx["alternatives"][0].startswith("For a single piece of work")


def test_unknown_paper_size_and_bad_colour_fall_back():
    practice = replace(
        default_practice(), paper_size="Tabloid", brand_colour="red; } body {"
    )
    ctx = context(practice=practice)
    # an unknown paper size follows the country: Letter in the US, A4 elsewhere
    assert (ctx["paper_size"], ctx["brand"]) == ("letter", "#1f5f8b")
    assert context(practice=replace(practice, country="GB"))["paper_size"] == "A4"
    letter = context(practice=replace(practice, paper_size="Letter"))
    assert letter["paper_size"] == "letter"


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        (
            "#1f5f8b",
            {
                "brand": "#1f5f8b",
                "brand_ink": "#ffffff",
                "brand_text": "#1f5f8b",
                "brand_tint": "#edf2f6",
                "brand_soft": "#cedce5",
            },
        ),
        (
            "#FFEE00",
            {
                "brand": "#ffee00",
                "brand_ink": "#1b1b1b",
                "brand_text": "#8c8300",
                "brand_tint": "#fffeeb",
                "brand_soft": "#fffbc7",
            },
        ),
    ],
)
def test_brand_colours(colour, expected):
    assert brand_colours(colour) == expected


def test_huge_context_fails_fast_with_a_clear_message():
    with pytest.raises(ProposalTooLarge, match="too long"):
        context(own_words=[("Needs", "x" * (MAX_CONTEXT_CHARS + 1))])
    assert issubclass(ProposalTooLarge, ValueError)
