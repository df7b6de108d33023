"""Checking answers (intake/questionnaire/answers.py) against the default questionnaire.

Canonical shapes: str for single, text, long_text, email and date (ISO), int for scale
and number, list[str] in choice order for multi.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from intake.questionnaire.answers import (
    REQUIRED_MESSAGE,
    check_complete_answers,
    clean_answer,
    clean_answers,
    describe_answer,
)
from intake.questionnaire.errors import InvalidAnswer, InvalidAnswers
from intake.questionnaire.schema import load_questionnaire, parse_questionnaire

try:
    from tests.personas import PERSONAS
except ImportError:  # tests/ is not a package and the repo root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from personas import PERSONAS

DEFAULT = Path(__file__).resolve().parents[2] / "intake/questionnaire/default.toml"
# the previous version, which still has a scale question (autonomy)
PREVIOUS = Path(__file__).resolve().parents[2] / "tests/data/questionnaire-2027.01.toml"

CHOICE_MESSAGE = "Please choose from the options shown."
ONE_ANSWER_MESSAGE = "Please choose only one answer."
WHOLE_NUMBER_MESSAGE = "Please enter a whole number, such as 20."
DATE_MESSAGE = "Please enter a date as YYYY-MM-DD, such as 2027-01-15."
YEAR_MESSAGE = "Please enter a date between the years 2000 and 2100."
EMAIL_MESSAGE = "Please enter an e-mail address like name@example.com."
TEXT_MESSAGE = "Please type your answer as text."
NONE_ALONE_MESSAGE = (
    "“None of these” cannot be ticked together with other answers; please untick "
    "one or the other."
)
AT_LEAST_ONE_HOUR = (
    "Please enter at least 1 (hours a month); a rough estimate is fine, and we will "
    "refine it together."
)


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(DEFAULT)


def _question(questionnaire, qid):
    """The question of the default file, or of the previous one (the scale)."""
    return questionnaire.question(qid) or load_questionnaire(PREVIOUS).question(qid)


def persona(name="strategic_collaborator", **changes):
    answers = dict(PERSONAS[name])
    for key, value in changes.items():
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


# --- clean_answer: accepted answers and their canonical form --------------------------

VALID = [
    # (question id, raw, canonical)
    ("work_mix", "growing", "growing"),
    ("work_mix", ["growing"], "growing"),
    ("work_mix", ["", "growing", None], "growing"),
    ("autonomy", "3", 3),
    ("autonomy", 3, 3),
    ("autonomy", ["5"], 5),
    ("monthly_hours", " 12 ", 12),
    ("monthly_hours", "12", 12),
    ("monthly_hours", 12, 12),
    ("monthly_hours", 12.0, 12),
    ("monthly_hours", "+7", 7),
    ("monthly_hours", "1", 1),
    ("monthly_hours", "200", 200),
    ("monthly_hours", ["40"], 40),
    ("monthly_hours", "000000000012", 12),  # 12 characters is the limit
    (
        "service_areas",
        ["research", "inbox_calendar", "research", "documents"],
        ["inbox_calendar", "documents", "research"],
    ),
    ("service_areas", "client_care", ["client_care"]),
    ("service_areas", ["", "events", "  "], ["events"]),
    ("consent", "agree", ["agree"]),
    ("review_cadence", ["quarterly", "weekly"], ["weekly", "quarterly"]),
    ("review_cadence", ["none"], ["none"]),
    ("email", " Tom.Reilly@ReillyEvents.IE ", "Tom.Reilly@reillyevents.ie"),
    ("email", "hannah@lindqvist-advisory.com", "hannah@lindqvist-advisory.com"),
    ("start_date", "2027-01-15", "2027-01-15"),
    ("start_date", " 2027-01-15\n", "2027-01-15"),
    ("start_date", "2000-01-01", "2000-01-01"),
    ("start_date", "2100-12-31", "2100-12-31"),
    (
        "needs_summary",
        "line one\r\n  line two\rline three",
        "line one\n  line two\nline three",
    ),
    ("needs_summary", "  a\n\n\tb  ", "a\n\n\tb"),
    ("full_name", "  Hannah \t  Lindqvist \n", "Hannah Lindqvist"),
    ("full_name", "Han\x00nah\x07 Lind\x1bqvist\x7f", "Hannah Lindqvist"),
    ("full_name", 42, "42"),
    ("full_name", "x" * 120, "x" * 120),
    ("trust_building", "tab\there\x00\x0b\x0c\x1f", "tab\there"),
    ("trust_building", "a\r\n\x00b", "a\nb"),
]


@pytest.mark.parametrize("qid,raw,expected", VALID)
def test_clean_answer_canonical_form(questionnaire, qid, raw, expected):
    cleaned = clean_answer(_question(questionnaire, qid), raw)
    assert cleaned == expected
    assert type(cleaned) is type(expected)


def test_cleaning_is_idempotent_on_canonical_answers(questionnaire):
    for qid, _raw, expected in VALID:
        assert clean_answer(_question(questionnaire, qid), expected) == expected, qid


# --- clean_answer: refused answers and their messages ---------------------------------

INVALID = [
    # (question id, raw, message)
    ("work_mix", "plumber", CHOICE_MESSAGE),
    ("work_mix", "Growing", CHOICE_MESSAGE),
    ("work_mix", True, CHOICE_MESSAGE),
    ("work_mix", ["growing", "mostly_routine"], ONE_ANSWER_MESSAGE),
    ("work_mix", {"growing": 1}, CHOICE_MESSAGE),
    ("autonomy", "6", CHOICE_MESSAGE),
    ("autonomy", 0, CHOICE_MESSAGE),
    ("autonomy", "three", CHOICE_MESSAGE),
    ("autonomy", 3.0, CHOICE_MESSAGE),
    ("autonomy", True, CHOICE_MESSAGE),
    ("autonomy", ["2", "3"], ONE_ANSWER_MESSAGE),
    ("service_areas", ["inbox_calendar", "gardening"], CHOICE_MESSAGE),
    ("service_areas", [["inbox_calendar"]], CHOICE_MESSAGE),
    ("consent", ["agree", "deletion_understood"], CHOICE_MESSAGE),
    ("review_cadence", ["weekly", "none"], NONE_ALONE_MESSAGE),
    ("review_cadence", ["none", "monthly", "annual"], NONE_ALONE_MESSAGE),
    (
        "full_name",
        "x" * 121,
        "Please keep this to 120 characters or fewer (it is 121 now).",
    ),
    (
        "needs_summary",
        "y" * 2001,
        "Please keep this to 2000 characters or fewer (it is 2001 now).",
    ),
    ("full_name", {"first": "Hannah"}, TEXT_MESSAGE),
    ("full_name", True, TEXT_MESSAGE),
    ("full_name", ["Hannah", "Lindqvist"], "Please give one answer only."),
    ("needs_summary", {"a": 1}, TEXT_MESSAGE),
    ("email", {"a": 1}, TEXT_MESSAGE),
    ("monthly_hours", "201", "Please enter a number from 1 to 200."),
    ("monthly_hours", 0, AT_LEAST_ONE_HOUR),
    ("monthly_hours", "0", AT_LEAST_ONE_HOUR),
    ("monthly_hours", -1, AT_LEAST_ONE_HOUR),
    ("monthly_hours", 10**30, "Please enter a number from 1 to 200."),
    ("monthly_hours", "12.5", WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", 12.5, WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", "twelve", WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", "1e3", WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", "1 000", WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", float("inf"), WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", float("nan"), WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", None, WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", "1234567890123", WHOLE_NUMBER_MESSAGE),  # 13 digits
    ("monthly_hours", "0" * 40 + "12", WHOLE_NUMBER_MESSAGE),
    ("monthly_hours", True, "Please enter a whole number."),
    ("monthly_hours", False, "Please enter a whole number."),
    ("start_date", "15/01/2027", DATE_MESSAGE),
    ("start_date", "2027-02-30", DATE_MESSAGE),
    ("start_date", "soon", DATE_MESSAGE),
    ("start_date", "1999-12-31", YEAR_MESSAGE),
    ("start_date", "2101-01-01", YEAR_MESSAGE),
    ("start_date", {"y": 2027}, TEXT_MESSAGE),
    ("email", "not-an-email", EMAIL_MESSAGE),
    ("email", "a@b", EMAIL_MESSAGE),
    ("email", "two@at@signs.com", EMAIL_MESSAGE),
    ("email", "me@localhost", EMAIL_MESSAGE),
]


@pytest.mark.parametrize("qid,raw,message", INVALID)
def test_clean_answer_refuses(questionnaire, qid, raw, message):
    with pytest.raises(InvalidAnswer) as info:
        clean_answer(_question(questionnaire, qid), raw)
    assert info.value.message == message
    assert str(info.value) == message


def test_multi_max_choices():
    text = """
