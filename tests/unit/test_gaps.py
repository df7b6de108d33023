"""find_gaps(): representative answers and practices -> the exact gaps, in order.

The base case is the ideal persona at 40 hours (no gap at all); each row changes a
few answers or the practice's standards and lists every gap that must come out.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import sys
from pathlib import Path

import pytest

from intake.practice import default_practice
from intake.questionnaire.gaps import Gap, find_gaps
from intake.questionnaire.schema import load_questionnaire, parse_questionnaire

try:
    from tests.personas import PERSONAS
except ImportError:  # tests/ is not a package and the repo root is not on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from personas import PERSONAS

DEFAULT = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
)
# the previous version asks for channels, which 2027.02 no longer does; the channel
# gap still serves a practice's own questionnaire that asks
PREVIOUS = Path(__file__).resolve().parents[1] / "data" / "questionnaire-2027.01.toml"
PRACTICE = default_practice()
STANDARDS = PRACTICE.standards
OFFICE = "Monday to Friday, 09:00–17:00"
ALL_REVIEWS = (
    "weekly check-in, monthly operational review, quarterly business review and "
    "annual partnership review"
)

REPLY_1H = Gap(
    topic="reply_time",
    expects="replies within 1 hour",
    standard="replies within 1 business day",
    talking_point="Expects replies within 1 hour; your standard is 1 business day. "
    "Agree how truly urgent matters reach you.",
    to_agree="We reply within 1 business day. Let us agree together how a truly "
    "urgent matter reaches us, so nothing important waits.",
    said="“Within the hour”",
)
REPLY_4H = Gap(
    topic="reply_time",
    expects="replies within 4 working hours",
    standard="replies within 1 business day",
    talking_point="Expects replies within 4 working hours; your standard is 1 "
    "business day. Agree how truly urgent matters reach you.",
    to_agree="We reply within 1 business day. Let us agree together how a truly "
    "urgent matter reaches us, so nothing important waits.",
    said="“By the end of Tuesday”",
)
AFTER_HOURS = Gap(
    topic="hours",
    expects="help outside office hours (“They answer that evening, so the client isn't left waiting”)",
    standard=f"office hours {OFFICE}",
    talking_point=f"Expects help outside office hours; yours are {OFFICE}. Talk "
    "through what comes up after hours and who handles it.",
    to_agree=f"We work {OFFICE}. Let us look at what comes up after hours and plan "
    "for it, so it can wait for the morning or be handled another way.",
    said="“They answer that evening, so the client isn't left waiting”",
)
WEEKENDS = Gap(
    topic="weekends",
    expects="weekend work (“I'd expect an answer that weekend”)",
    standard="no weekend work",
    talking_point="Expects some weekend work, which you do not offer. Agree what can "
    "wait until Monday.",
    to_agree="We do not work at weekends. Let us agree what can wait until Monday and "
    "how to prepare the rest during the week.",
    said="“I'd expect an answer that weekend”",
)
CHANNELS = Gap(
    topic="channels",
    expects="to be reached by text messages and phone calls",
    standard="we work by e-mail, video calls and team chat",
    talking_point="Prefers text messages and phone calls, which you do not offer; you "
    "work by e-mail, video calls and team chat.",
    to_agree="We work by e-mail, video calls and team chat. Let us find the way of "
    "keeping in touch that suits you best among these.",
    said="“Phone calls” and “Text or messaging apps”",
)
SCOPE = Gap(
    topic="scope",
    expects="involvement beyond the agreed work (“They follow what I do closely "
    "enough to notice”)",
    standard="out of scope: Work outside office hours or at weekends; Personal "
    "errands unrelated to the business; Bookkeeping that needs a qualified accountant",
    talking_point="Expects you to keep up with the business beyond the work agreed. "
    "Agree what they will tell you, and what stays out of scope.",
    to_agree="We cannot know what we have not been told. Let us agree how you will "
    "share news and context with us, and what stays outside our work.",
    said="“They follow what I do closely enough to notice”",
)
CADENCE_BUT_WEEKLY = Gap(
    topic="cadence",
    expects="no commitment to monthly operational review, quarterly business review "
    "and annual partnership review",
    standard=f"our rhythm: {ALL_REVIEWS}",
    talking_point="Has not committed to the monthly operational review, quarterly "
    "business review and annual partnership review. Explain what each review gives "
    "them, and agree the rhythm before starting.",
    to_agree="Our rhythm includes the monthly operational review, quarterly business "
    "review and annual partnership review. Let us talk through what each one gives "
    "you and settle the rhythm before we start.",
    said="“Weekly check-in on priorities: 20 minutes”",
)
CADENCE_NONE = Gap(
    topic="cadence",
    expects=f"no commitment to {ALL_REVIEWS}",
    standard=f"our rhythm: {ALL_REVIEWS}",
    talking_point=f"Has not committed to the {ALL_REVIEWS}. Explain what each review "
    "gives them, and agree the rhythm before starting.",
    to_agree=f"Our rhythm includes the {ALL_REVIEWS}. Let us talk through what each "
    "one gives you and settle the rhythm before we start.",
    said="“None of these: I'd rather keep in touch as things come up”",
)
DECISION_RIGHTS = Gap(
    topic="authority",
    expects="to be out of reach for weeks at a time",
    standard="decisions taken while you are away are agreed in advance",
    talking_point="Often out of reach for weeks. Settle decision rights while they "
    "are away: what you may decide alone, up to what amount, and when you may speak "
    "for them.",
    to_agree="You told us you can be out of reach for weeks at a time. Let us agree "
    "before we start what we may decide while you are away, up to what amount, and "
    "when we may speak for you.",
    said="“I travel a lot and can be out of reach for weeks at a time”",
)
BUDGET_500 = Gap(
    topic="budget",
    expects="a budget of up to $500 a month",
    standard="our smallest package, Foundation, is $650 a month",
    talking_point="Their budget is below your smallest package. Discuss what matters "
    "most, or whether a partnership fits their stage.",
    to_agree="Your budget is below our smallest package. Let us talk about what "
    "matters most to you, and whether now is the right time to start.",
    said="“Under $500 a month”",
)


def volume(hours: int) -> Gap:
    return Gap(
        topic="volume",
        expects=f"{hours} hours of support a month",
        standard="our largest package has 40 hours",
        talking_point=f"Needs {hours} hours a month, more than your largest package "
        "(40). Discuss a larger arrangement or priorities.",
        to_agree=f"You expect about {hours} hours a month; our largest package has "
        "40. Let us agree the priorities, or a larger arrangement.",
        said=f"about {hours} hours a month",
    )


def answers_with(**changes) -> dict:
    """The ideal persona at 40 hours, with some answers replaced (None removes one)."""
    answers = copy.deepcopy(PERSONAS["strategic_collaborator"])
    answers["monthly_hours"] = 40
    for qid, value in changes.items():
        if value is None:
            answers.pop(qid, None)
        else:
            answers[qid] = value
    return answers


def practice_with(**standards) -> object:
    return dataclasses.replace(
        PRACTICE, standards=dataclasses.replace(STANDARDS, **standards)
    )


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(DEFAULT)


CASES = {
    "none": (answers_with(), PRACTICE, ()),
    "reply within the hour": (
        answers_with(reply_time="within_hour"),
        PRACTICE,
        (REPLY_1H,),
    ),
    "reply the same day": (answers_with(reply_time="same_day"), PRACTICE, (REPLY_4H,)),
    "reply the same day, practice replies in 4 hours": (
        answers_with(reply_time="same_day"),
        practice_with(reply_hours=4),
        (),
    ),
    "after hours": (
        answers_with(availability="any_time", after_hours_detail="Client launches."),
        PRACTICE,
        (AFTER_HOURS,),
    ),
    "agreed exceptions are no gap": (
        answers_with(availability="agreed_exceptions"),
        PRACTICE,
        (),
    ),
    "weekends": (
        answers_with(availability="any_time", weekends="yes"),
        PRACTICE,
        (AFTER_HOURS, WEEKENDS),  # weekends is asked of those who work evenings too
    ),
    "weekends, practice works weekends": (
        answers_with(availability="any_time", weekends="yes"),
        practice_with(weekends=True),
        (AFTER_HOURS,),
    ),
    "rare weekend emergencies are no gap": (
        answers_with(availability="any_time", weekends="rare_emergencies"),
        PRACTICE,
        (AFTER_HOURS,),
    ),
    "channels, unknown ones ignored": (
        answers_with(channels=["email", "text", "phone", "carrier_pigeon"]),
        PRACTICE,
        (CHANNELS,),
    ),
    "channels, practice lists none": (
        answers_with(channels=["phone"]),
        practice_with(channels=()),
        (
            Gap(
                topic="channels",
                expects="to be reached by phone calls",
                standard="we work by none listed",
                talking_point="Prefers phone calls, which you do not offer; you work "
                "by none listed.",
                to_agree="We work by none listed. Let us find the way of keeping in "
                "touch that suits you best among these.",
                said="“Phone calls”",
            ),
        ),
    ),
    "beyond scope": (answers_with(beyond_scope="keep_up"), PRACTICE, (SCOPE,)),
    "out of reach: decision rights, not a flag": (
        answers_with(owner_access="hard_to_reach"),
        PRACTICE,
        (DECISION_RIGHTS,),
    ),
    "beyond scope, nothing listed out of scope": (
        answers_with(beyond_scope="keep_up"),
        practice_with(out_of_scope=()),
        (
            dataclasses.replace(
                SCOPE, standard="out of scope: work outside the agreed functions"
            ),
        ),
    ),
    "only the weekly review": (
        answers_with(review_cadence=["weekly"]),
        PRACTICE,
        (CADENCE_BUT_WEEKLY,),
    ),
    "no reviews": (answers_with(review_cadence=["none"]), PRACTICE, (CADENCE_NONE,)),
    "only the weekly review, practice holds only weekly": (
        answers_with(review_cadence=["weekly"]),
        practice_with(cadences=("weekly",)),
        (),
    ),
    "budget below the smallest package": (
        answers_with(budget="under_500"),
        PRACTICE,
        (BUDGET_500,),
    ),
    "budget that covers the smallest package": (
        answers_with(budget="500_1000"),
        PRACTICE,
        (),
    ),
    "one hour more than the largest package": (
        answers_with(monthly_hours=41),
        PRACTICE,
        (volume(41),),
    ),
    "no packages: no budget or volume gap": (
        answers_with(budget="under_500", monthly_hours=90),
        dataclasses.replace(PRACTICE, packages=()),
        (),
    ),
    "unanswered questions give no gap": (
        answers_with(
            reply_time=None,
            availability=None,
            weekends=None,
            channels=None,
            beyond_scope=None,
            review_cadence=None,
            budget=None,
            monthly_hours=None,
        ),
        PRACTICE,
        (),
    ),
    "every gap, in order": (
        answers_with(
            reply_time="within_hour",
            availability="any_time",
            after_hours_detail="Client launches.",
            weekends="yes",
            beyond_scope="keep_up",
            owner_access="hard_to_reach",
            review_cadence=["weekly"],
            budget="under_500",
            monthly_hours=90,
        ),
        PRACTICE,
        (
            REPLY_1H,
            AFTER_HOURS,
            WEEKENDS,
            SCOPE,
            DECISION_RIGHTS,
            CADENCE_BUT_WEEKLY,
            BUDGET_500,
            volume(90),
        ),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_answers_give_exactly_these_gaps(questionnaire, case):
    answers, practice, expected = CASES[case]
    if case.startswith("channels"):
        questionnaire = load_questionnaire(PREVIOUS)
    assert find_gaps(questionnaire, answers, practice) == expected


@pytest.mark.parametrize(
    ("persona", "topics"),
    [
        ("strategic_collaborator", ["volume"]),
        ("one_off_project", ["cadence"]),
        (
            "needy_always_on",
            [
                "reply_time",
                "hours",
                "weekends",
                "scope",
                "cadence",
                "volume",
            ],
        ),
        ("pair_of_hands", ["reply_time", "cadence"]),
        ("occasional_helper", ["cadence", "budget"]),
        ("solid_but_cautious", ["reply_time", "cadence"]),
        ("tiny_budget_busy", ["reply_time", "cadence", "budget"]),
        ("friendly_founder", ["cadence"]),
        ("hands_off_executive", ["authority", "cadence"]),
    ],
)
def test_personas_gap_topics(questionnaire, persona, topics):
    gaps = find_gaps(questionnaire, PERSONAS[persona], PRACTICE)
    assert [g.topic for g in gaps] == topics


def test_a_questionnaire_without_roles_gives_no_gap():
    text = re.sub(r'(?m)^role = "[a-z_]+"\n', "", DEFAULT.read_text("utf-8"))
    bare = parse_questionnaire(text, source="no roles")
    answers = answers_with(reply_time="within_hour", weekends="yes", monthly_hours=90)
    assert find_gaps(bare, answers, PRACTICE) == ()


@pytest.mark.parametrize(
    ("currency", "price", "budget_words", "price_words"),
    [
        ("NZD", 650, "NZ$500", "NZ$650"),  # was "500 NZD" beside "NZ$650" elsewhere
        ("CHF", 650, "500 CHF", "650 CHF"),
        ("USD", 650.5, "$500", "$650.50"),  # cents shown, never rounded away
    ],
)
def test_the_budget_gap_uses_the_one_money_format(
    questionnaire, currency, price, budget_words, price_words
):
    packages = tuple(
        dataclasses.replace(p, monthly_price=price) if p.name == "Foundation" else p
        for p in PRACTICE.packages
    )
    practice = dataclasses.replace(PRACTICE, currency=currency, packages=packages)
    (gap,) = find_gaps(questionnaire, answers_with(budget="under_500"), practice)
    assert (gap.expects, gap.standard) == (
        f"a budget of up to {budget_words} a month",
        f"our smallest package, Foundation, is {price_words} a month",
    )


def test_the_cadence_gap_reads_the_reviews_of_the_package_chosen(questionnaire):
    """The smallest package has no weekly check-in: its gap never promises one."""
    practice = default_practice()
    foundation = practice.packages[0]
    assert "weekly" not in foundation.reviews
    answers = {"review_cadence": ["monthly"]}
    gaps = find_gaps(questionnaire, answers, practice, foundation)
    (gap,) = [g for g in gaps if g.topic == "cadence"]
    assert "weekly" not in gap.to_agree and "weekly" not in gap.standard
    assert gap.to_agree.startswith(
        "Foundation includes the quarterly business review and annual partnership "
        "review."
    )
    # every review of the package is committed to: no gap at all
    answers = {"review_cadence": ["monthly", "quarterly", "annual"]}
    gaps = find_gaps(questionnaire, answers, practice, foundation)
    assert not [g for g in gaps if g.topic == "cadence"]
