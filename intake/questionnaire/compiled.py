"""Scoring compiled: scores, verdict and flags from lookup tables built once per
questionnaire. Pure code.

`assess` (scoring.py) reads the answers through the questionnaire's objects and writes
down every reason and flag: the explanation a page shows, and the reference. What a
submission stores (and a re-score of 100,000 recomputes) is only the numbers, so
`compiled(questionnaire)` turns the definition into plain values once (memoised on the
questionnaire, which the registry keeps per digest): each scored question's points per
answer and its ranges, each visibility condition as the chain of (question, values)
that must hold, the rules' conditions, the thresholds. `Compiled.score(answers)` is then
a few dict lookups and additions per answer, no explanation objects, and gives exactly
the scores, overall, verdict and flags `assess` gives
(tests/unit/test_compiled_scoring.py holds the two equal on every persona and on
thousands of random answers, under the default questionnaire and older ones).
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from .schema import DIMENSIONS, Band, Choice, Question, Questionnaire, Rule
from .scoring import NOT_A_FIT, POSSIBLE_FIT, STRONG_FIT, _scored_questions

FIT, CHEMISTRY, BOUNDARIES = DIMENSIONS  # unrolled below: three dimensions

# (question id, values): the answer to the question is (or, for multi, includes) one
Check = tuple[str, frozenset[str]]
# what must hold for a question to be shown: its condition, its controller's, ...
Chain = tuple[Check, ...]
# What an answer adds: points per dimension, then the lows and the highs per dimension,
# nine numbers packed in one int, FIELD bits each (`pack`), so that adding two packed
# ints adds the nine numbers at once: one addition per answer instead of nine. Each
# field's sum stays far within its bits (points and ranges are at most MAX_POINTS a
# choice, times a few dozen questions; `_build` checks the bound).
Packed = int
FIELD = 32
FULL = 1 << FIELD
HALF = FULL >> 1
# a flag raised: its reason, whether it knocks out, what it costs the overall
Flag = tuple[str, bool, int]
# one option picked (a choice, a band) or one rule applying: what it adds and its flag
Option = tuple[Packed, Flag | None]
# options that apply when their choice is in the answer (None: whatever the answer)
Ticked = tuple[tuple[str | None, Option], ...]
Pick = Callable[[Any], Ticked]


class Scored(NamedTuple):
    """The numbers `assess` gives, and the two levers the package is sized from."""

    fit: int
    chemistry: int
    boundaries: int
    overall: int
    verdict: str
    flag_count: int
    knockouts: tuple[str, ...]  # the knock-out flags' reasons, in the flags' order
    hours: int | None  # the monthly hours they said (shown and answered), if any
    areas: int  # how many service areas they ticked (shown and answered)


Score = Callable[[Mapping[str, Any]], "Scored"]  # answers -> Scored


def pack(numbers: Sequence[int]) -> Packed:
    """The numbers in one int, FIELD bits each (negative ones borrow from the next)."""
    return sum(n << (FIELD * i) for i, n in enumerate(numbers))


BIAS9 = sum(HALF << (FIELD * i) for i in range(9))  # HALF in each of nine fields
BIAS3 = sum(HALF << (FIELD * i) for i in range(3))
NINE = struct.Struct("<9I")
THREE = struct.Struct("<3I")


def unpack(packed: Packed, count: int) -> list[int]:
    """The `count` numbers `pack` (or a sum of packs) holds: once HALF is added to
    each field, every field is within 0 and FULL, so the packed int's bytes are the
    fields themselves, less HALF."""
    form, bias = (NINE, BIAS9) if count == 9 else (THREE, BIAS3)
    raw = (packed + bias).to_bytes(form.size, "little")
    return [n - HALF for n in form.unpack(raw)]


def _option(option: Choice | Band | Rule, ranges: Packed = 0) -> Option:
    """What `_Tally.add` reads of an option, with the question's ranges added (no flag
    without its reason; a rule never knocks out)."""
    p = option.points
    added = pack((p.get(FIT, 0), p.get(CHEMISTRY, 0), p.get(BOUNDARIES, 0))) + ranges
    if not option.flag:
        return added, None
    knockout = bool(getattr(option, "knockout", False))
    return added, (option.flag, knockout, option.cost)


def holds(values: frozenset[str], answer: Any) -> bool:
    """Condition.holds on a plain value: the answer (or one of its items) as text is
    one of the values."""
    kind = type(answer)
    if kind is str:
        return answer in values
    if kind is list or kind is tuple:
        return not values.isdisjoint(map(str, answer))
    if answer is None:
        return False
    if isinstance(answer, list | tuple):
        return not values.isdisjoint(map(str, answer))
    return str(answer) in values


def _chain(questionnaire: Questionnaire, question: Question) -> Chain:
    """Every condition that must hold for the question to be shown (is_visible)."""
    checks: list[Check] = []
    seen = {question.id}
    cond = question.show_if
    while cond is not None:
        checks.append((cond.question, cond.values))
        controller = questionnaire.question(cond.question)
        if controller is None or controller.id in seen:
            break
        seen.add(controller.id)
        cond = controller.show_if
    return tuple(checks)


def shown(chain: Chain, answers: Mapping[str, Any]) -> bool:
    for qid, values in chain:
        if not holds(values, answers.get(qid)):
            return False
    return True


# ---- each kind of question: the answer -> the options it picks -------------------------


def _by_value(question: Question, ranges: Packed) -> dict[str | int, Option]:
    """single, scale: the choice whose value is str(answer) (Question.choice), with
    the question's ranges."""
    table: dict[str | int, Option] = {}
    for c in question.choices:
        table.setdefault(c.value, _option(c, ranges))
    for value, option in list(table.items()):
        number = _canonical_int(str(value))
        if number is not None:  # a scale's answer, stored as a number: str(3) == "3"
            table.setdefault(number, option)
    return table


