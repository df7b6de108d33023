"""Every “quoted” phrase the proposal or the consultant reads is an answer the prospect
gave, in that answer's own label: nothing is inferred from a box they did not tick.

A property test: hypothesis picks any choice (or set of ticks) for every question
that feeds the rationale, what we heard, the reviews and the talking points, found by
role; every phrase between “ and ” must be the label of a choice given.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.practice import default_practice
from intake.proposal.recommendation import recommend
from intake.questionnaire.answers import visible_answers
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
PRACTICE = default_practice()
# the questionnaire as the prospect read it: the practice's words and currency
QUESTIONNAIRE = load_questionnaire(DEFAULT).localised(
    PRACTICE.questionnaire_words, PRACTICE.currency
)
# the roles whose answers the rationale, heard, reviews and gaps read
FEEDING = (
    "engagement",
    "service_areas",
    "work_mix",
    "stance",
    "review_cadence",
    "reply_time",
    "availability",
    "weekends",
    "beyond_scope",
    "owner_access",
    "budget",
)
QUOTED = re.compile(r"“([^”]*)”")


def _answer_for(question):
    values = [c.value for c in question.choices]
    if question.type == "multi":
        return st.lists(st.sampled_from(values), min_size=1, unique=True)
    return st.sampled_from(values)


ANSWERS = st.fixed_dictionaries(
    {
        q.id: _answer_for(q)
        for q in (QUESTIONNAIRE.by_role(role) for role in FEEDING)
        if q is not None
    }
)


def _given_labels(answers) -> set[str]:
    """The labels of every choice the prospect picked or ticked."""
    shown = visible_answers(QUESTIONNAIRE, answers)
    labels = set()
    for q in QUESTIONNAIRE.questions:
        value = shown.get(q.id)
        ticked = value if isinstance(value, list) else [value]
        labels |= {c.label for c in q.choices if c.value in map(str, ticked)}
    return labels


def _texts(rec) -> list[str]:
    texts = [*rec.rationale, *rec.heard]
    texts += [r.why for r in rec.reviews]
    for gap in rec.gaps:
        texts += [gap.said, gap.expects, gap.to_agree, gap.talking_point]
    return texts


def test_every_feeding_role_is_in_the_questionnaire():
    assert all(QUESTIONNAIRE.by_role(role) is not None for role in FEEDING)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(sorted(PERSONAS)), changes=ANSWERS)
def test_every_quote_is_an_answer_given(base, changes):
    answers = {**PERSONAS[base], **changes}
    rec = recommend(
        questionnaire=QUESTIONNAIRE,
        answers=answers,
        assessment=assess(QUESTIONNAIRE, answers),
        practice=PRACTICE,
    )
    given_labels = _given_labels(answers)
    quoted = [q for text in _texts(rec) for q in QUOTED.findall(text)]
    assert quoted  # the engagement and the areas are always quoted
    assert [q for q in quoted if q not in given_labels] == []


def test_an_unticked_review_is_never_said_to_be_refused():
    answers = {**PERSONAS["solid_but_cautious"], "review_cadence": ["weekly"]}
    rec = recommend(
        questionnaire=QUESTIONNAIRE,
        answers=answers,
        assessment=assess(QUESTIONNAIRE, answers),
        practice=PRACTICE,
    )
    whys = [r.why for r in rec.reviews]
    assert whys[0].startswith("You said you could keep time free for “Weekly check-in")
    assert all(why.startswith("We include it because") for why in whys[1:])
    assert not any("did not" in text or "no commitment" in text for text in whys)
    cadence_gap = next(g for g in rec.gaps if g.topic == "cadence")
    assert cadence_gap.said == "“Weekly check-in on priorities: 20 minutes”"


def test_the_reply_gap_quotes_the_choice_not_its_hours():
    answers = {**PERSONAS["solid_but_cautious"], "reply_time": "same_day"}
    rec = recommend(
        questionnaire=QUESTIONNAIRE,
        answers=answers,
        assessment=assess(QUESTIONNAIRE, answers),
        practice=PRACTICE,
    )
    gap = next(g for g in rec.gaps if g.topic == "reply_time")
    assert gap.said == "“By the end of Tuesday”"
