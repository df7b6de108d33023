"""recommend(): the package, review rhythm and working agreement proposed to a prospect.

Built on the real default questionnaire, the default practice and the personas of
tests/personas.py; every lever of the sizing is tested alone (one answer changed).
"""

from __future__ import annotations

import copy
import dataclasses
import re
import sys
from pathlib import Path

import pytest

from intake.practice import Package, Standards, default_practice
from intake.proposal.recommendation import Recommendation, ReviewPlan, recommend
from intake.questionnaire.gaps import find_gaps
from intake.questionnaire.schema import load_questionnaire, parse_questionnaire
from intake.questionnaire.scoring import Flag, assess

try:
    from tests.personas import EXPECTED_VERDICT, PERSONAS
except ImportError:  # tests/ is not a package and the repo root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from personas import EXPECTED_VERDICT, PERSONAS

DEFAULT = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
)

EXPECTED_PACKAGE: dict[str, str | None] = {
    # 45 hours is above every package: the largest
    "strategic_collaborator": "Strategic Partner",
    "steady_collaborator": "Partner",  # exactly 20 hours
    "friendly_founder": "Strategic Partner",  # 30 hours -> Strategic Partner
    "solid_but_cautious": "Partner",  # 12 hours: more than Foundation's 10
    # the stated hours decide; more areas or strategic work are room to grow
    "anxious_first_hire": "Foundation",  # 10 hours
    "modest_budget": "Foundation",  # 10 hours
    "tiny_budget_busy": "Foundation",  # 6 hours
    "one_off_project": None,  # knock-out: single project
    "project_not_sure": None,  # not a fit on the scores: project-shaped answers
    "pair_of_hands": None,  # not a fit on the scores
    "pair_of_hands_mild": None,
    "occasional_helper": None,  # knock-out: occasional help
    "occasional_mild": None,
    "needy_always_on": None,  # not a fit: red flags on boundaries
    "needy_mild": None,
    "hands_off_executive": None,  # not a fit: abdication
    "hands_off_mild": None,
}

CADENCE_ORDER = ["weekly", "monthly", "quarterly", "annual"]


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(DEFAULT)


@pytest.fixture(scope="module")
def practice():
    return default_practice()


def _with(name: str, **changes) -> dict:
    """A persona's answers with some answers replaced (None removes the answer)."""
    answers = copy.deepcopy(PERSONAS[name])
    for qid, value in changes.items():
        if value is None:
            answers.pop(qid, None)
        else:
            answers[qid] = value
    return answers


def _recommend(questionnaire, answers, practice, override=None) -> Recommendation:
    return recommend(
        questionnaire=questionnaire,
        answers=answers,
        assessment=assess(questionnaire, answers),
        practice=practice,
        override=override,
    )


def _package_name(rec: Recommendation) -> str | None:
    return rec.package.name if rec.package is not None else None


def _cadences(rec: Recommendation) -> list[str]:
    return [r.cadence for r in rec.reviews]


# --- every persona ----------------------------------------------------------------


def test_expected_packages_cover_every_persona():
    assert set(EXPECTED_PACKAGE) == set(PERSONAS)
    assert {n for n, p in EXPECTED_PACKAGE.items() if p is None} == {
        n for n, v in EXPECTED_VERDICT.items() if v == "not a fit"
    }


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_persona_gets_its_package(questionnaire, practice, name):
    rec = _recommend(questionnaire, PERSONAS[name], practice)
    assert _package_name(rec) == EXPECTED_PACKAGE[name]
    assert rec.is_fit == (EXPECTED_PACKAGE[name] is not None)
    assert rec.is_override is False
    if rec.is_fit:
        assert rec.not_fit_reason == ""
        assert rec.package in practice.packages
    else:
        assert rec.not_fit_reason.endswith(".")
        assert rec.reviews == ()


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_rationale_is_three_to_six_sentences(questionnaire, practice, name):
    rec = _recommend(questionnaire, PERSONAS[name], practice)
    assert 3 <= len(rec.rationale) <= 6
    assert all(s.endswith(".") for s in rec.rationale)
    hours = PERSONAS[name].get("monthly_hours")
    if hours is not None:  # a project client is not asked for monthly hours
        assert any(f"about {hours} hours" in s for s in rec.rationale)


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_gaps_are_find_gaps(questionnaire, practice, name):
    rec = _recommend(questionnaire, PERSONAS[name], practice)
    assert rec.gaps == find_gaps(questionnaire, PERSONAS[name], practice, rec.package)


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_recommendation_is_deterministic(questionnaire, practice, name):
    answers = copy.deepcopy(PERSONAS[name])
    first = _recommend(questionnaire, answers, practice)
    second = _recommend(questionnaire, copy.deepcopy(PERSONAS[name]), practice)
    assert first == second
    assert answers == PERSONAS[name]  # the answers are not changed


# --- what the answers say ---------------------------------------------------------