def _canonical_int(text: str) -> int | None:
    """The int whose str() is `text`, if there is one."""
    try:
        number = int(text)
    except ValueError:
        return None
    return number if str(number) == text else None


def _ticked(question: Question) -> Ticked:
    """multi: (value, option) of each choice, added when its value is in the answer
    (a choice worth nothing and raising no flag adds nothing, so it is left out)."""
    return tuple((c.value, _option(c)) for c in question.choices if c.points or c.flag)


BAND_CACHE = 10_000  # distinct numbers remembered per question


def _banded(question: Question) -> Pick:
    """number with bands: the band the whole number falls in, remembered per answer."""
    cache: dict[Any, Ticked] = {}

    def pick(value: Any) -> Ticked:
        found = cache.get(value)
        if found is None:
            band = question.band_for(int(value))
            found = ((None, _option(band)),) if band else ()
            if len(cache) < BAND_CACHE:
                cache[value] = found
        return found

    return pick


def _nothing(value: Any) -> Ticked:
    return ()


def _pick_of(question: Question) -> Pick:
    """What `scoring._options` picks of a number (a band) or another type (nothing)."""
    if question.type == "number" and question.bands:
        return _banded(question)
    return _nothing


# ---- the compiled questionnaire ---------------------------------------------------------


class Entry(NamedTuple):
    """One scored question: its id, when it is shown, and what an answer adds: for
    single and scale, `table` (answer -> option, ranges included); for multi, the
    `ticked` choices' options; else `pick(answer)`'s; `miss`: the ranges alone."""

    id: str
    chain: Chain
    table: dict[str | int, Option] | None
    ticked: Ticked
    pick: Pick
    miss: Option


RuleCheck = tuple[Chain, str, frozenset[str]]


class Clause(NamedTuple):
    """One rule: its conditions (each with when its question is shown) and points."""

    all: tuple[RuleCheck, ...]
    any: tuple[RuleCheck, ...]
    at_least: int
    option: Option


