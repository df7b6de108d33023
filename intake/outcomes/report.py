"""Which answers and which scores went with good and poor outcomes (pure).

A client counts once, with their latest outcome (the furthest check-in recorded). Each
choice of each choice question gets the number of clients who chose it, how many of
them had a good outcome (thriving or fine) and that share's Wilson 95% interval. A row
is "too few to say" when few clients chose it or its interval is wide; otherwise it is
compared with the share of good outcomes among all clients: an interval wholly above
or below that share is a clear difference, anything else is not. The words describe
what went together, never why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..questionnaire.schema import DIMENSIONS, Question, Questionnaire
from .stats import Share

CHECKPOINTS = (3, 6, 12)  # months after becoming a client
RATINGS = {
    "thriving": "Thriving",
    "fine": "Fine",
    "struggled": "Struggled",
    "ended_early": "Ended early",
}
GOOD = frozenset({"thriving", "fine"})
ENDED = "ended_early"  # no check-in is due after this one

# the report says nothing until it has at least this many clients, and this many of
# each kind of outcome (a comparison needs both)
MIN_CLIENTS = 20
MIN_EACH = 5
# a row is "too few to say" with fewer clients than this, or a wider interval
MIN_CHOSEN = 5
MAX_WIDTH = 0.5

ABOVE, BELOW, UNCLEAR, TOO_FEW = "above", "below", "unclear", "too_few"
FINDING_WORDS = {
    ABOVE: "More often good than clients overall",
    BELOW: "Less often good than clients overall",
    UNCLEAR: "No clear difference",
    TOO_FEW: "Too few to say",
}
# score bands of each dimension (0-100): low end, first value above, words
SCORE_BANDS = ((0, 40, "under 40"), (40, 60, "40–59"), (60, 75, "60–74"))
TOP_BAND = (75, "75 and over")
SCORED = (*DIMENSIONS, "overall")


@dataclass(frozen=True)
class OutcomeRow:
    """One recorded outcome, as stored: enough to pick each client's latest."""

    client_id: int
    checkpoint: int
    rating: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class ClientRecord:
    """A client's answers, scores and latest outcome: what the report reads."""

    answers: Mapping[str, Any]
    scores: Mapping[str, int | None]
    rating: str
    demo: bool = False

    @property
    def is_good(self) -> bool:
        return self.rating in GOOD


def latest_per_client(rows: Iterable[OutcomeRow]) -> dict[int, OutcomeRow]:
    """Each client's latest outcome: the furthest check-in, then the last recorded."""
    latest: dict[int, OutcomeRow] = {}
    for row in rows:
        kept = latest.get(row.client_id)
        if kept is None or (row.checkpoint, row.recorded_at) > (
            kept.checkpoint,
            kept.recorded_at,
        ):
            latest[row.client_id] = row
    return latest


@dataclass(frozen=True)
class Row:
    """One choice (or score band): its clients, good share, interval, finding."""

    key: str  # the choice value, or the band's words
    label: str
    tally: Share
    finding: str

    @property
    def words(self) -> str:
        return FINDING_WORDS[self.finding]


@dataclass(frozen=True)
class Group:
    """A question's choices, or a dimension's bands."""

    key: str  # the question id or the dimension
    label: str
    rows: tuple[Row, ...]
    answered: int  # clients who answered the question (all, for a dimension)


