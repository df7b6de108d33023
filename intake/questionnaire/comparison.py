"""Sample prospects scored under two versions of the questionnaire, and what moves. Pure.

The editor's sample panel scores the shipped personas (samples.py) and any past
submission under the current version and the draft; `moves` lists each one's overall
score and verdict under both, verdict changes first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .answers import clean_answer
from .errors import InvalidAnswer
from .schema import Questionnaire
from .scoring import assess


@dataclass(frozen=True)
class SampleMove:
    name: str
    overall_before: int
    verdict_before: str
    overall_after: int
    verdict_after: str

    @property
    def verdict_moved(self) -> bool:
        return self.verdict_before != self.verdict_after

    @property
    def delta(self) -> int:
        return self.overall_after - self.overall_before


def moves(
    before: Questionnaire,
    after: Questionnaire,
    samples: Mapping[str, Mapping[str, Any]],
) -> list[SampleMove]:
    """Each sample under `before` and `after`: verdict changes first, then by name."""
    out = []
    for name, answers in samples.items():
        old = assess(before, readable(before, answers))
        new = assess(after, readable(after, answers))
        out.append(SampleMove(name, old.overall, old.verdict, new.overall, new.verdict))
    return sorted(out, key=lambda m: (not m.verdict_moved, -abs(m.delta), m.name))


def readable(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers as this version reads them: answers to questions it does not have,
    or that its question would refuse (a choice removed, a text now a number), are
    left out, as if unanswered."""
    out: dict[str, Any] = {}
    for question_id, raw in answers.items():
        question = questionnaire.question(question_id)
        if question is None:
            continue
        try:
            out[question_id] = clean_answer(question, raw)
        except InvalidAnswer:
            continue
    return out