@dataclass(frozen=True)
class Compiled:
    """A questionnaire's scoring as plain tables (see the module's docstring)."""

    entries: tuple[Entry, ...]
    clauses: tuple[Clause, ...]
    weights: tuple[float, float, float]
    strong_fit: int
    possible_fit: int
    floor: int
    knockout_cap: int
    hours: tuple[str, Chain] | None  # the monthly hours question, when there is one
    areas: tuple[str, Chain, tuple[str, ...]] | None  # the service areas and choices
    # _picked and _rules written out for these entries and clauses (`_written_out`)
    added: Callable[[Mapping[str, Any]], tuple[Packed, list[Flag], Packed]]
    # `reference` written out the same way, `added`'s steps included (`_written_score`)
    scored: Score

    def score(self, answers: Mapping[str, Any]) -> Scored:
        """The numbers `assess(questionnaire, answers)` gives."""
        return self.scored(answers)

    def reference(self, answers: Mapping[str, Any]) -> Scored:
        """What `scored` gives, step by step: the way to read it, and what it is held
        to (tests/unit/test_compiled_scoring.py)."""
        picked, flags, adjust = self.added(answers)
        # each field read with HALF added (see unpack): it cancels in differences
        pf, pc, pb, lf, lc, lb, hf, hc, hb = NINE.unpack(
            (picked + BIAS9).to_bytes(NINE.size, "little")
        )
        af, ac, ab = THREE.unpack((adjust + BIAS3).to_bytes(THREE.size, "little"))
        scores = (
            _bounded(_scale(pf, lf, hf) + af - HALF),
            _bounded(_scale(pc, lc, hc) + ac - HALF),
            _bounded(_scale(pb, lb, hb) + ab - HALF),
        )
        knockouts, cost = _knockouts_and_cost(flags) if flags else ((), 0)
        overall = self._overall(scores, cost, knockouts)
        if knockouts or overall < self.possible_fit:
            verdict = NOT_A_FIT
        else:
            verdict = STRONG_FIT if overall >= self.strong_fit else POSSIBLE_FIT
        return Scored(
            *scores, overall, verdict, len(flags), knockouts, *self._levers(answers)
        )

    def _overall(
        self, scores: tuple[int, int, int], cost: int, knockouts: tuple[str, ...]
    ) -> int:
        w = self.weights
        overall = round(scores[0] * w[0] + scores[1] * w[1] + scores[2] * w[2]) - cost
        if knockouts and overall > self.knockout_cap:
            overall = self.knockout_cap
        if self.strong_fit > 0 and min(scores) < self.floor:
            overall = min(overall, self.strong_fit - 1)
        return 0 if overall < 0 else 100 if overall > 100 else overall

    def _levers(self, answers: Mapping[str, Any]) -> tuple[int | None, int]:
        """(hours, areas) as facts.read_levers reads them from the shown answers."""
        hours = None
        if self.hours is not None:
            qid, chain = self.hours
            value = answers.get(qid)
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and shown(chain, answers)
            ):
                hours = int(value)
        areas = 0
        if self.areas is not None:
            qid, chain, values = self.areas
            value = answers.get(qid)
            if not _blank(value) and shown(chain, answers):
                chosen = list(value) if isinstance(value, list | tuple) else [value]
                areas = sum(1 for v in values if v in chosen)
        return hours, areas


def _knockouts_and_cost(flags: list[Flag]) -> tuple[tuple[str, ...], int]:
    return tuple(f[0] for f in flags if f[1]), sum(f[2] for f in flags)


KNOCKOUTS_REMEMBERED = 4096  # distinct lists of flags, per questionnaire


def _remember_knockouts_and_cost(
    known: dict[tuple[Flag, ...], tuple[tuple[str, ...], int]], flags: tuple[Flag, ...]
) -> tuple[tuple[str, ...], int]:
    found = _knockouts_and_cost(list(flags))
    if len(known) < KNOCKOUTS_REMEMBERED:
        known[flags] = found
    return found


def _blank(value: Any) -> bool:
    """facts.answer_by_role's unanswered."""
    return value is None or value == "" or value == [] or value == ()


def _scale(total: int, low: int, high: int) -> int:
    if high == low:
        return 50
    return round(100 * (total - low) / (high - low))


def _bounded(score: int) -> int:
    return 0 if score < 0 else 100 if score > 100 else score


def _picked(
    entries: tuple[Entry, ...], answers: Mapping[str, Any]
) -> tuple[Packed, list[Flag]]:
    """What the shown and answered scored questions add (points, lows, highs,
    packed), and the flags their options raise, in order."""
    get = answers.get
    total = 0
    flags: list[Flag] = []
    for qid, chain, table, ticked, pick, miss in entries:
        value = get(qid)
        if value is None or (chain and not shown(chain, answers)):
            continue
        if table is not None:  # single, scale: one choice, found by its value as text
            kind = type(value)
            if kind is str or kind is int:  # (a bool is not an int here)
                added, flag = table.get(value, miss)
            else:
                added, flag = _other_single(table, value, miss)
            total += added
            if flag:
                flags.append(flag)
        elif value != []:
            total += miss[0]
            for choice, (added, flag) in ticked or pick(value):
                if choice is None or choice in value:  # multi: each choice ticked
                    total += added
                    if flag:
                        flags.append(flag)
    return total, flags