def test_facts_read_from_the_answers(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], practice)
    assert rec.hours_needed == 12
    assert rec.strategic_share == 10
    assert rec.service_areas == (
        "Inbox, calendar and appointments",
        "Client care: onboarding, follow-ups, enquiries",
        "Invoicing, expenses and bookkeeping admin",
        "Documents, templates and reports",
    )


def test_facts_missing_when_not_answered(questionnaire, practice):
    answers = _with(
        "solid_but_cautious", monthly_hours=None, work_mix=None, service_areas=None
    )
    rec = _recommend(questionnaire, answers, practice)
    assert rec.hours_needed is None
    assert rec.strategic_share is None
    assert rec.service_areas == ()
    assert _package_name(rec) == "Foundation"  # nothing to size by: the smallest


def test_heard_in_their_own_words(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["strategic_collaborator"], practice)
    assert rec.heard == (
        "The arrangement you are hoping for: “Someone to look after whole areas of "
        "the business, month after month”.",
        # the areas are listed once, each with how it is covered (rec.coverage)
        "By your estimate, you need about 45 hours a month.",
        "The budget you have in mind: “$2,000 to $4,000 a month”.",
        "You would like to start on 11 January 2027.",
    )
    assert [c.label for c in rec.coverage] == [
        "Inbox, calendar and appointments",
        "Client care: onboarding, follow-ups, enquiries",
        "Invoicing, expenses and bookkeeping admin",
        "Hiring and onboarding people",
        "Coordinating projects and launches",
        "Systems, tools and processes",
        "Documents, templates and reports",
    ]
    # a letter still says where they wanted support
    letter = _recommend(questionnaire, PERSONAS["needy_always_on"], practice)
    assert any(line.startswith("Where you would like support") for line in letter.heard)
    # their summary is quoted once, in their own words, not in what we heard
    assert PERSONAS["strategic_collaborator"]["needs_summary"] not in rec.heard


def test_heard_leaves_out_what_was_not_given(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["hands_off_executive"], practice)
    assert not any("start" in item for item in rec.heard)
    assert len(rec.heard) == 4


def test_rationale_ties_to_the_answers(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], practice)
    assert rec.rationale == (
        "Asked what kind of arrangement you are hoping for, you answered “Someone to "
        "look after whole areas of the business, month after month”; ongoing "
        "support, month after month, is what we offer.",
        "You picture about 12 hours of support a month, and Partner includes 20: the "
        "smallest of our packages that covers it.",
        "You asked for support in 4 areas of the business, and the package covers "
        "each of them.",
        "You described the work as “Mostly day-to-day: inbox, scheduling, "
        "requests”; a healthy partnership grows the share of project and "
        "strategic work over time.",
        "On decisions, you said “They weigh it up and we decide together”, which is "
        "exactly how we like to work.",
        "For your budget you chose “$500 to $1,000 a month”; what you described needs "
        "Partner, which costs more, while Foundation is within it. We set both out "
        "side by side below, with what each covers and leaves out, so that you can "
        "choose.",
    )


def test_growth_signals_are_room_to_grow_not_a_step_up(questionnaire, practice):
    # 6 hours and 8 areas: Foundation, with Partner named as the next step
    rec = _recommend(questionnaire, PERSONAS["tiny_budget_busy"], practice)
    assert _package_name(rec) == "Foundation"
    assert "There is room to grow: you also asked about" in rec.rationale[1]
    assert "Partner (20 hours, $1,250 a month) is the next step" in rec.rationale[1]
    # strategic work ahead: the same package, and the reason in words
    answers = _with("solid_but_cautious", work_mix="growing", budget="1000_2000")
    rec = _recommend(questionnaire, answers, practice)
    assert _package_name(rec) == "Partner"
    assert "you see more project and strategic work ahead" in rec.rationale[1]
    # the next step fits the budget: offered beside the recommended one
    assert (
        _options(rec)
        == [
            ("recommended", "Partner"),
            ("room_to_grow", "Strategic Partner"),
        ]
        or _options(rec) == []
    )


def test_a_next_step_within_budget_is_offered_beside(questionnaire, practice):
    answers = _with("solid_but_cautious", work_mix="growing", budget="2000_4000")
    rec = _recommend(questionnaire, answers, practice)
    assert _package_name(rec) == "Partner"
    assert _options(rec) == [
        ("recommended", "Partner"),
        ("room_to_grow", "Strategic Partner"),
    ]
    assert rec.rationale[-1].endswith("Partner sits within it.")


def test_rationale_when_hours_were_not_given(questionnaire, practice):
    answers = _with("solid_but_cautious", monthly_hours=None)
    rec = _recommend(questionnaire, answers, practice)
    assert rec.rationale[1] == (
        "You did not estimate your hours, so we allowed about 5 for each area you "
        "chose, 20 in all, and Partner includes 20: the smallest of our packages that "
        "covers it."
    )


# --- not a fit --------------------------------------------------------------------


