"""The consultation's agreements over the answers (intake.consultation.agreement): real
questionnaire, practice and recommendation, no app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from intake.consultation.agreement import (
    Agreed,
    effective_answers,
    prefill,
    proposal_part,
    settle,
)
from intake.practice import default_practice
from intake.proposal.recommendation import recommend
from intake.questionnaire.schema import load_questionnaire
from intake.questionnaire.scoring import assess
from tests.personas import STRATEGIC_COLLABORATOR

CALL = dt.date(2026, 12, 3)
DEFAULT = Path(__file__).resolve().parents[2] / "intake/questionnaire/default.toml"


def load_default():
    return load_questionnaire(str(DEFAULT))


def _recommend(answers, agreed=None):
    q = load_default()
    practice = default_practice()
    rec = recommend(
        questionnaire=q,
        answers=effective_answers(q, answers, agreed),
        assessment=assess(q, answers),  # the verdict stays the answers'
        practice=practice,
    )
    return settle(rec, agreed)


def test_prefill_reads_the_answers():
    agreed = prefill(load_default(), STRATEGIC_COLLABORATOR, CALL)
    assert agreed.monthly_hours == 45
    assert agreed.start_date == dt.date(2027, 1, 11)
    assert set(agreed.areas) == set(STRATEGIC_COLLABORATOR["service_areas"])
    assert agreed.reviews == ("weekly", "monthly", "quarterly", "annual")
    assert agreed.roles.startswith("Without asking first, we may: accept or move")
    assert agreed.reply_times == agreed.channels == agreed.other == ""


def test_the_agreed_values_replace_the_answers_before_the_recommendation():
    before = _recommend(STRATEGIC_COLLABORATOR)
    agreed = Agreed(
        call_date=CALL,
        areas=("inbox_calendar", "client_care", "documents"),
        monthly_hours=20,
        start_date=dt.date(2027, 2, 1),
        reviews=("monthly", "quarterly"),
    )
    after = _recommend(STRATEGIC_COLLABORATOR, agreed)
    assert before.package.name == "Strategic Partner"
    assert after.package.name == "Partner" and after.hours_needed == 20
    assert after.start_date == dt.date(2027, 2, 1)
    assert after.area_ids == ("inbox_calendar", "client_care", "documents")
    assert [r.cadence for r in after.reviews] == ["monthly", "quarterly"]


def test_a_written_agreement_settles_its_gap_and_only_that_one():
    answers = {**STRATEGIC_COLLABORATOR, "reply_time": "within_hour"}
    answers["owner_access"] = "hard_to_reach"
    topics = {g.topic for g in _recommend(answers).gaps}
    assert {"reply_time", "authority"} <= topics
    agreed = Agreed(call_date=CALL, reply_times="Within the day.")
    left = {g.topic for g in _recommend(answers, agreed).gaps}
    assert "reply_time" not in left and "authority" in left


def test_what_the_proposal_says_was_agreed():
    agreed = Agreed(
        call_date=CALL, monthly_hours=20, channels="E-mail and a weekly call."
    )
    part = proposal_part(agreed, _recommend(STRATEGIC_COLLABORATOR, agreed), {"x": "X"})
    assert part["date"] == "3 December 2026"
    assert part["points"] == [
        "About 20 hours of support a month: Partner",
        "How we keep in touch: E-mail and a weekly call.",
    ]
    assert proposal_part(None, _recommend(STRATEGIC_COLLABORATOR), {}) == {}
    empty = Agreed(call_date=CALL)
    assert proposal_part(empty, _recommend(STRATEGIC_COLLABORATOR, empty), {}) == {}


def test_a_stored_record_that_is_malformed_reads_as_not_agreed():
    agreed = Agreed.from_dict(
        {
            "areas": "inbox",
            "monthly_hours": True,
            "start_date": "soon",
            "reviews": ["hourly", "monthly"],
            "roles": 5,
            "other": "  kept  ",
        },
        CALL,
    )
    assert agreed == Agreed(call_date=CALL, reviews=("monthly",), other="kept")
    assert Agreed.from_dict(agreed.to_dict(), CALL) == agreed
    # an area that is not the questionnaire's is not put into the answers
    q = load_default()
    wrong = Agreed(call_date=CALL, areas=("nope",))
    assert effective_answers(q, STRATEGIC_COLLABORATOR, wrong) == dict(
        STRATEGIC_COLLABORATOR
    )
