"""The outcome statistics on known inputs: the Wilson interval, the report's findings
and thresholds, and the suggested point changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from intake.outcomes import report as r
from intake.outcomes.due import add_months, due_check_in
from intake.outcomes.stats import Share, wilson_interval
from intake.outcomes.suggest import (
    PointChange,
    _change,
    step_for,
    suggest_point_changes,
)
from intake.questionnaire.schema import load_questionnaire

DEFAULT = Path(__file__).resolve().parents[2] / "intake/questionnaire/default.toml"


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(DEFAULT)


# Reference values: R's prop.test(x, n, correct = FALSE)$conf.int and
# binom::binom.confint(x, n, methods = "wilson"), to 4 places
@pytest.mark.parametrize(
    "good,n,low,high",
    [
        (8, 10, 0.4902, 0.9433),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (5, 10, 0.2366, 0.7634),
        (50, 100, 0.4038, 0.5962),
        (1, 2, 0.0945, 0.9055),
    ],
)
def test_wilson_interval_matches_known_figures(good, n, low, high):
    got = wilson_interval(good, n)
    assert (round(got[0], 4), round(got[1], 4)) == (low, high)


def test_wilson_of_nobody_is_the_whole_range_and_nonsense_is_refused():
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
    with pytest.raises(ValueError):
        wilson_interval(-1, 2)


def test_share_of_nobody_has_no_share():
    assert (Share(0, 0).share, Share(0, 0).width, Share(3, 4).poor) == (None, 1.0, 1)


def _at(day):
    return dt.datetime(2026, 1, day, tzinfo=dt.UTC)


def test_the_latest_outcome_is_the_furthest_check_in_then_the_last_recorded():
    rows = [
        r.OutcomeRow(1, 6, "fine", _at(1)),
        r.OutcomeRow(1, 3, "thriving", _at(9)),  # recorded later, earlier check-in
        r.OutcomeRow(2, 3, "fine", _at(1)),
        r.OutcomeRow(2, 3, "struggled", _at(2)),  # the same check-in, corrected
    ]
    latest = r.latest_per_client(rows)
    assert {k: v.rating for k, v in latest.items()} == {1: "fine", 2: "struggled"}


def _client(rating, demo=False, scores=None, **answers):
    return r.ClientRecord(answers, scores or {}, rating, demo)


def test_too_few_outcomes_say_so_with_how_many_more(questionnaire):
    clients = [_client("fine")] * 5 + [_client("struggled")] * 2
    report = r.build_report(questionnaire, clients)
    assert (report.is_enough, report.more_needed) == (False, 13)
    assert report.not_enough_words == (
        "The report needs outcomes for at least 20 clients, with at least 5 good "
        "(thriving or fine) and 5 poor (struggled or ended early) among them. "
        "So far 7 clients with an outcome (5 good, 2 poor). Outcomes for 13 more "
        "clients are needed, including at least 3 more poor."
    )
    assert suggest_point_changes(questionnaire, report) == ()


def test_enough_clients_but_all_good_still_is_not_enough(questionnaire):
    report = r.build_report(questionnaire, [_client("thriving")] * 30)
    assert (report.is_enough, report.more_needed) == (False, 5)
    assert report.not_enough_words.endswith(
        "Outcomes for 5 more clients are needed, including at least 5 more poor."
    )


def test_no_outcomes_at_all(questionnaire):
    report = r.build_report(questionnaire, [])
    assert report.more_needed == 20
    assert "So far 0 clients with an outcome." in report.not_enough_words


def _stance_clients():
    """40 clients: collaborators 18 of 20 good, pair of hands 6 of 20; overall 24/40."""
    return (
        [_client("thriving", stance="collaborator")] * 18
        + [_client("struggled", stance="collaborator")] * 2
        + [_client("fine", stance="pair_of_hands")] * 6
        + [_client("ended_early", stance="pair_of_hands")] * 14
    )


def test_findings_against_the_overall_share(questionnaire):
    report = r.build_report(questionnaire, _stance_clients())
    assert report.is_enough and report.not_enough_words == ""
    assert report.total == Share(24, 40)
    (stance,) = [g for g in report.questions if g.key == "stance"]
    by_value = {row.key: (row.tally, row.finding) for row in stance.rows}
    assert by_value == {
        "pair_of_hands": (Share(6, 20), r.BELOW),  # [0.145, 0.519] < 0.6
        "collaborator": (Share(18, 20), r.ABOVE),  # [0.699, 0.972] > 0.6
        "expert": (Share(0, 0), r.TOO_FEW),
    }
    assert stance.answered == 40
    # nobody answered the other questions: they are left out
    assert [g.key for g in report.questions] == ["stance"]


def test_a_wide_interval_or_a_handful_is_too_few_to_say():
    assert r.finding(Share(4, 4), 0.2) == r.TOO_FEW  # n < 5, though [0.51, 1] > 0.2
    assert r.finding(Share(3, 5), 0.1) == r.TOO_FEW  # [0.23, 0.88]: width 0.65
    assert r.finding(Share(9, 10), 0.5) == r.ABOVE  # [0.596, 0.982], width 0.39
    assert r.finding(Share(6, 10), 0.5) == r.TOO_FEW  # [0.31, 0.83]: width 0.52
    assert r.finding(Share(12, 20), 0.5) == r.UNCLEAR  # [0.39, 0.78]


def test_multi_choices_count_each_ticked_choice(questionnaire):
    clients = [_client("fine", review_cadence=["weekly", "monthly"])] * 10 + [
        _client("struggled", review_cadence=["none"])
    ] * 10
    report = r.build_report(questionnaire, clients)
    (cadence,) = report.questions
    tallies = {row.key: row.tally for row in cadence.rows}
    assert tallies["weekly"] == tallies["monthly"] == Share(10, 10)
    assert (tallies["none"], tallies["quarterly"]) == (Share(0, 10), Share(0, 0))


def test_scores_are_banded_per_dimension(questionnaire):
    clients = [
        _client("fine", scores={"fit": 80, "chemistry": 39, "boundaries": None}),
        _client("struggled", scores={"fit": 75, "chemistry": 40}),
        _client("thriving", scores={"fit": 59}),
    ]
    report = r.build_report(questionnaire, clients)
    fit, chemistry, boundaries, overall = report.dimensions
    assert [(row.key, row.tally) for row in fit.rows] == [
        ("under 40", Share(0, 0)),
        ("40–59", Share(1, 1)),
        ("60–74", Share(0, 0)),
        ("75 and over", Share(1, 2)),
    ]
    assert [row.tally.n for row in chemistry.rows] == [1, 1, 0, 0]
    assert (boundaries.answered, overall.answered, fit.label) == (0, 0, "Fit score")


def test_demo_data_is_flagged_in_the_report(questionnaire):
    assert r.build_report(questionnaire, [_client("fine", demo=True)]).includes_demo
    assert not r.build_report(questionnaire, [_client("fine")]).includes_demo


def test_suggestions_raise_above_and_lower_below(questionnaire):
    report = r.build_report(questionnaire, _stance_clients())
    changes = suggest_point_changes(questionnaire, report)
    assert [c[:5] for c in changes] == [
        ("stance", "pair_of_hands", "chemistry", -10, -12),
        ("stance", "collaborator", "chemistry", 10, 12),
    ]
    assert changes[1].reason == (
        "18 of 20 clients who chose “They weigh it up and we decide together” had a "
        "good outcome (90%, likely between 70% and 97%); 60% of all 40 clients did."
    )
    assert isinstance(changes[0], PointChange) and isinstance(changes[0], tuple)


def test_a_choice_worth_nothing_moves_on_its_questions_dimension(questionnaire):
    # "not_sure" scores nothing; the engagement question scores mostly on fit
    clients = [_client("fine", engagement="not_sure")] * 20 + [
        _client("ended_early", engagement="ongoing")
    ] * 20
    changes = suggest_point_changes(
        questionnaire, r.build_report(questionnaire, clients)
    )
    assert [c[:5] for c in changes] == [
        ("engagement", "ongoing", "fit", 10, 4),  # equal steps: in the file's order
        ("engagement", "not_sure", "fit", 0, 6),
    ]


def test_an_unscored_question_gets_no_suggestion(questionnaire):
    clients = [_client("fine", current_help=["team"])] * 20 + [
        _client("ended_early", current_help=["nobody"])
    ] * 20
    report = r.build_report(questionnaire, clients)
    (group,) = report.questions
    assert {row.key: row.finding for row in group.rows}["team"] == r.ABOVE
    assert suggest_point_changes(questionnaire, report) == ()


def test_the_step_grows_with_the_margin_within_limits():
    assert [step_for(m) for m in (0.01, 0.1, 0.14, 0.2, 0.26, 0.9)] == [
        2,
        2,
        2,
        4,
        6,
        6,
    ]


def test_points_stay_within_the_questionnaires_limit(questionnaire):
    report = r.build_report(questionnaire, _stance_clients())
    question = questionnaire.question("stance")
    row = next(
        row for g in report.questions for row in g.rows if row.key == "collaborator"
    )
    capped = _change(question, row, report)
    assert capped.suggested_points <= 20


CAUSAL = ("because", "cause", "predict", "leads to", "drive", "makes ", "due to")


def test_no_causal_words_in_what_the_report_says(questionnaire):
    report = r.build_report(questionnaire, _stance_clients())
    said = [*r.FINDING_WORDS.values(), report.not_enough_words]
    said += [c.reason for c in suggest_point_changes(questionnaire, report)]
    said.append(r.build_report(questionnaire, []).not_enough_words)
    assert [s for s in said for w in CAUSAL if w in s.lower()] == []


# ---- when a check-in is due --------------------------------------------------------

WON = dt.datetime(2026, 1, 31, 10, 0, tzinfo=dt.UTC)


def test_months_are_added_to_the_calendar_day_or_the_months_last():
    assert add_months(WON, 1) == dt.datetime(2026, 2, 28, 10, 0, tzinfo=dt.UTC)
    assert add_months(WON, 12) == dt.datetime(2027, 1, 31, 10, 0, tzinfo=dt.UTC)
    assert add_months(dt.datetime(2027, 11, 30, tzinfo=dt.UTC), 3).date() == dt.date(
        2028, 2, 29
    )


@pytest.mark.parametrize(
    "now,recorded,ended,expected",
    [
        (dt.datetime(2026, 4, 30, tzinfo=dt.UTC), [], False, None),  # not yet 3 months
        (dt.datetime(2026, 5, 1, tzinfo=dt.UTC), [], False, (3, "2026-04-30")),
        (dt.datetime(2026, 5, 1, tzinfo=dt.UTC), [3], False, None),
        # the 3-month one missed: only the 6-month one is asked for
        (dt.datetime(2026, 8, 1, tzinfo=dt.UTC), [], False, (6, "2026-07-31")),
        (dt.datetime(2026, 8, 1, tzinfo=dt.UTC), [3], False, (6, "2026-07-31")),
        (dt.datetime(2027, 3, 1, tzinfo=dt.UTC), [3, 6], False, (12, "2027-01-31")),
        (dt.datetime(2027, 3, 1, tzinfo=dt.UTC), [12], False, None),
        (dt.datetime(2027, 3, 1, tzinfo=dt.UTC), [3], True, None),  # ended early
    ],
)
def test_the_check_in_due_is_the_latest_passed_and_not_recorded(
    now, recorded, ended, expected
):
    due = due_check_in(WON, recorded, now, ended=ended)
    got = None if due is None else (due[0], due[1].date().isoformat())
    assert got == expected