def test_knockout_reason_is_the_flag(questionnaire, practice):
    answers = PERSONAS["one_off_project"]
    assessment = assess(questionnaire, answers)
    rec = _recommend(questionnaire, answers, practice)
    assert rec.is_fit is False
    assert rec.package is None
    assert rec.not_fit_reason == assessment.knockouts[0].reason
    assert rec.rationale[0] == rec.not_fit_reason


def test_knockout_decides_even_when_the_verdict_does_not(questionnaire, practice):
    answers = PERSONAS["solid_but_cautious"]
    assessment = assess(questionnaire, answers)
    flag = Flag("engagement", "Q", "A", "Only wants a one-off job.", knockout=True)
    knocked = dataclasses.replace(assessment, flags=(*assessment.flags, flag))
    rec = recommend(
        questionnaire=questionnaire,
        answers=answers,
        assessment=knocked,
        practice=practice,
    )
    assert assessment.verdict == "possible fit"
    assert (rec.is_fit, rec.package, rec.not_fit_reason) == (
        False,
        None,
        "Only wants a one-off job.",
    )


def test_scores_reason_names_the_weakest_dimension(questionnaire, practice):
    answers = PERSONAS["project_not_sure"]
    assessment = assess(questionnaire, answers)
    assert not assessment.knockouts
    assert min(assessment.scores, key=assessment.scores.get) == "fit"
    rec = _recommend(questionnaire, answers, practice)
    assert rec.not_fit_reason == (
        "The answers point to occasional or task-by-task help rather than the ongoing "
        f"monthly partnership the practice offers (overall score {assessment.overall}, "
        "below the 45 needed for a possible fit). " + assessment.flags[0].reason
    )
    rec = _recommend(questionnaire, PERSONAS["pair_of_hands"], practice)
    assert rec.not_fit_reason.startswith(
        "The answers describe a way of working that leaves little room for the "
        "collaborative partnership"
    )


def test_not_a_fit_verdict_without_flags(questionnaire, practice):
    answers = PERSONAS["strategic_collaborator"]
    assessment = dataclasses.replace(
        assess(questionnaire, answers),
        verdict="not a fit",
        scores={"fit": 30, "chemistry": 50, "boundaries": 60},
        overall=40,
    )
    rec = recommend(
        questionnaire=questionnaire,
        answers=answers,
        assessment=assessment,
        practice=practice,
    )
    assert rec.is_fit is False
    assert rec.not_fit_reason == (
        "The answers point to occasional or task-by-task help rather than the ongoing "
        "monthly partnership the practice offers (overall score 40, below the 45 "
        "needed for a possible fit)."
    )


def test_not_a_fit_still_reports_what_was_heard(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["one_off_project"], practice)
    assert rec.hours_needed is None  # a project client is not asked for monthly hours
    assert rec.service_areas == (
        "Systems, tools and processes",
        "Documents, templates and reports",
    )
    assert rec.heard[0] == (
        "The arrangement you are hoping for: “One project with a clear end”."
    )


# --- the three levers, each alone ---------------------------------------------------


def test_base_case_for_the_levers(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], practice)
    assert _package_name(rec) == "Partner"


@pytest.mark.parametrize(
    ("qid", "value", "package"),
    [
        ("monthly_hours", 25, "Strategic Partner"),  # hours: 25 > 20
        ("work_mix", "growing", "Partner"),  # strategic: room to grow, no step
        (  # a fifth area: room to grow, no step
            "service_areas",
            [
                "inbox_calendar",
                "client_care",
                "bookkeeping_admin",
                "documents",
                "research",
                "projects",
            ],
            "Partner",
        ),
    ],
)
def test_only_the_hours_move_the_package(questionnaire, practice, qid, value, package):
    answers = _with("solid_but_cautious", **{qid: value})
    changed = [k for k in answers if answers[k] != PERSONAS["solid_but_cautious"][k]]
    assert changed == [qid]
    rec = _recommend(questionnaire, answers, practice)
    assert assess(questionnaire, answers).verdict != "not a fit"
    assert _package_name(rec) == package


@pytest.mark.parametrize(
    ("hours", "package"),
    [
        (0, "Foundation"),
        (10, "Foundation"),
        (11, "Partner"),
        (20, "Partner"),
        (21, "Strategic Partner"),
        (40, "Strategic Partner"),
        (200, "Strategic Partner"),
    ],
)
def test_hours_pick_the_smallest_package_that_holds_them(
    questionnaire, practice, hours, package
):
    # two areas and routine work: only the hours decide
    answers = _with(
        "solid_but_cautious",
        monthly_hours=hours,
        service_areas=["inbox_calendar", "documents"],
    )
    rec = _recommend(questionnaire, answers, practice)
    assert (rec.hours_needed, _package_name(rec)) == (hours, package)


def test_strategic_share_threshold(questionnaire, practice):
    # 40 (routine and projects) stays; only 60 or more moves up
    answers = _with("solid_but_cautious", work_mix="routine_and_projects")
    rec = _recommend(questionnaire, answers, practice)
    assert (rec.strategic_share, _package_name(rec)) == (40, "Partner")