def _other_single(table: dict[str | int, Option], value: Any, miss: Option) -> Option:
    """A single or scale answer neither text nor a whole number: none when a blank
    list (as `assess` skips it), else looked up as text."""
    return (0, None) if value == [] else table.get(str(value), miss)


def _met(checks: tuple[RuleCheck, ...], answers: Mapping[str, Any]) -> int:
    """How many of a rule's conditions hold on the shown answers (a hidden question's
    answer is none)."""
    met = 0
    for chain, qid, values in checks:
        if holds(values, answers.get(qid)):
            met += not chain or shown(chain, answers)
    return met


def _rules(
    clauses: tuple[Clause, ...], answers: Mapping[str, Any], flags: list[Flag]
) -> Packed:
    """The points (on the 0-100 scores, packed) of the rules that apply; their flags
    are added to `flags`."""
    adjust = 0
    get = answers.get
    for every, some, at_least, (added, flag) in clauses:
        for chain, qid, values in every:  # all must hold: the first that fails ends
            if not holds(values, get(qid)) or (chain and not shown(chain, answers)):
                break
        else:
            if at_least > 0 and _met(some, answers) < at_least:
                continue
            adjust += added
            if flag:
                flags.append(flag)
    return adjust


def _check(questionnaire: Questionnaire, qid: str, values: frozenset[str]) -> RuleCheck:
    """A rule's condition: a question that is not in the questionnaire is never shown."""
    question = questionnaire.question(qid)
    if question is None:
        return ((("", frozenset()),), qid, values)
    return (_chain(questionnaire, question), qid, values)


def _entry(
    questionnaire: Questionnaire,
    question: Question,
    ranges: tuple[tuple[str, int, int], ...],
) -> Entry:
    low = {dim: lo for dim, lo, _ in ranges}
    high = {dim: hi for dim, _, hi in ranges}
    packed = pack(
        (0, 0, 0, *(low[d] for d in DIMENSIONS), *(high[d] for d in DIMENSIONS))
    )
    single = question.type in ("single", "scale")
    return Entry(
        question.id,
        _chain(questionnaire, question),
        _by_value(question, packed) if single else None,
        _ticked(question) if question.type == "multi" else (),
        _pick_of(question),
        (packed, None),
    )


def _clause(questionnaire: Questionnaire, rule: Rule) -> Clause:
    return Clause(
        tuple(_check(questionnaire, c.question, c.values) for c in rule.all),
        tuple(_check(questionnaire, c.question, c.values) for c in rule.any),
        rule.at_least,
        _option(rule),
    )


def _packable(questionnaire: Questionnaire) -> bool:
    """Whether every packed sum stays within its field: no field can exceed every
    point of every option and rule, counted once as points and twice as ranges."""
    options: list[Choice | Band | Rule] = [*questionnaire.rules]
    for q in questionnaire.questions:
        options += [*q.choices, *q.bands]
    points = sum(abs(int(v)) for o in options for v in o.points.values())
    return 3 * points < HALF


def _build(questionnaire: Questionnaire) -> Compiled:
    if not _packable(questionnaire):
        raise ValueError(f"{questionnaire.version}: too many points to score packed")
    rules = questionnaire.scoring
    hours = questionnaire.by_role("monthly_hours")
    areas = questionnaire.by_role("service_areas")
    entries = tuple(
        _entry(questionnaire, q, ranges)
        for q, ranges in _scored_questions(questionnaire)
    )
    clauses = tuple(_clause(questionnaire, r) for r in questionnaire.rules)
    parts: dict[str, Any] = {
        "entries": entries,
        "clauses": clauses,
        "weights": (
            rules.weights[FIT],
            rules.weights[CHEMISTRY],
            rules.weights[BOUNDARIES],
        ),
        "strong_fit": rules.strong_fit,
        "possible_fit": rules.possible_fit,
        "floor": rules.dimension_floor,
        "knockout_cap": rules.knockout_cap,
        "hours": (hours.id, _chain(questionnaire, hours)) if hours else None,
        "areas": (
            (
                areas.id,
                _chain(questionnaire, areas),
                tuple(c.value for c in areas.choices),
            )
            if areas
            else None
        ),
    }
    return Compiled(
        **parts,
        added=_written_out(entries, clauses, questionnaire.version),
        scored=_written_score(parts, questionnaire.version),
    )


