"""Transparent scoring: answers -> scores per dimension, a verdict, red flags and reasons.

Each dimension's points are placed between the lowest and the highest total that the
shown and answered questions could have given, so skipping an optional question never
moves a score, and no single answer can swing a score more than its own share.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .answers import describe_answer, visible_answers
from .schema import DIMENSIONS, Band, Choice, Question, Questionnaire, Rule

STRONG_FIT = "strong fit"
POSSIBLE_FIT = "possible fit"
NOT_A_FIT = "not a fit"
VERDICTS = (STRONG_FIT, POSSIBLE_FIT, NOT_A_FIT)


OVERALL = "overall"  # the dimension of reasons that adjust the overall score
RULE_QUESTION = "How the answers combine"
RULE_PREFIX = "rule."  # the question_id of a rule's reasons and flags: "rule.<id>"


def _source(question_id: str, question: str, answer: str) -> str:
    """Where a reason or flag comes from, for the consultant: an answer, or a rule
    (whose label completes "Together, these answers ...")."""
    if question_id.startswith(RULE_PREFIX):
        return f"Together, these answers {answer}"
    return f"They answered “{answer}” to “{question}”"


@dataclass(frozen=True)
class Reason:
    """One answer's (or rule's) contribution to one dimension, or to the overall."""

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
    def source(self) -> str:
        return _source(self.question_id, self.question, self.answer)

    @property
    def sentence(self) -> str:
        if self.dimension == OVERALL:
            return f"{self.points:+d}: {self.answer}"
        if self.question_id.startswith(RULE_PREFIX):
            return f"{self.source}: {self.effect}."
        return f"“{self.answer}” to “{self.question}” {self.effect}."


@dataclass(frozen=True)
class Flag:
    """A red flag raised by an answer (or a rule), listed apart from the numbers."""

    question_id: str
    question: str
    answer: str
    reason: str
    knockout: bool = False
    cost: int = 0  # points taken off the overall score

    @property
    def source(self) -> str:
        return _source(self.question_id, self.question, self.answer)

    @property
    def summary(self) -> str:
        """The reason's first clause, as a short phrase: 'expects replies within ...'."""
        head = re.split(r"[;:.]\s", self.reason + " ", maxsplit=1)[0].strip(" .")
        first = head.split(" ", 1)[0]
        if first != "I" and not first.isupper():
            head = head[0].lower() + head[1:]
        return head


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
            "flags": [_flag_dict(f) for f in self.flags],
            "reasons": [_reason_dict(r) for r in self.reasons],
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


# what dataclasses.asdict gives for these flat records, written out: asdict deep-copies
# every field and was a third of a re-score's time (bench/work.py)
def _flag_dict(f: Flag) -> dict[str, Any]:
    return {
        "question_id": f.question_id,
        "question": f.question,
        "answer": f.answer,
        "reason": f.reason,
        "knockout": f.knockout,
        "cost": f.cost,
    }


def _reason_dict(r: Reason) -> dict[str, Any]:
    return {
        "question_id": r.question_id,
        "question": r.question,
        "answer": r.answer,
        "dimension": r.dimension,
        "points": r.points,
    }


def _options(question: Question, value: Any) -> list[Choice] | list[Band]:
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
        exclusive = [c.points.get(dim, 0) for c in question.choices if c.exclusive]
        rest = [c.points.get(dim, 0) for c in question.choices if not c.exclusive]
        low = min([sum(p for p in rest if p < 0), *exclusive]) if pts else 0
        high = max([sum(p for p in rest if p > 0), *exclusive]) if pts else 0
        return low, high
    options = question.choices if question.is_choice else question.bands
    pts = [o.points.get(dim, 0) for o in options] or [0]
    return min(pts), max(pts)


def _scale(total: int, low: int, high: int) -> int:
    if high == low:
        return 50
    return round(100 * (total - low) / (high - low))


class _Tally:
    """Points, ranges, reasons and flags as the answers are read."""

    def __init__(self) -> None:
        self.reasons: list[Reason] = []
        self.flags: list[Flag] = []
        self.totals = dict.fromkeys(DIMENSIONS, 0)
        self.lows = dict.fromkeys(DIMENSIONS, 0)
        self.highs = dict.fromkeys(DIMENSIONS, 0)
        self.adjust = dict.fromkeys(DIMENSIONS, 0)  # rule points, on the 0-100 score

    def add(
        self,
        qid: str,
        question: str,
        answer: str,
        option: Choice | Band | Rule,
        *,
        scaled: bool = False,
    ) -> None:
        points, target = option.points, self.adjust if scaled else self.totals
        for dim in DIMENSIONS if points else ():
            pts = points.get(dim, 0)
            if pts:
                target[dim] += pts
                self.reasons.append(Reason(qid, question, answer, dim, pts))
        if option.flag:
            knockout = getattr(option, "knockout", False)
            self.flags.append(
                Flag(qid, question, answer, option.flag, knockout, option.cost)
            )

    def scores(self) -> dict[str, int]:
        return {
            d: max(
                0,
                min(
                    100,
                    _scale(self.totals[d], self.lows[d], self.highs[d])
                    + self.adjust[d],
                ),
            )
            for d in DIMENSIONS
        }


