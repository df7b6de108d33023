"""Transparent scoring: answers -> scores per dimension, a verdict, red flags and reasons.

Each dimension's points are placed between the lowest and the highest total that the
shown and answered questions could have given, so skipping an optional question never
moves a score, and no single answer can swing a score more than its own share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .answers import describe_answer, visible_answers
from .schema import DIMENSIONS, Question, Questionnaire

STRONG_FIT = "strong fit"
POSSIBLE_FIT = "possible fit"
NOT_A_FIT = "not a fit"
VERDICTS = (STRONG_FIT, POSSIBLE_FIT, NOT_A_FIT)


@dataclass(frozen=True)
class Reason:
    """One answer's contribution to one dimension."""

    question_id: str
    question: str
    answer: str
    dimension: str
    points: int

    @property
    def effect(self) -> str:
        direction = "raised" if self.points > 0 else "lowered"
        return f"{direction} {self.dimension} ({self.points:+d})"

    @property
    def sentence(self) -> str:
        return f"“{self.answer}” to “{self.question}” {self.effect}."


@dataclass(frozen=True)
class Flag:
    """A red flag raised by an answer, kept apart from the numbers."""

    question_id: str
    question: str
    answer: str
    reason: str
    knockout: bool = False


@dataclass(frozen=True)
class Assessment:
    scores: Mapping[str, int]
    overall: int
    verdict: str
    flags: tuple[Flag, ...]
    reasons: tuple[Reason, ...]
    version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "scores": dict(self.scores),
            "overall": self.overall,
            "verdict": self.verdict,
            "flags": [asdict(f) for f in self.flags],
            "reasons": [asdict(r) for r in self.reasons],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        return cls(
            scores=dict(data["scores"]),
            overall=int(data["overall"]),
            verdict=data["verdict"],
            flags=tuple(Flag(**f) for f in data["flags"]),
            reasons=tuple(Reason(**r) for r in data["reasons"]),
            version=data["version"],
        )

    @property
    def knockouts(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.knockout)


def _options(question: Question, value: Any):
    """The scored options the answer picked (choices or the matching band)."""
    if question.type == "multi":
        return [c for c in question.choices if c.value in value]
    if question.type in ("single", "scale"):
        choice = question.choice(value)
        return [choice] if choice else []
    if question.type == "number" and question.bands:
        band = question.band_for(int(value))
        return [band] if band else []
    return []


def _range(question: Question, dim: str) -> tuple[int, int]:
    """The lowest and highest points this question can give to a dimension."""
    if question.type == "multi":
        pts = [c.points.get(dim, 0) for c in question.choices]
        return sum(p for p in pts if p < 0), sum(p for p in pts if p > 0)
    options = question.choices if question.is_choice else question.bands
    pts = [o.points.get(dim, 0) for o in options] or [0]
    return min(pts), max(pts)


def _scale(total: int, low: int, high: int) -> int:
    if high == low:
        return 50
    return round(100 * (total - low) / (high - low))


def assess(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Assessment:
    """Score the answers; hidden or blank questions neither raise nor lower anything."""
    shown = visible_answers(questionnaire, answers)
    reasons: list[Reason] = []
    flags: list[Flag] = []
    totals = dict.fromkeys(DIMENSIONS, 0)
    lows = dict.fromkeys(DIMENSIONS, 0)
    highs = dict.fromkeys(DIMENSIONS, 0)
    for question in questionnaire.questions:
        value = shown.get(question.id)
        if value is None or value == [] or not question.is_scored:
            continue
        answer_text = describe_answer(question, value)
        for dim in DIMENSIONS:
            low, high = _range(question, dim)
            lows[dim] += low
            highs[dim] += high
        for option in _options(question, value):
            label = answer_text if question.type != "multi" else option.label
            for dim in DIMENSIONS:
                pts = option.points.get(dim, 0)
                totals[dim] += pts
                if pts:
                    reasons.append(Reason(question.id, question.label, label, dim, pts))
            if option.flag:
                flags.append(
                    Flag(
                        question.id, question.label, label, option.flag, option.knockout
                    )
                )
    scores = {d: _scale(totals[d], lows[d], highs[d]) for d in DIMENSIONS}
    weights = questionnaire.scoring.weights
    overall = round(sum(scores[d] * weights[d] for d in DIMENSIONS))
    verdict = _verdict(questionnaire, scores, overall, flags)
    return Assessment(
        scores, overall, verdict, tuple(flags), tuple(reasons), questionnaire.version
    )


def _verdict(questionnaire, scores, overall, flags) -> str:
    rules = questionnaire.scoring
    if any(f.knockout for f in flags) or overall < rules.possible_fit:
        return NOT_A_FIT
    if overall >= rules.strong_fit and min(scores.values()) >= rules.dimension_floor:
        return STRONG_FIT
    return POSSIBLE_FIT