# ---- the loops written out ------------------------------------------------------------
#
# `_picked` then `_rules` over one questionnaire's entries and clauses do the same steps
# for every answer: `_written_out` writes those steps as one Python function, each entry
# and clause in turn, with its tables bound as constants (question ids through repr(),
# everything else by name from the namespace, never as source), so that scoring one
# answer is no loop, no unpacking, no call. The loops stay as the reference it is held
# to (tests/unit/test_compiled_scoring.py) and the way to read what it does.


class _Answers:
    """What the written-out function reads of the answers: each question's answer
    read once, at the top, into a local (`q0`, `q1`, ...), with its type (`q0t`)
    where a condition tests it and its items as text (`q0s`) where two or more
    conditions test a list. `tested`: how often each is tested, from a first pass
    over the same source (None in that first pass)."""

    def __init__(self, tested: Counter[str] | None = None) -> None:
        self.names: dict[str, str] = {}
        self.counted: Counter[str] = Counter()
        self.tested = tested

    def value(self, qid: str) -> str:
        return self.names.setdefault(qid, f"q{len(self.names)}")

    def held(self, qid: str, name: str) -> str:
        """`holds(values, answers.get(qid))` with `values` bound to `name`: text and
        a list of answers inline, the rest through `holds`."""
        q = self.value(qid)
        self.counted[qid] += 1
        several = self.tested is not None and self.tested[qid] >= 2
        items = f"{q}s" if several else f"map(str, {q})"
        return (
            f"({q} in {name} if {q}t is str "
            f"else (not {name}.isdisjoint({items})) if {q}t is list "
            f"else holds({name}, {q}))"
        )

    def header(self) -> list[str]:
        lines = [f"    {q} = get({qid!r})" for qid, q in self.names.items()]
        for qid, count in self.counted.items():
            q = self.names[qid]
            lines.append(f"    {q}t = type({q})")
            if count >= 2:
                lines.append(f"    {q}s = set(map(str, {q})) if {q}t is list else None")
        return lines


ANSWERS = "_answers"  # the _Answers in the namespace while the source is written


def _held_source(qid: str, name: str, namespace: dict[str, Any]) -> str:
    answers: _Answers = namespace[ANSWERS]
    return answers.held(qid, name)


def _shown_source(chain: Chain, name: str, namespace: dict[str, Any]) -> str:
    """` and ` each check of `shown(chain, answers)`, inline (nothing if none)."""
    tests = []
    for j, (qid, values) in enumerate(chain):
        namespace[f"{name}_{j}"] = values
        tests.append(_held_source(qid, f"{name}_{j}", namespace))
    return "".join(f" and {t}" for t in tests)


def _entry_source(i: int, entry: Entry, namespace: dict[str, Any]) -> list[str]:
    qid, chain, table, ticked, pick, miss = entry
    shown_if = _shown_source(chain, f"C{i}", namespace)
    namespace[f"M{i}"] = miss
    lines = [f"    v = {namespace[ANSWERS].value(qid)}"]
    if table is not None:
        namespace[f"T{i}"] = table
        return lines + [
            f"    if v is not None{shown_if}:",
            "        k = type(v)",
            f"        o = T{i}.get(v, M{i}) if k is str or k is int "
            f"else other(T{i}, v, M{i})",
            "        total += o[0]",
            "        if o[1]:",
            "            flags.append(o[1])",
        ]
    lines += [
        f"    if v is not None and v != []{shown_if}:",
        f"        total += M{i}[0]",
    ]
    for j, (value, (added, flag)) in enumerate(ticked):
        namespace[f"P{i}_{j}"], namespace[f"F{i}_{j}"] = added, flag
        lines += [f"        if {value!r} in v:", f"            total += P{i}_{j}"]
        lines += [f"            flags.append(F{i}_{j})"] if flag else []
    if not ticked:
        namespace[f"K{i}"] = pick
        lines += [
            f"        for _, (a, f) in K{i}(v):",
            "            total += a",
            "            if f:",
            "                flags.append(f)",
        ]
    return lines


