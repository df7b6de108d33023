"""Cues in a prospect's own words: what raises one, and what must not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from intake.questionnaire.cues import (
    AVAILABILITY,
    ONE_OFF,
    REASSURANCE,
    URGENCY,
    cues_in_text,
    find_cues,
    kinds_in,
)
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

TABLE = [
    # (sentence, the cues it raises)
    ("I need someone who is always there for me.", (AVAILABILITY,)),
    ("I get anxious when I don't hear back.", (REASSURANCE,)),
    ("Clients message me at all hours.", (AVAILABILITY,)),
    ("I would like replies any time, evenings and weekends included.", (AVAILABILITY,)),
    ("My programme has taken off and I am drowning.", (URGENCY,)),
    ("We need this sorted urgently.", (URGENCY,)),
    ("It is a one-off job.", (ONE_OFF,)),
    ("Once it is done we are fine on our own.", (ONE_OFF,)),
    ("I am worried and need this done ASAP.", (REASSURANCE, URGENCY)),
    ("Two assistants let me down and I felt on my own.", (REASSURANCE,)),
    # must raise nothing
    ("It is not urgent.", ()),
    ("Nothing here is urgent; we plan ahead.", ()),
    ("I don't need anyone to be always available.", ()),
    ("I am never anxious about handing work over.", ()),
    ("Once the project ends we'd like ongoing help with the back office.", ()),
    ("After this one project we want a long-term partner.", ()),
    ("My inbox and calendar take up my mornings.", ()),
    ("We are growing from two to four consultants.", ()),
    ("", ()),
]


@pytest.mark.parametrize(("sentence", "kinds"), TABLE)
def test_the_cues_a_sentence_raises(sentence, kinds):
    assert kinds_in(sentence) == kinds


def test_a_cue_quotes_its_sentence_and_question():
    text = "Work is busy. I get anxious when nobody replies! Otherwise fine."
    cues = cues_in_text(text, question="What has prompted you?")
    assert [(c.kind, c.sentence, c.question) for c in cues] == [
        (REASSURANCE, "I get anxious when nobody replies!", "What has prompted you?")
    ]
    assert cues[0].ask.startswith("Words about worry")


def test_cues_come_from_shown_long_texts_and_never_change_a_score():
    q = load_questionnaire(DEFAULT)
    needy = PERSONAS["needy_always_on"]
    cues = find_cues(q, needy)
    assert {c.kind for c in cues} >= {AVAILABILITY, URGENCY}
    assert all(c.sentence in " ".join(str(v) for v in needy.values()) for c in cues)
    # the same answers with the words removed score exactly the same
    plain = {
        k: ("Busy." if isinstance(v, str) and len(v) > 60 else v)
        for k, v in needy.items()
    }
    assert assess(q, plain) == assess(q, needy)
    # a hidden follow-up is not read
    hidden = {**PERSONAS["steady_collaborator"], "trust_building": "I am so anxious."}
    assert find_cues(q, hidden) == ()