def test_growth_signals_together_still_start_at_the_need(questionnaire, practice):
    # 6 hours, strategic, 8 areas: Foundation, and the growth said in words
    answers = _with("tiny_budget_busy", work_mix="growing")
    rec = _recommend(questionnaire, answers, practice)
    assert _package_name(rec) == "Foundation"
    assert "strategic work ahead; you also asked about" in rec.rationale[1]


def test_levers_are_capped_at_the_largest(questionnaire, practice):
    answers = _with(
        "strategic_collaborator",
        service_areas=[c.value for c in questionnaire.by_role("service_areas").choices],
    )
    rec = _recommend(questionnaire, answers, practice)
    assert rec.strategic_share == 70
    assert len(rec.service_areas) == 10
    assert _package_name(rec) == "Strategic Partner"


def test_hours_fall_back_to_the_number_of_areas(questionnaire, practice):
    four = _with("solid_but_cautious", monthly_hours=None)  # 4 areas -> 20 hours
    assert _package_name(_recommend(questionnaire, four, practice)) == "Partner"
    two = _with(
        "solid_but_cautious",
        monthly_hours=None,
        service_areas=["inbox_calendar", "documents"],  # 10 hours
    )
    rec = _recommend(questionnaire, two, practice)
    assert (rec.hours_needed, _package_name(rec)) == (None, "Foundation")


def test_max_areas_zero_means_no_limit(questionnaire, practice):
    packages = tuple(dataclasses.replace(p, max_areas=0) for p in practice.packages)
    unlimited = dataclasses.replace(practice, packages=packages)
    rec = _recommend(questionnaire, PERSONAS["tiny_budget_busy"], unlimited)
    assert _package_name(rec) == "Foundation"


def test_packages_are_sized_by_hours_not_by_their_order(questionnaire, practice):
    packages = tuple(reversed(practice.packages))
    shuffled = dataclasses.replace(practice, packages=packages)
    for name in PERSONAS:
        rec = _recommend(questionnaire, PERSONAS[name], shuffled)
        assert _package_name(rec) == EXPECTED_PACKAGE[name], name


# --- override ---------------------------------------------------------------------


def test_override_replaces_the_package(questionnaire, practice):
    answers = PERSONAS["strategic_collaborator"]
    rec = _recommend(questionnaire, answers, practice, override="Foundation")
    assert (rec.is_fit, _package_name(rec), rec.is_override) == (
        True,
        "Foundation",
        True,
    )
    assert rec.rationale[0] == (
        "As we discussed, this proposal is built around Foundation."
    )
    # Foundation's own reviews, plus the quarterly review for a strategic share of 70
    assert _cadences(rec) == ["monthly", "quarterly", "annual"]


def test_override_makes_a_not_a_fit_prospect_a_client(questionnaire, practice):
    rec = _recommend(
        questionnaire, PERSONAS["one_off_project"], practice, override="Partner"
    )
    assert (rec.is_fit, _package_name(rec), rec.is_override, rec.not_fit_reason) == (
        True,
        "Partner",
        True,
        "",
    )
    # one project, done by the end of March: only the reviews that fall within it
    assert _cadences(rec) == ["weekly", "monthly"]
    assert rec.project is not None


@pytest.mark.parametrize("override", ["Gold", "partner", "", " Partner", None])
def test_unknown_override_is_ignored(questionnaire, practice, override):
    for name in ("solid_but_cautious", "one_off_project"):
        plain = _recommend(questionnaire, PERSONAS[name], practice)
        rec = _recommend(questionnaire, PERSONAS[name], practice, override=override)
        assert rec == plain
        assert rec.is_override is False


# --- reviews ----------------------------------------------------------------------


def test_reviews_of_the_default_partner_package(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], practice)
    assert rec.reviews == (
        ReviewPlan(
            cadence="weekly",
            name="Weekly check-in",
            when="Every week, 20–30 minutes, at the same time each week",
            purpose="A short check-in to line up this week's priorities and clear "
            "anything standing in the way.",
            why="You said you could keep time free for “Weekly check-in on "
            "priorities: 20 minutes”, and a few protected minutes each week keep us on what matters most to you and stop small "
            "questions from piling up.",
        ),
        ReviewPlan(
            cadence="monthly",
            name="Monthly operational review",
            when="Once a month, about an hour",
            purpose="A look at the deliverables and deadlines of the month ahead, so "
            "we can anticipate what you will need and agree realistic timeframes.",
            why="We include it because seeing the month's deadlines early lets us "
            "prepare before you have to ask.",
        ),
        ReviewPlan(
            cadence="quarterly",
            name="Quarterly business review",
            when="Every quarter, about 90 minutes",
            purpose="A review of where the business stands and where it is heading: "
            "the strategy, a few realistic indicators, and how far we may act on your "
            "behalf.",
            why="We include it because knowing where the business stands gives us "
            "the context, and the authority, to act for you with confidence.",
        ),
        ReviewPlan(
            cadence="annual",
            name="Annual partnership review",
            when="Once a year, half a day",
            purpose="A review of the partnership itself (autonomy, delivery under "
            "pressure, judgement, anticipation) and of what you could delegate next.",
            why="We include it because stepping back once a year is how we decide "
            "together what to hand over next, so the partnership keeps growing.",
        ),
    )