def _condition_source(check: RuleCheck, name: str, namespace: dict[str, Any]) -> str:
    chain, qid, values = check
    namespace[name] = values
    held = _held_source(qid, name, namespace)
    return f"({held}{_shown_source(chain, name + 'c', namespace)})"


def _clause_source(r: int, clause: Clause, namespace: dict[str, Any]) -> list[str]:
    every, some, at_least, (added, flag) = clause
    namespace[f"A{r}"], namespace[f"RF{r}"] = added, flag
    tests = [_condition_source(c, f"V{r}_{k}", namespace) for k, c in enumerate(every)]
    if at_least > 0:
        counted = [
            _condition_source(c, f"W{r}_{k}", namespace) for k, c in enumerate(some)
        ]
        tests.append(f"({' + '.join(counted) or '0'}) >= {at_least}")
    lines = [f"    if {' and '.join(tests) or 'True'}:", f"        adjust += A{r}"]
    return lines + ([f"        flags.append(RF{r})"] if flag else [])


def _written_out(
    entries: tuple[Entry, ...], clauses: tuple[Clause, ...], version: str
) -> Callable[[Mapping[str, Any]], tuple[Packed, list[Flag], Packed]]:
    """One function giving what `_picked` and then `_rules` give, written out."""
    added: Callable[[Mapping[str, Any]], tuple[Packed, list[Flag], Packed]]
    added = _function(
        "added",
        lambda namespace: [
            *_body(entries, clauses, namespace),
            "    return total, flags, adjust",
        ],
        _namespace(),
        version,
    )
    return added


def _namespace() -> dict[str, Any]:
    return {"holds": holds, "other": _other_single}


def _body(
    entries: tuple[Entry, ...], clauses: tuple[Clause, ...], namespace: dict[str, Any]
) -> list[str]:
    """`_picked` then `_rules` as lines: `total`, `flags` and `adjust` as they give."""
    lines = ["    total = 0", "    adjust = 0", "    flags = []"]
    for i, entry in enumerate(entries):
        lines += _entry_source(i, entry, namespace)
    for r, clause in enumerate(clauses):
        lines += _clause_source(r, clause, namespace)
    return lines


def _function(
    name: str,
    write: Callable[[dict[str, Any]], list[str]],
    namespace: dict[str, Any],
    version: str,
) -> Any:
    """The function `name(answers)` whose body `write` gives (binding what it names
    in `namespace`), after the answers it reads (`_Answers`): written twice, the
    first time to count how often each answer is tested."""
    namespace[ANSWERS] = first = _Answers()
    write(namespace)
    namespace[ANSWERS] = answers = _Answers(first.counted)
    body = write(namespace)
    del namespace[ANSWERS]
    lines = [f"def {name}(answers):", "    get = answers.get", *answers.header(), *body]
    code = compile("\n".join(lines), f"<scoring of questionnaire {version}>", "exec")
    exec(code, namespace)  # the source above: ids through repr(), the rest by name
    return namespace[name]


def _written_score(
    parts: dict[str, Any], version: str
) -> Callable[[Mapping[str, Any]], Scored]:
    """`Compiled.reference` as one function: `added`'s lines, then the scores,
    overall, verdict and levers with this version's thresholds and questions bound,
    no call but the unpacking (tests/unit/test_compiled_scoring.py holds the two
    equal)."""
    namespace = _namespace()
    weights = parts["weights"]
    namespace.update(
        NINE=NINE.unpack,
        THREE=THREE.unpack,
        BIAS9=BIAS9,
        BIAS3=BIAS3,
        HALF=HALF,
        W0=weights[0],
        W1=weights[1],
        W2=weights[2],
        KC={},  # flags -> (knock-outs, cost): a few distinct lists of flags
        remember=_remember_knockouts_and_cost,
        NUMBER=(int, float),
        SEVERAL=(list, tuple),
        new=tuple.__new__,
        Scored=Scored,
    )

    def write(namespace: dict[str, Any]) -> list[str]:
        return [
            *_body(parts["entries"], parts["clauses"], namespace),
            *_scores_source(),
            *_verdict_source(parts, namespace),
            *_levers_source(parts["hours"], parts["areas"], namespace),
            "    return new(Scored, (sf, sc, sb, overall, verdict, len(flags), knockouts,"
            " hours, areas))",
        ]

    scored: Callable[[Mapping[str, Any]], Scored]
    scored = _function("scored", write, namespace, version)
    return scored


