"""Cues in a prospect's own words, for the consultant to ask about. Pure code.

Free-text answers are read sentence by sentence for phrases that suggest constant
availability, a need for reassurance, urgency, or a one-off job. A cue quotes the
sentence it came from. Cues never change a score and never reach the prospect: they are
"worth asking about" on the consultant's submission page, nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .answers import visible_answers
from .schema import Questionnaire

AVAILABILITY = "availability"
REASSURANCE = "reassurance"
URGENCY = "urgency"
ONE_OFF = "one-off"

# what each kind of cue is worth asking about, in the consultant's words
ASK: Mapping[str, str] = {
    AVAILABILITY: "Words about being available at any hour: ask what they expect "
    "outside office hours.",
    REASSURANCE: "Words about worry or needing reassurance: ask what would help them "
    "feel things are in hand.",
    URGENCY: "Words about urgency: ask what is urgent, and since when.",
    ONE_OFF: "Words about a single job with an end: ask what they picture after it.",
}

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            AVAILABILITY,
            r"\b(always (there|available|on|reachable)|any ?time|at all hours|"
            r"(24/7|24 hours)|round the clock|around the clock|evenings and weekends|"
            r"late at night|whenever I need|on call)\b",
        ),
        (
            REASSURANCE,
            r"\b(anxious|anxiety|worr(y|ied|ies)|reassur\w*|nervous|panic\w*|"
            r"stress(ed|ful)?|overwhelmed|feel (alone|lost)|on my own|let (me )?down)\b",
        ),
        (
            URGENCY,
            r"\b(urgent(ly)?|asap|as soon as possible|right away|immediately|"
            r"straight away|drowning|desperate(ly)?|yesterday)\b",
        ),
        (
            ONE_OFF,
            r"\b(one[- ]off|just this once|single project|one project|"
            r"once (it is|it's) (done|finished|over)|after that we|fine on our own|"
            r"only (need|want) (help|someone) (for|with|until))\b",
        ),
    )
)
# a negation shortly before the phrase: "not urgent", "never anxious", "no need to be
# available at all hours"
_NEGATION = re.compile(
    r"\b(not|never|no|nothing|n't|without|isn't|aren't|don't|doesn't|won't)\b"
    r"(\W+\w+){0,4}\W*$",
    re.IGNORECASE,
)
# "once the project ends we would like ongoing help": an end, then more
_ONGOING_AFTER = re.compile(
    r"\b(ongoing|continu\w+|long[- ]term|after (that|it)\W+\w*\W*(keep|stay|ongoing))",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


@dataclass(frozen=True)
class Cue:
    kind: str  # AVAILABILITY, REASSURANCE, URGENCY or ONE_OFF
    question: str  # the question the sentence answered, as the prospect read it
    sentence: str  # the prospect's sentence, quoted as written

    @property
    def ask(self) -> str:
        return ASK[self.kind]


def _is_negated(sentence: str, start: int) -> bool:
    return bool(_NEGATION.search(sentence[:start]))


def kinds_in(sentence: str) -> tuple[str, ...]:
    """The kinds of cue one sentence raises, in the order of ASK (none when negated)."""
    found = []
    for kind, pattern in _PATTERNS:
        match = next(
            (
                m
                for m in pattern.finditer(sentence)
                if not _is_negated(sentence, m.start())
            ),
            None,
        )
        if match is None:
            continue
        if kind == ONE_OFF and _ONGOING_AFTER.search(sentence):
            continue
        found.append(kind)
    return tuple(found)


def cues_in_text(text: str, *, question: str = "") -> tuple[Cue, ...]:
    """Every cue in a free-text answer, one per kind and sentence."""
    out = []
    for match in _SENTENCE.finditer(text or ""):
        sentence = match.group(0).strip()
        out += [Cue(kind, question, sentence) for kind in kinds_in(sentence)]
    return tuple(out)


def find_cues(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> tuple[Cue, ...]:
    """The cues in every shown long-text answer, in question order."""
    shown = visible_answers(questionnaire, answers)
    out: list[Cue] = []
    for q in questionnaire.questions:
        value = shown.get(q.id)
        if q.type == "long_text" and isinstance(value, str):
            out += cues_in_text(value, question=q.label)
    return tuple(out)
