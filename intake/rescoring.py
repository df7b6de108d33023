"""What a re-scoring would change, before anything is written. Pure code.

`flask rescore --dry-run` collects one Move per submission (its overall score and verdict
now, and after scoring again) and prints `report(moves)`: how many verdicts change and
how, how the list sorted by overall would reorder, and the ten largest moves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .questionnaire.scoring import VERDICTS

LARGEST = 10


@dataclass(frozen=True)
class Move:
    id: int
    name: str
    overall_before: int | None
    verdict_before: str | None
    overall_after: int
    verdict_after: str

    @property
    def delta(self) -> int:
        return self.overall_after - (self.overall_before or 0)


def ranks(pairs: Sequence[tuple[int, int | None]]) -> dict[int, int]:
    """id -> 1-based place in the list sorted by overall (highest first, then id)."""
    ordered = sorted(pairs, key=lambda p: (-(p[1] or 0), p[0]))
    return {sid: place for place, (sid, _) in enumerate(ordered, 1)}


def _verdict_lines(moves: Sequence[Move]) -> list[str]:
    before = Counter(m.verdict_before or "unscored" for m in moves)
    after = Counter(m.verdict_after for m in moves)
    names = [*VERDICTS, *sorted(set(before) - set(VERDICTS))]
    lines = [f"  {'verdict':<14} {'now':>5} {'after':>6}"]
    lines += [f"  {v:<14} {before[v]:>5} {after[v]:>6}" for v in names]
    changes = Counter(
        (m.verdict_before or "unscored", m.verdict_after)
        for m in moves
        if m.verdict_before != m.verdict_after
    )
    if changes:
        lines.append("Verdict changes:")
        lines += [
            f"  {a} → {b}: {n}"
            for (a, b), n in sorted(changes.items(), key=lambda c: (-c[1], c[0]))
        ]
    return lines


def _move_line(m: Move, place: tuple[int, int]) -> str:
    before = "-" if m.overall_before is None else str(m.overall_before)
    return (
        f"  #{m.id:<6} {m.name[:28]:<28} {before:>3} {m.verdict_before or '-':<13}"
        f" → {m.overall_after:>3} {m.verdict_after:<13} ({m.delta:+d};"
        f" place {place[0]} → {place[1]})"
    )


def report(moves: Sequence[Move], *, what: str = "") -> str:
    """The dry run's text: counts first, then the ten largest moves."""
    if not moves:
        return "Dry run: no submissions to re-score; nothing written."
    old = ranks([(m.id, m.overall_before) for m in moves])
    new = ranks([(m.id, m.overall_after) for m in moves])
    scores = sum(m.overall_before != m.overall_after for m in moves)
    verdicts = sum(m.verdict_before != m.verdict_after for m in moves)
    moved = sum(old[m.id] != new[m.id] for m in moves)
    lines = [
        f"Dry run{what}: nothing written.",
        f"{len(moves)} submissions: {scores} overall scores and {verdicts} verdicts "
        f"would change; {moved} would move in the list sorted by overall.",
        *_verdict_lines(moves),
    ]
    largest = sorted(
        (m for m in moves if m.delta or old[m.id] != new[m.id]),
        key=lambda m: (-abs(m.delta), -abs(old[m.id] - new[m.id]), m.id),
    )[:LARGEST]
    if largest:
        lines.append(f"The {len(largest)} largest moves:")
        lines += [_move_line(m, (old[m.id], new[m.id])) for m in largest]
    return "\n".join(lines)