def _scores_source() -> list[str]:
    """Lines unpacking the summed points and setting the three scores sf, sc, sb."""
    lines = [
        "    pf, pc, pb, lf, lc, lb, hf, hc, hb = NINE(",
        f"        (total + BIAS9).to_bytes({NINE.size}, 'little')",
        "    )",
        f"    af, ac, ab = THREE((adjust + BIAS3).to_bytes({THREE.size}, 'little'))",
    ]
    for dim in "fcb":  # _bounded(_scale(p, l, h) + a - HALF): HALF cancels in p - l
        lines += [
            f"    s{dim} = (50 if h{dim} == l{dim} "
            f"else round(100 * (p{dim} - l{dim}) / (h{dim} - l{dim}))) + a{dim} - HALF",
            f"    s{dim} = 0 if s{dim} < 0 else 100 if s{dim} > 100 else s{dim}",
        ]
    return lines


def _verdict_source(parts: dict[str, Any], namespace: dict[str, Any]) -> list[str]:
    """Lines setting knockouts, overall and verdict with this version's thresholds
    (bound into `namespace`)."""
    strong = parts["strong_fit"]
    namespace.update(
        CAP=parts["knockout_cap"],
        FLOOR=parts["floor"],
        BELOW_STRONG=strong - 1,
        STRONG=strong,
        POSSIBLE=parts["possible_fit"],
        NOT_A_FIT=NOT_A_FIT,
        STRONG_FIT=STRONG_FIT,
        POSSIBLE_FIT=POSSIBLE_FIT,
    )
    lines = [
        "    if flags:",
        "        knockouts, cost = KC.get(key := tuple(flags)) or remember(KC, key)",
        "    else:",
        "        knockouts, cost = (), 0",
        "    overall = round(sf * W0 + sc * W1 + sb * W2) - cost",
        "    if knockouts and overall > CAP:",
        "        overall = CAP",
    ]
    if strong > 0:  # min(scores) < floor caps the overall below a strong fit
        lines += [
            "    if (sf < FLOOR or sc < FLOOR or sb < FLOOR) and overall > BELOW_STRONG:",
            "        overall = BELOW_STRONG",
        ]
    return lines + [
        "    overall = 0 if overall < 0 else 100 if overall > 100 else overall",
        "    if knockouts or overall < POSSIBLE:",
        "        verdict = NOT_A_FIT",
        "    elif overall >= STRONG:",
        "        verdict = STRONG_FIT",
        "    else:",
        "        verdict = POSSIBLE_FIT",
    ]


def _levers_source(
    hours: tuple[str, Chain] | None,
    areas: tuple[str, Chain, tuple[str, ...]] | None,
    namespace: dict[str, Any],
) -> list[str]:
    """`Compiled._levers` as lines setting `hours` and `areas`."""
    lines = ["    hours = None", "    areas = 0"]
    if hours is not None:
        qid, chain = hours
        lines += [
            f"    v = {namespace[ANSWERS].value(qid)}",
            "    kind = type(v)",
            "    if (kind is int or kind is float or (kind is not bool and "
            f"isinstance(v, NUMBER))){_shown_source(chain, 'HC', namespace)}:",
            "        hours = int(v)",
        ]
    if areas is not None:
        qid, chain, values = areas
        counted = " + ".join(f"({v!r} in chosen)" for v in values) or "0"
        lines += [
            f"    v = {namespace[ANSWERS].value(qid)}",
            "    if not (v is None or v == '' or v == [] or v == ())"
            f"{_shown_source(chain, 'AC', namespace)}:",
            "        kind = type(v)",
            "        chosen = v if kind is list else list(v) "
            "if isinstance(v, SEVERAL) else [v]",
            f"        areas = {counted}",
        ]
    return lines


def compiled(questionnaire: Questionnaire) -> Compiled:
    """The questionnaire's scoring tables, built once per questionnaire."""
    return questionnaire.memo("scoring.compiled", lambda: _build(questionnaire))


def score(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Scored:
    """The numbers `assess` gives for the answers, without the explanation."""
    return compiled(questionnaire).scored(answers)
