"""Suggested changes to points, from the outcome report (pure).

Where a choice's interval lies wholly above the share of good outcomes among all
clients, its points could go up; wholly below, down. The step grows with how far the
interval clears that share: 2 points for each 10 percentage points (rounded, at least
one), at most 6, within the questionnaire's limits. The change is made on the dimension
the choice already scores most; a choice worth nothing is changed on the dimension its
question scores most; a question that scores nothing gets no suggestion.

The rows have the shape the questionnaire editor's `apply_point_changes` takes:
(question_id, choice_value, dimension, current_points, suggested_points, reason).
"""

from __future__ import annotations

from typing import NamedTuple

from ..questionnaire.schema import (
    DIMENSIONS,
    MAX_POINTS,
    Choice,
    Question,
    Questionnaire,
)
from .report import ABOVE, BELOW, Report, Row

POINTS_PER_TENTH = 2
MAX_STEP = 6


class PointChange(NamedTuple):
    question_id: str
    choice_value: str
    dimension: str
    current_points: int
    suggested_points: int
    reason: str


def _dimension_of(question: Question, choice: Choice) -> str | None:
    """The dimension the choice scores most, else the one its question scores most."""
    for points in (
        choice.points,
        {d: sum(abs(c.points.get(d, 0)) for c in question.choices) for d in DIMENSIONS},
    ):
        best = max(DIMENSIONS, key=lambda d: abs(points.get(d, 0)))
        if points.get(best, 0):
            return best
    return None


def step_for(margin: float) -> int:
    """Points to move for an interval that clears the overall share by `margin` (0-1)."""
    return min(MAX_STEP, POINTS_PER_TENTH * max(1, round(margin * 10)))


def _percent(x: float) -> str:
    return f"{round(x * 100)}%"


def _reason(row: Row, report: Report) -> str:
    low, high = row.tally.interval
    total = report.total
    return (
        f"{row.tally.good} of {row.tally.n} clients who chose “{row.label}” had a good "
        f"outcome ({_percent(row.tally.share or 0)}, likely between {_percent(low)} "
        f"and {_percent(high)}); {_percent(total.share or 0)} of all {total.n} "
        "clients did."
    )


def _change(question: Question, row: Row, report: Report) -> PointChange | None:
    choice = question.choice(row.key)
    dimension = _dimension_of(question, choice) if choice else None
    if choice is None or dimension is None:
        return None
    low, high = row.tally.interval
    overall = report.total.share or 0
    margin = low - overall if row.finding == ABOVE else overall - high
    sign = 1 if row.finding == ABOVE else -1
    current = choice.points.get(dimension, 0)
    suggested = max(-MAX_POINTS, min(MAX_POINTS, current + sign * step_for(margin)))
    if suggested == current:
        return None
    return PointChange(
        question.id, choice.value, dimension, current, suggested, _reason(row, report)
    )


def suggest_point_changes(
    questionnaire: Questionnaire, report: Report
) -> tuple[PointChange, ...]:
    """A change for each choice clearly above or below the overall share of good
    outcomes (none when the report has too few outcomes), the largest first."""
    if not report.is_enough:
        return ()
    changes = []
    for group in report.questions:
        question = questionnaire.question(group.key)
        if question is None:
            continue
        for row in group.rows:
            if row.finding in (ABOVE, BELOW):
                change = _change(question, row, report)
                changes += [change] if change else []
    return tuple(
        sorted(changes, key=lambda c: -abs(c.suggested_points - c.current_points))
    )