def _scored_questions(
    questionnaire: Questionnaire,
) -> tuple[tuple[Question, tuple[tuple[str, int, int], ...]], ...]:
    """(question, ((dimension, low, high), ...)) of each scored question, in order:
    computed once per questionnaire."""
    return questionnaire.memo(
        "scoring.ranges",
        lambda: tuple(
            (q, tuple((dim, *_range(q, dim)) for dim in DIMENSIONS))
            for q in questionnaire.questions
            if q.is_scored
        ),
    )


def _read_answers(
    questionnaire: Questionnaire, shown: Mapping[str, Any], tally: _Tally
) -> None:
    for question, ranges in _scored_questions(questionnaire):
        value = shown.get(question.id)
        if value is None or value == []:
            continue
        answer_text = describe_answer(question, value)
        lows, highs = tally.lows, tally.highs
        for dim, low, high in ranges:
            lows[dim] += low
            highs[dim] += high
        for option in _options(question, value):
            label = (
                option.label  # one choice of several
                if question.type == "multi" and isinstance(option, Choice)
                else answer_text
            )
            tally.add(question.id, question.label, label, option)


def _apply_rules(
    questionnaire: Questionnaire, shown: Mapping[str, Any], tally: _Tally
) -> None:
    """A rule's points move the 0-100 dimension scores directly (within 0-100)."""
    for rule in questionnaire.rules:
        if rule.applies(shown):
            tally.add(
                f"{RULE_PREFIX}{rule.id}", RULE_QUESTION, rule.label, rule, scaled=True
            )


def _overall(
    questionnaire: Questionnaire, scores: Mapping[str, int], flags: list[Flag]
) -> tuple[int, list[Reason]]:
    """The weighted mean, less each flag's cost, capped by knock-outs and the floor."""
    rules = questionnaire.scoring
    weights = rules.weights
    overall = round(sum(scores[d] * weights[d] for d in DIMENSIONS))
    reasons = []
    for f in flags:
        if f.cost:
            overall -= f.cost
            reasons.append(
                Reason(f.question_id, f.question, f.summary, OVERALL, -f.cost)
            )
    caps: list[tuple[int, Flag | None, str]] = []
    knockout = next((f for f in flags if f.knockout), None)
    if knockout is not None:
        caps.append((rules.knockout_cap, knockout, f"knock-out: {knockout.summary}"))
    low = sorted((s, d) for d, s in scores.items() if s < rules.dimension_floor)
    if low and rules.strong_fit > 0:
        score, dim = low[0]
        note = f"{dim} {score} is below the floor of {rules.dimension_floor}"
        caps.append((rules.strong_fit - 1, None, note))
    for cap, flag, note in sorted(caps, key=lambda c: c[0]):
        if overall > cap:
            qid = flag.question_id if flag else "scoring"
            question = flag.question if flag else "Scores"
            reasons.append(
                Reason(
                    qid, question, f"capped at {cap}, {note}", OVERALL, cap - overall
                )
            )
            overall = cap
    return max(0, min(100, overall)), reasons


def assess(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Assessment:
    """Score the answers; hidden or blank questions neither raise nor lower anything."""
    shown = visible_answers(questionnaire, answers)
    tally = _Tally()
    _read_answers(questionnaire, shown, tally)
    _apply_rules(questionnaire, shown, tally)
    scores = tally.scores()
    overall, adjustments = _overall(questionnaire, scores, tally.flags)
    verdict = _verdict(questionnaire, overall, tally.flags)
    return Assessment(
        scores,
        overall,
        verdict,
        tuple(tally.flags),
        tuple(tally.reasons + adjustments),
        questionnaire.version,
    )


def _verdict(questionnaire: Questionnaire, overall: int, flags: list[Flag]) -> str:
    """From the overall alone (its caps carry the knock-outs and the floor)."""
    rules = questionnaire.scoring
    if any(f.knockout for f in flags) or overall < rules.possible_fit:
        return NOT_A_FIT
    if overall >= rules.strong_fit:
        return STRONG_FIT
    return POSSIBLE_FIT