def test_reviews_follow_the_package(questionnaire, practice):
    rec = _recommend(
        questionnaire, PERSONAS["solid_but_cautious"], practice, override="Foundation"
    )
    assert _cadences(rec) == ["monthly", "quarterly", "annual"]


def test_reviews_follow_the_practice_cadences(questionnaire, practice):
    standards = dataclasses.replace(practice.standards, cadences=("annual", "monthly"))
    fewer = dataclasses.replace(practice, standards=standards)
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], fewer)
    assert _cadences(rec) == ["monthly", "annual"]  # always in the canonical order


def test_the_reviews_are_the_packages_own(questionnaire, practice):
    packages = tuple(
        dataclasses.replace(p, reviews=("weekly", "monthly")) for p in practice.packages
    )
    no_quarterly = dataclasses.replace(practice, packages=packages)
    for work_mix in ("mostly_routine", "growing"):
        answers = _with("solid_but_cautious", work_mix=work_mix)
        rec = _recommend(questionnaire, answers, no_quarterly)
        # one schedule everywhere: no review the package (and the .ics) lacks
        assert _cadences(rec) == ["weekly", "monthly"]
        assert all(
            g.topic != "cadence" or "quarterly" not in g.to_agree for g in rec.gaps
        )


def test_review_why_follows_their_commitment(questionnaire, practice):
    committed = _recommend(questionnaire, PERSONAS["strategic_collaborator"], practice)
    labels = {c.value: c.label for c in questionnaire.by_role("review_cadence").choices}
    assert [r.why.split("”")[0] for r in committed.reviews] == [
        f"You said you could keep time free for “{labels[r.cadence]}"
        for r in committed.reviews
    ]
    refused = _recommend(
        questionnaire,
        _with("strategic_collaborator", review_cadence=["none"]),
        practice,
    )
    assert refused.is_fit and refused.reviews
    assert all(
        r.why.startswith(f"You said “{labels['none']}”; we still propose this one")
        for r in refused.reviews
    )
    unanswered = _recommend(
        questionnaire, _with("solid_but_cautious", review_cadence=None), practice
    )
    assert unanswered.reviews[0].why == (
        "We include it because a few protected minutes each week keep us on what "
        "matters most to you and stop small questions from piling up."
    )


# --- agreement --------------------------------------------------------------------


def test_agreement_from_the_default_standards(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], practice)
    # office hours, replies, channels, exclusions and notice are in the proposal's
    # tables (standards, package, terms), each once
    assert rec.agreement == (
        "A reply is an acknowledgement and a plan, not always the finished work.",
        "We do not work at weekends; anything sent then is picked up on the next "
        "working day.",
        "You tell us what we need to know about the business, such as news, changes "
        "of plan and context; we do not assume what we have not been told.",
        "We work within our agreed processes and tools, and adjust them together where "
        "that helps.",
    )


def test_agreement_follows_the_standards(questionnaire, practice):
    standards = Standards(
        office_days=("mon", "wed", "fri"),
        office_start="08:30",
        office_end="15:00",
        reply_hours=4,
        channels=("phone", "in_person"),
        out_of_scope=("Tax returns",),
        weekends=True,
    )
    other = dataclasses.replace(practice, standards=standards)
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], other)
    # office hours, replies, channels and exclusions are in the proposal's tables
    assert rec.agreement[1] == (
        "Weekend work is possible when we have agreed it in advance."
    )
    assert len(rec.agreement) == 4


def test_agreement_is_given_for_a_not_a_fit_prospect_too(questionnaire, practice):
    fit = _recommend(questionnaire, PERSONAS["solid_but_cautious"], practice)
    not_fit = _recommend(questionnaire, PERSONAS["pair_of_hands"], practice)
    assert not_fit.agreement == fit.agreement


# --- other practices --------------------------------------------------------------


def test_a_practice_with_a_single_package(questionnaire, practice):
    only = Package(
        name="Essentials",
        monthly_hours=15,
        monthly_price=900,
        service_areas=("Inbox and calendar",),
        reviews=("monthly", "annual"),
        max_areas=3,
    )
    single = dataclasses.replace(practice, packages=(only,))
    for name in PERSONAS:
        rec = _recommend(questionnaire, PERSONAS[name], single)
        expected = "Essentials" if EXPECTED_PACKAGE[name] else None
        assert _package_name(rec) == expected, name
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], single)
    assert _cadences(rec) == ["monthly", "annual"]
    strategic = _recommend(questionnaire, PERSONAS["friendly_founder"], single)
    assert _cadences(strategic) == ["monthly", "annual"]
    rec = _recommend(
        questionnaire, PERSONAS["occasional_helper"], single, override="Essentials"
    )
    assert (rec.is_fit, _package_name(rec), rec.is_override) == (
        True,
        "Essentials",
        True,
    )