@dataclass(frozen=True)
class Report:
    total: Share  # every client with an outcome
    questions: tuple[Group, ...]
    dimensions: tuple[Group, ...]
    includes_demo: bool

    @property
    def is_enough(self) -> bool:
        return self.more_needed == 0

    @property
    def more_needed(self) -> int:
        """How many more clients' outcomes the report needs before it says anything."""
        each = max(0, MIN_EACH - self.total.good) + max(0, MIN_EACH - self.total.poor)
        return max(MIN_CLIENTS - self.total.n, each)

    @property
    def not_enough_words(self) -> str:
        """Why the report cannot say anything yet, and what it still needs ('' if it can)."""
        if self.is_enough:
            return ""
        total = self.total
        have = (
            f"So far {_clients(total.n)} with an outcome"
            + (f" ({total.good} good, {total.poor} poor)" if total.n else "")
            + "."
        )
        short = [
            f"{MIN_EACH - count} more {kind}"
            for count, kind in ((total.good, "good"), (total.poor, "poor"))
            if count < MIN_EACH
        ]
        more = self.more_needed
        need = f"Outcomes for {more} more client{'' if more == 1 else 's'} are needed"
        need += f", including at least {' and '.join(short)}." if short else "."
        return (
            f"The report needs outcomes for at least {MIN_CLIENTS} clients, with at "
            f"least {MIN_EACH} good (thriving or fine) and {MIN_EACH} poor (struggled "
            f"or ended early) among them. {have} {need}"
        )


def _clients(n: int) -> str:
    return f"{n} client{'' if n == 1 else 's'}"


def finding(tally: Share, overall: float | None) -> str:
    """ABOVE or BELOW when the interval lies wholly on one side of the overall share;
    TOO_FEW with few clients or a wide interval; UNCLEAR otherwise."""
    if tally.n < MIN_CHOSEN or tally.width > MAX_WIDTH or overall is None:
        return TOO_FEW
    low, high = tally.interval
    if low > overall:
        return ABOVE
    if high < overall:
        return BELOW
    return UNCLEAR


def _chose(question: Question, answer: Any, value: str) -> bool:
    if isinstance(answer, list | tuple):
        return value in {str(a) for a in answer}
    return str(answer) == value


def _is_answered(answer: Any) -> bool:
    return answer is not None and answer != "" and answer != []


def _question_group(
    question: Question, clients: Sequence[ClientRecord], overall: float | None
) -> Group | None:
    answered = [c for c in clients if _is_answered(c.answers.get(question.id))]
    if not answered:
        return None
    rows = []
    for choice in question.choices:
        chose = [
            c
            for c in answered
            if _chose(question, c.answers[question.id], choice.value)
        ]
        tally = Share(sum(c.is_good for c in chose), len(chose))
        rows.append(Row(choice.value, choice.label, tally, finding(tally, overall)))
    return Group(question.id, question.label, tuple(rows), len(answered))


def band_of(score: int) -> str:
    """The words of the score band a 0-100 score falls in."""
    for low, above, words in SCORE_BANDS:
        if low <= score < above:
            return words
    return TOP_BAND[1]


def _dimension_group(
    dimension: str, clients: Sequence[ClientRecord], overall: float | None
) -> Group:
    banded = [
        (band_of(score), c)
        for c in clients
        if (score := c.scores.get(dimension)) is not None
    ]
    bands = [words for _low, _above, words in SCORE_BANDS] + [TOP_BAND[1]]
    rows = []
    for words in bands:
        inside = [c for band, c in banded if band == words]
        tally = Share(sum(c.is_good for c in inside), len(inside))
        rows.append(Row(words, words, tally, finding(tally, overall)))
    label = (
        "Overall score" if dimension == "overall" else f"{dimension.capitalize()} score"
    )
    return Group(dimension, label, tuple(rows), len(banded))


def build_report(
    questionnaire: Questionnaire, clients: Sequence[ClientRecord]
) -> Report:
    """The report on these clients, against the questions of this questionnaire.

    Answers are matched by question id and choice value, so clients who answered an
    earlier version count wherever the question and choice are the same. Questions with
    a single choice (the consent) say nothing and are left out."""
    total = Share(sum(c.is_good for c in clients), len(clients))
    overall = total.share
    questions = tuple(
        group
        for q in questionnaire.questions
        if q.is_choice and len(q.choices) > 1
        if (group := _question_group(q, clients, overall)) is not None
    )
    dimensions = tuple(_dimension_group(d, clients, overall) for d in SCORED)
    return Report(total, questions, dimensions, any(c.demo for c in clients))