version = "1"
title = "t"
[scoring]
weights = { fit = 1, chemistry = 1, boundaries = 1 }
strong_fit = 70
possible_fit = 40
[[steps]]
id = "s"
title = "S"
[[steps.questions]]
id = "pick"
type = "multi"
label = "Pick"
max_choices = 2
choices = [
  { value = "a", label = "A" },
  { value = "b", label = "B" },
  { value = "c", label = "C" },
]
"""
    question = parse_questionnaire(text, source="t").question("pick")
    assert clean_answer(question, ["c", "a"]) == ["a", "c"]
    with pytest.raises(InvalidAnswer) as info:
        clean_answer(question, ["a", "b", "c"])
    assert info.value.message == "Please choose at most 2."


# --- clean_answers --------------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "", "   ", "\n\t", [], [""], ["", "  "]])
def test_required_question_left_blank(questionnaire, blank):
    full_name = questionnaire.question("full_name")
    answers, errors = clean_answers(
        questionnaire, {"full_name": blank}, questions=[full_name]
    )
    assert answers == {}
    assert errors == {"full_name": REQUIRED_MESSAGE}


@pytest.mark.parametrize("blank", [None, "", [], [""]])
def test_required_multi_left_blank(questionnaire, blank):
    areas = questionnaire.question("service_areas")
    answers, errors = clean_answers(
        questionnaire, {"service_areas": blank}, questions=[areas]
    )
    assert (answers, errors) == ({}, {"service_areas": REQUIRED_MESSAGE})


def test_required_question_missing_from_everything(questionnaire):
    answers, errors = clean_answers(questionnaire, persona(full_name=None, budget=None))
    assert errors == {"full_name": REQUIRED_MESSAGE, "budget": REQUIRED_MESSAGE}
    assert "full_name" not in answers and "budget" not in answers


def test_optional_question_left_blank_is_dropped(questionnaire):
    answers, errors = clean_answers(
        questionnaire, persona(start_date="  ", trust_building="", authority=["none"])
    )
    assert errors == {}
    assert "start_date" not in answers and "trust_building" not in answers


def test_hidden_conditional_questions_are_dropped_even_when_sent(questionnaire):
    raw = persona(
        authority=["calendar", "replies"],
        trust_building="I'd like to see some work first.",
        availability="office_hours",
        after_hours_detail="Late-night calls.",
    )
    answers, errors = clean_answers(questionnaire, raw)
    assert errors == {}
    assert "trust_building" not in answers
    assert "after_hours_detail" not in answers


def test_hidden_conditional_questions_are_not_checked(questionnaire):
    raw = persona(authority=["replies"], trust_building={"not": "text"})
    answers, errors = clean_answers(questionnaire, raw)
    assert errors == {}
    assert "trust_building" not in answers


def test_shown_conditional_questions_are_kept(questionnaire):
    raw = persona(
        authority="none",
        trust_building="  Seeing the work first.  ",
        availability="any_time",
        after_hours_detail="Clients in other time zones.",
        weekends="no",
    )
    answers, errors = clean_answers(questionnaire, raw)
    assert errors == {}
    assert answers["weekends"] == "no"
    assert answers["authority"] == ["none"]
    assert answers["trust_building"] == "Seeing the work first."
    assert answers["after_hours_detail"] == "Clients in other time zones."


def test_invalid_controller_hides_its_followers(questionnaire):
    raw = persona(authority=["sometimes"], trust_building="Seeing the work first.")
    answers, errors = clean_answers(questionnaire, raw)
    assert errors == {"authority": CHOICE_MESSAGE}
    assert "trust_building" not in answers


@pytest.mark.parametrize(
    "earlier,shown",
    [
        ({"authority": ["none"]}, True),
        ({"authority": ["calendar"]}, False),
        ({"authority": ["replies", "how_done"]}, False),
        ({}, False),
    ],
)
def test_earlier_answers_drive_show_if(questionnaire, earlier, shown):
    follow_up = questionnaire.question("trust_building")
    answers, errors = clean_answers(
        questionnaire,
        {"trust_building": "A few samples first."},
        questions=[follow_up],
        earlier=earlier,
    )
    assert errors == {}
    assert answers == ({"trust_building": "A few samples first."} if shown else {})


def test_earlier_required_follow_up(questionnaire):
    # a required follow-up is only required while it is shown
    text = DEFAULT.read_text(encoding="utf-8").replace(
        'show_if = { question = "authority", in = ["none"] }',
        'show_if = { question = "authority", in = ["none"] }\nrequired = true',
    )
    q = parse_questionnaire(text, source="edited")
    follow_up = q.question("trust_building")
    earlier = {"authority": ["none"]}
    _, errors = clean_answers(q, {}, questions=[follow_up], earlier=earlier)
    assert errors == {"trust_building": REQUIRED_MESSAGE}
    earlier = {"authority": ["replies"]}
    _, errors = clean_answers(q, {}, questions=[follow_up], earlier=earlier)
    assert errors == {}


def test_new_answer_replaces_the_earlier_one_for_show_if(questionnaire):
    step = questionnaire.step("style")
    raw = {"authority": ["replies"], "trust_building": "Samples first."}
    answers, errors = clean_answers(
        questionnaire, raw, questions=step.questions, earlier={"authority": ["none"]}
    )
    assert answers["authority"] == ["replies"]
    assert "trust_building" not in answers
    # the other required questions of the step were not sent
    assert set(errors) == {"stance", "owner_access", "review_cadence"}
    assert set(errors.values()) == {REQUIRED_MESSAGE}


def test_clean_answers_only_checks_the_questions_given(questionnaire):
    step = questionnaire.step("contact")
    answers, errors = clean_answers(
        questionnaire, persona(budget="lots"), questions=step.questions
    )
    assert errors == {}
    assert set(answers) == {q.id for q in step.questions}


# --- check_complete_answers -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_personas_are_complete(questionnaire, name):
    answers = check_complete_answers(questionnaire, PERSONAS[name])
    assert set(answers) == set(PERSONAS[name])
    for qid, value in answers.items():
        if isinstance(value, list):
            assert sorted(value) == sorted(PERSONAS[name][qid])
        else:
            assert value == PERSONAS[name][qid]


def test_check_complete_answers_lists_every_problem_at_once(questionnaire):
    raw = persona(
        full_name=None,
        budget="lots",
        monthly_hours="many",
        start_date="1999-01-01",
        favourite_colour="blue",
    )
    raw["Budget"] = "under_500"
    with pytest.raises(InvalidAnswers) as info:
        check_complete_answers(questionnaire, raw)
    assert info.value.errors == {
        "favourite_colour": "is not a question of this questionnaire",
        "Budget": "is not a question of this questionnaire",
        "full_name": REQUIRED_MESSAGE,
        "budget": CHOICE_MESSAGE,
        "monthly_hours": WHOLE_NUMBER_MESSAGE,
        "start_date": YEAR_MESSAGE,
    }
    assert "favourite_colour: is not a question of this questionnaire" in str(
        info.value
    )


def test_check_complete_answers_refuses_unknown_ids_alone(questionnaire):
    with pytest.raises(InvalidAnswers) as info:
        check_complete_answers(questionnaire, persona(extra="x"))
    assert info.value.errors == {"extra": "is not a question of this questionnaire"}


def test_check_complete_answers_drops_hidden_answers(questionnaire):
    raw = persona(authority=["calendar"], trust_building="Not shown.")
    answers = check_complete_answers(questionnaire, raw)
    assert "trust_building" not in answers


# --- describe_answer ------------------------------------------------------------------


def test_describe_answer(questionnaire):
    q = questionnaire.question
    assert describe_answer(q("budget"), "under_500") == "Under 500 a month"
    assert describe_answer(q("budget"), "500_1000") == "500 to 1,000 a month"
    assert describe_answer(q("monthly_hours"), 45) == "45 hours a month"
    assert (
        describe_answer(q("authority"), ["replies", "calendar"])
        == "Accept or move meetings in my calendar, Answer routine enquiries in my name"
    )
    scale = load_questionnaire(PREVIOUS).question("autonomy")
    assert describe_answer(scale, 1) == "1 – I'd like to approve each step"
    assert describe_answer(scale, 3) == "3 of 5"
    assert describe_answer(q("full_name"), "Hannah") == "Hannah"
    assert describe_answer(q("full_name"), "") == ""
    assert describe_answer(q("authority"), []) == ""
    assert describe_answer(q("budget"), None) == ""


# --- bugs found while writing these tests, now fixed -------------------------------


@pytest.mark.parametrize("qid", ["full_name", "needs_summary"])
def test_control_characters_only_do_not_answer_a_required_question(questionnaire, qid):
    question = questionnaire.question(qid)
    answers, errors = clean_answers(
        questionnaire, {qid: "\x00\x1f"}, questions=[question]
    )
    assert answers == {}
    assert errors == {qid: REQUIRED_MESSAGE}


@pytest.mark.parametrize("qid", ["full_name", "budget", "stance", "service_areas"])
def test_huge_integer_is_an_error_not_an_exception(questionnaire, qid):
    question = questionnaire.question(qid)
    answers, errors = clean_answers(
        questionnaire,
        {qid: 10**5000},
        questions=[question],
        earlier={"engagement": "ongoing"},  # budget is shown to ongoing prospects
    )
    assert answers == {}
    assert qid in errors


# --- the fairer questionnaire (version 2027.01) ----------------------------------------


def test_none_of_these_is_refused_with_other_reviews_in_a_whole_submission(
    questionnaire,
):
    raw = persona(review_cadence=["weekly", "monthly", "none"])
    answers, errors = clean_answers(questionnaire, raw)
    assert errors == {"review_cadence": NONE_ALONE_MESSAGE}
    assert "review_cadence" not in answers
    assert clean_answers(questionnaire, persona(review_cadence=["none"]))[1] == {}


def test_zero_hours_is_refused_with_a_message(questionnaire):
    answers, errors = clean_answers(questionnaire, persona(monthly_hours="0"))
    assert errors == {"monthly_hours": AT_LEAST_ONE_HOUR}
    assert "monthly_hours" not in answers


def test_a_project_client_answers_about_the_project_not_monthly_figures(
    questionnaire,
):
    raw = persona(
        "one_off_project", monthly_hours="0", budget="nonsense", project_details=None
    )
    answers, errors = clean_answers(questionnaire, raw)
    # hidden for a project: neither checked nor kept; the project itself is asked
    assert errors == {"project_details": REQUIRED_MESSAGE}
    assert "monthly_hours" not in answers and "budget" not in answers


def test_money_choices_name_the_practice_currency(questionnaire):
    local = questionnaire.localised({}, "GBP")
    assert (
        describe_answer(local.question("budget"), "500_1000")
        == "£500 to £1,000 a month"
    )
    assert local.digest == questionnaire.digest
    assert local.question("budget").choice("500_1000").meta == {"monthly_max": 1000}
    swiss = questionnaire.localised({"reply_time": "4 working hours"}, "CHF")
    assert swiss.question("budget").choices[0].label == "Under 500 CHF a month"
    # the practice's standards are not shown before the answer (2027.02)
    assert "4 working hours" not in swiss.question("reply_time").help
    previous = load_questionnaire(PREVIOUS).localised({"reply_time": "4 h"}, "CHF")
    assert "our usual reply time is 4 h." in previous.question("reply_time").help
    assert questionnaire.localised({}, "GBP") is local  # made once per practice


def test_reserved_test_domains_only_where_allowed():
    """name@example.test is the address for development and tests; production refuses
    it like any other special-use domain."""
    from intake.questionnaire.answers import _test_domains, allow_test_domains

    before = _test_domains["allowed"]
    q = parse_questionnaire(
        'version = "t"\ntitle = "t"\n[scoring]\nweights = { fit = 1, chemistry = 1, '
        'boundaries = 1 }\nstrong_fit = 75\npossible_fit = 45\n[[steps]]\nid = "s"\n'
        'title = "S"\n[[steps.questions]]\nid = "email"\ntype = "email"\nlabel = "E"\n',
        source="t",
    ).question("email")
    try:
        allow_test_domains(False)
        with pytest.raises(InvalidAnswer) as refused:
            clean_answer(q, "ann@example.test")
        assert refused.value.message == EMAIL_MESSAGE
        allow_test_domains(True)
        assert clean_answer(q, "ann@example.test") == "ann@example.test"
    finally:
        allow_test_domains(before)