def test_a_practice_without_packages(questionnaire, practice):
    empty = dataclasses.replace(practice, packages=())
    rec = _recommend(
        questionnaire, PERSONAS["strategic_collaborator"], empty, override="Partner"
    )
    assert (rec.is_fit, rec.package, rec.is_override) == (False, None, False)
    assert rec.not_fit_reason == (
        "No packages are set up in the practice settings yet, so there is no package "
        "to recommend."
    )


# --- the interface ----------------------------------------------------------------


def test_arguments_are_keyword_only(questionnaire, practice):
    answers = PERSONAS["solid_but_cautious"]
    with pytest.raises(TypeError):
        recommend(questionnaire, answers, assess(questionnaire, answers), practice)  # type: ignore[misc]


def test_results_are_frozen(questionnaire, practice):
    rec = _recommend(questionnaire, PERSONAS["solid_but_cautious"], practice)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.is_fit = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.reviews[0].when = "never"  # type: ignore[misc]


# --- alternatives, found by role ----------------------------------------------------

ALWAYS = (
    "A local business-support network or small-business centre can often point you "
    "to trusted providers nearby."
)
PROJECT = (
    "For a single piece of work, a project-based freelancer or project administrator "
    "hired for the length of the project, with a clear brief and an end date."
)
PAY_AS_YOU_GO = (
    "For tasks now and then, an a la carte secretarial service or a pay-as-you-go "
    "virtual assistant, who books and bills by the task, so you only pay when "
    "something comes up."
)
INSTRUCTIONS = (
    "If you would like someone to follow clear instructions, a task-based secretarial "
    "or typing service is built exactly for that."
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, (ALWAYS,)),
        # what they asked for decides: one project, or tasks now and then
        ({"engagement": "single_project"}, (PROJECT, ALWAYS)),
        ({"engagement": "tasks"}, (PAY_AS_YOU_GO, ALWAYS)),
        ({"engagement": "occasional"}, (PAY_AS_YOU_GO, ALWAYS)),
        ({"work_mix": "one_piece"}, (PROJECT, ALWAYS)),
        ({"stance": "pair_of_hands"}, (INSTRUCTIONS, ALWAYS)),
    ],
)
def test_alternatives_follow_the_flagged_answers(
    questionnaire, practice, changes, expected
):
    rec = _recommend(
        questionnaire, _with("strategic_collaborator", **changes), practice
    )
    assert rec.alternatives == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("need_regularity", (PAY_AS_YOU_GO, ALWAYS)),
        ("handover", (PAY_AS_YOU_GO, ALWAYS)),
        ("partner_kind", (INSTRUCTIONS, ALWAYS)),
    ],
)
def test_a_flag_on_an_optional_role_suggests_its_alternative(practice, role, expected):
    """Roles the default (2027.01) no longer uses still work in a practice's own file."""
    text = (
        DEFAULT.read_text(encoding="utf-8")
        .replace(
            'id = "work_mix"\ntype = "single"\n', 'id = "work_mix"\ntype = "single"\n'
        )
        .replace('role = "work_mix"\n', f'role = "{role}"\n')
    )
    own = parse_questionnaire(text, source="own")
    answers = _with("strategic_collaborator", work_mix="one_piece")
    rec = recommend(
        questionnaire=own,
        answers=answers,
        assessment=assess(own, answers),
        practice=practice,
    )
    assert rec.alternatives == expected


def _renamed(text: str) -> str:
    """The default questionnaire with every step and question id prefixed by `p_`."""
    text = re.sub(r'(?m)^id = "([a-z0-9_]+)"', r'id = "p_\1"', text)
    return re.sub(r'question = "([a-z0-9_]+)"', r'question = "p_\1"', text)


@pytest.fixture(scope="module")
def renamed():
    source = _renamed(DEFAULT.read_text(encoding="utf-8"))
    return parse_questionnaire(source, source="a practice's own questionnaire")


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_other_ids_with_the_same_roles_give_the_same_recommendation(
    questionnaire, renamed, practice, name
):
    answers = {f"p_{qid}": value for qid, value in PERSONAS[name].items()}
    assert renamed.question("p_stance") is not None
    assert renamed.question("stance") is None
    ours = _recommend(questionnaire, PERSONAS[name], practice)
    theirs = _recommend(renamed, answers, practice)
    assert theirs == ours
    assert theirs.alternatives == ours.alternatives


# the choices whose meaning the referral letter and the project frame read: renamed
# everywhere (choices, conditions, rules), their `means` marker kept
MARKED_VALUES = (
    "tasks",
    "occasional",
    "single_project",
    "one_piece",
    "pair_of_hands",
    "collaborator",
    "expert",
)


def _other_value(value):
    if isinstance(value, list):
        return [_other_value(v) for v in value]
    return f"their_{value}" if value in MARKED_VALUES else value


@pytest.fixture(scope="module")
def renamed_values():
    """A practice's own questionnaire: other ids and other choice values, the same
    roles and `means` markers."""
    text = _renamed(DEFAULT.read_text(encoding="utf-8"))
    for value in MARKED_VALUES:  # the values, not the markers
        text = re.sub(f'(?<!means = )"{value}"', f'"their_{value}"', text)
    return parse_questionnaire(text, source="a practice's own questionnaire")


@pytest.mark.parametrize("name", sorted(PERSONAS))
def test_other_choice_values_with_the_same_markers_give_the_same_referrals(
    questionnaire, renamed_values, practice, name
):
    """The referral letter's alternatives, what decided the verdict, the project
    frame and the stance's sentence read the questionnaire's markers, not the
    default file's choice values."""
    answers = {f"p_{qid}": _other_value(v) for qid, v in PERSONAS[name].items()}
    assert renamed_values.question("p_engagement").choice("their_single_project")
    assert renamed_values.question("p_engagement").choice("single_project") is None
    ours = _recommend(questionnaire, PERSONAS[name], practice)
    theirs = _recommend(renamed_values, answers, practice)
    assert theirs.referral_kinds == ours.referral_kinds
    assert theirs.alternatives == ours.alternatives
    assert theirs.verdict_reason == ours.verdict_reason
    assert theirs.project == ours.project
    assert theirs.rationale == ours.rationale


def test_the_letter_alternatives_survive_other_ids(renamed, practice):
    answers = {
        f"p_{qid}": value
        for qid, value in _with(
            "strategic_collaborator",
            engagement="tasks",
        ).items()
    }
    rec = _recommend(renamed, answers, practice)
    assert rec.alternatives == (PAY_AS_YOU_GO, ALWAYS)


# --- the budget lever ---------------------------------------------------------------


def _options(rec: Recommendation) -> list[tuple[str, str]]:
    return [(o.kind, o.package.name) for o in rec.options]


@pytest.mark.parametrize(
    ("budget", "options", "ending"),
    [
        ("over_4000", [], "“More than $4,000 a month”, and Partner sits within it."),
        ("1000_2000", [], "“$1,000 to $2,000 a month”, and Partner sits within it."),
        (
            "500_1000",
            [("within_budget", "Foundation"), ("recommended", "Partner")],
            "so that you can choose.",
        ),
        (
            "under_500",
            [("closest", "Foundation"), ("recommended", "Partner")],
            "so that you can choose.",
        ),
    ],
)
def test_the_budget_lever_alone(questionnaire, practice, budget, options, ending):
    answers = _with("solid_but_cautious", budget=budget)
    changed = [k for k in answers if answers[k] != PERSONAS["solid_but_cautious"][k]]
    assert changed in ([], ["budget"])
    rec = _recommend(questionnaire, answers, practice)
    assert _package_name(rec) == "Partner"  # the needs decide the recommendation
    assert _options(rec) == options
    assert rec.rationale[-1].endswith(ending)


def test_options_say_what_each_covers_and_leaves_out(questionnaire, practice):
    rec = _recommend(
        questionnaire, _with("solid_but_cautious", budget="500_1000"), practice
    )
    within, recommended = rec.options
    assert within.covers == (
        "10 hours of support a month",
        "Inbox, calendar and appointments",
        "Client care: onboarding, follow-ups, enquiries",
        "Documents, templates and reports",
        "Monthly operational review",
        "Quarterly business review",
        "Annual partnership review",
    )
    # only the areas they asked for: bookkeeping, not systems or marketing
    assert within.leaves_out == (
        "10 hours a month",
        "Invoicing, expenses and bookkeeping admin",
        "Weekly check-in",
    )
    assert recommended.leaves_out == ()
    assert recommended.covers[0] == "20 hours of support a month"


def test_a_package_within_both_needs_and_budget_is_recommended_alone(
    questionnaire, practice
):
    answers = _with("solid_but_cautious", monthly_hours=8, budget="500_1000")
    answers["service_areas"] = ["inbox_calendar", "client_care"]
    rec = _recommend(questionnaire, answers, practice)
    assert _package_name(rec) == "Foundation" and rec.options == ()
    assert rec.rationale[-1] == (
        "For your budget you chose “$500 to $1,000 a month”, and Foundation sits within "
        "it."
    )


@pytest.mark.parametrize("name", sorted(PERSONAS))
@pytest.mark.parametrize(
    "budget", ["under_500", "500_1000", "1000_2000", "2000_4000", "over_4000"]
)
def test_no_price_above_the_budget_without_a_word(
    questionnaire, practice, name, budget
):
    answers = _with(name, budget=budget)
    rec = _recommend(questionnaire, answers, practice, override="Strategic Partner")
    if rec.budget_max is None:  # a project client is not asked for a budget
        assert not any("budget" in line for line in rec.rationale)
    elif rec.package.monthly_price > rec.budget_max:
        said = rec.rationale[-1]
        assert "costs more" in said and rec.budget_label in said
    else:
        assert rec.options == () and rec.rationale[-1].endswith("sits within it.")


@pytest.mark.parametrize(
    ("offer", "package", "options"),
    [
        (
            "both",
            "Partner",
            [("within_budget", "Foundation"), ("recommended", "Partner")],
        ),
        ("recommended", "Partner", []),
        ("budget", "Foundation", []),
        (
            "nonsense",
            "Partner",
            [("within_budget", "Foundation"), ("recommended", "Partner")],
        ),
    ],
)
def test_the_consultant_chooses_which_options_to_offer(
    questionnaire, practice, offer, package, options
):
    answers = _with("solid_but_cautious", budget="500_1000")
    rec = recommend(
        questionnaire=questionnaire,
        answers=answers,
        assessment=assess(questionnaire, answers),
        practice=practice,
        offer=offer,
    )
    assert (_package_name(rec), _options(rec)) == (package, options)
    if offer == "budget":  # the proposal speaks of Foundation alone, consistently
        assert rec.rationale[-1] == (
            "For your budget you chose “$500 to $1,000 a month”, and Foundation sits "
            "within it."
        )
        assert "Partner" not in " ".join(rec.rationale[1:])


def test_packages_carry_optional_add_ons():
    from intake.practice import AddOn, Practice

    data = default_practice().to_dict()
    data["packages"][0]["add_ons"] = [{"name": "Event support", "monthly_price": 150}]
    practice = Practice.from_dict(data)
    assert practice.packages[0].add_ons == (AddOn("Event support", 150),)
    assert Practice.from_dict(practice.to_dict()) == practice


def _variants():
    """Every persona, and each with its hours, areas and work mix moved: the levers."""
    for name, answers in PERSONAS.items():
        yield name, answers
        yield f"{name}, 3 hours", {**answers, "monthly_hours": 3}
        yield f"{name}, 90 hours", {**answers, "monthly_hours": 90}
        yield f"{name}, no hours", _with(name, monthly_hours=None)
        yield f"{name}, 1 area", {**answers, "service_areas": ["inbox_calendar"]}
        yield f"{name}, strategic", {**answers, "work_mix": "growing"}


@pytest.mark.parametrize(
    "packages", ["default", "none", "one"], ids=["default", "no packages", "one"]
)
def test_recommended_package_is_recommends_package(questionnaire, practice, packages):
    """What a submission stores (recommended_package, fast) is recommend()'s package."""
    from intake.proposal.recommendation import recommended_package

    chosen = {"default": practice.packages, "none": (), "one": practice.packages[:1]}
    practice = dataclasses.replace(practice, packages=chosen[packages])
    seen = set()
    for label, answers in _variants():
        assessment = assess(questionnaire, answers)
        expected = _recommend(questionnaire, answers, practice).package
        got = recommended_package(
            questionnaire=questionnaire,
            answers=answers,
            assessment=assessment,
            practice=practice,
        )
        assert got == expected, label
        seen.add(None if got is None else got.name)
    assert len(seen) == min(len(practice.packages), 3) + 1  # each package, and none


def test_scope_is_what_they_asked_for(questionnaire, practice):
    """She ticked events, marketing admin and research: the proposal speaks of
    those, and of nothing she did not ask for."""
    answers = _with(
        "solid_but_cautious",
        service_areas=["events", "marketing_admin", "research"],
        monthly_hours=10,
        budget="500_1000",
    )
    rec = _recommend(questionnaire, answers, practice)
    assert _package_name(rec) == "Foundation"
    assert rec.included == ()  # none of Foundation's own areas is hers
    assert [(c.label, c.how) for c in rec.coverage] == [
        ("Events, workshops and travel", "later"),
        ("Marketing admin: newsletters, scheduling, listings", "add_on"),
        ("Research and information gathering", "add_on"),
    ]
    assert rec.coverage[0].words == (
        "Not in Foundation; it comes with Strategic Partner, so we can add it when "
        "the partnership grows."
    )
    assert rec.coverage[1].words == "As an add-on to Foundation: $200 a month."
    # a package that covers none of an area: named, with someone who does it
    bare = dataclasses.replace(
        practice,
        packages=tuple(
            dataclasses.replace(p, service_areas=("inbox_calendar",), add_ons=())
            for p in practice.packages
        ),
    )
    rec = _recommend(questionnaire, answers, bare)
    assert rec.coverage[0].how == "not_offered"
    assert "an events or travel agency would serve you better" in rec.coverage[0].words


def test_default_packages_cover_marketing_admin_and_research(practice):
    covered = {a for p in practice.packages for a in p.service_areas}
    covered |= {a.area for p in practice.packages for a in p.add_ons}
    assert {"marketing_admin", "research"} <= covered
