"""The editor's pure operations: each edit of the draft's data, written back as TOML,
parses under the loader rules of the shipped file (or is refused with its reason);
suggested point changes; the sample prospects scored under two versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from intake.questionnaire import comparison, editing, samples
from intake.questionnaire.errors import DefinitionError
from intake.questionnaire.schema import parse_questionnaire

SHIPPED = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
).read_text(encoding="utf-8")


def data():
    return editing.load(SHIPPED)


def test_the_shipped_file_written_back_is_the_same_questionnaire():
    before = parse_questionnaire(SHIPPED, source="file")
    after = editing.check(editing.dump(data()))
    assert after.version == before.version
    assert [q.id for q in after.questions] == [q.id for q in before.questions]
    assert [
        (c.value, dict(c.points), c.flag, c.knockout, c.cost)
        for q in after.questions
        for c in q.choices
    ] == [
        (c.value, dict(c.points), c.flag, c.knockout, c.cost)
        for q in before.questions
        for c in q.choices
    ]
    assert after.rules == before.rules
    assert after.scoring == before.scoring


def test_rewording_a_question_keeps_what_the_page_does_not_edit():
    text = editing.edited(
        SHIPPED,
        editing.set_question,
        "engagement",
        {
            **_fields_of("engagement"),
            "label": "What kind of help would suit you?",
        },
    )
    question = editing.check(text).question("engagement")
    shipped = parse_questionnaire(SHIPPED, source="file").question("engagement")
    assert question.label == "What kind of help would suit you?"
    assert question.role == shipped.role
    assert [dict(c.meta) for c in question.choices] == [
        dict(c.meta) for c in shipped.choices
    ]


def _fields_of(question_id: str) -> dict:
    d = data()
    step, i = editing.find_question(d, question_id)
    q = step["questions"][i]
    return {
        **{k: q.get(k) for k in editing.QUESTION_FIELDS},
        "choices": [{**c, "_was": c["value"]} for c in q.get("choices", [])],
    }


def test_a_new_choice_worth_points_is_scored():
    fields = _fields_of("engagement")
    fields["choices"].append(
        {"_was": "", "value": "retainer", "label": "A small retainer", "fit": 7}
    )
    text = editing.edited(SHIPPED, editing.set_question, "engagement", fields)
    choice = editing.check(text).question("engagement").choice("retainer")
    assert (choice.label, dict(choice.points)) == ("A small retainer", {"fit": 7})


def test_a_choice_renamed_keeps_its_meta_and_its_conditions_follow_a_renamed_question():
    fields = _fields_of("review_cadence")
    fields["id"] = "reviews"
    text = editing.edited(SHIPPED, editing.set_question, "review_cadence", fields)
    questionnaire = editing.check(text)
    assert questionnaire.question("review_cadence") is None
    assert any("reviews" in r.questions for r in questionnaire.rules)


def test_a_duplicate_choice_value_is_refused_with_where_and_why():
    fields = _fields_of("engagement")
    fields["choices"][1]["value"] = fields["choices"][0]["value"]
    with pytest.raises(DefinitionError) as refused:
        editing.edited(SHIPPED, editing.set_question, "engagement", fields)
    assert refused.value.where == "question 'engagement' choice 2"
    assert "is used twice" in refused.value.problem


def test_a_knockout_without_a_reason_is_refused():
    fields = _fields_of("engagement")
    fields["choices"][0]["knockout"] = True
    fields["choices"][0]["flag"] = ""
    with pytest.raises(DefinitionError, match="needs a 'flag'"):
        editing.edited(SHIPPED, editing.set_question, "engagement", fields)


def test_steps_and_questions_are_added_moved_and_removed():
    d = data()
    step_id = editing.add_step(d, "Extra")
    question_id = editing.add_question(d, step_id, "Anything else?")
    editing.move_step(d, step_id, -1)
    questionnaire = editing.check(editing.dump(d))
    assert [s.id for s in questionnaire.steps][-2] == step_id
    assert [q.id for q in questionnaire.step(step_id).questions][-1] == question_id
    editing.move_question(d, question_id, -1)
    assert editing.check(editing.dump(d)).step(step_id).questions[0].id == question_id
    editing.remove_step(d, step_id)
    assert editing.check(editing.dump(d)).step(step_id) is None


def test_removing_a_question_a_rule_needs_is_refused():
    with pytest.raises(DefinitionError, match="review_cadence"):
        editing.edited(SHIPPED, editing.remove_question, "review_cadence")


def test_an_unknown_id_is_an_edit_error():
    with pytest.raises(editing.EditError, match="no question 'nope'"):
        editing.edited(SHIPPED, editing.remove_question, "nope")


def test_a_rule_is_added_changed_and_removed():
    d = data()
    rule_id = editing.add_rule(d, "engagement", "ongoing")
    editing.set_rule(
        d,
        rule_id,
        {
            "id": rule_id,
            "label": "want ongoing help and review monthly",
            "all": [
                {"question": "engagement", "in": ["ongoing"]},
                {"question": "review_cadence", "in": ["monthly"]},
            ],
            "chemistry": 3,
        },
    )
    rule = next(r for r in editing.check(editing.dump(d)).rules if r.id == rule_id)
    assert dict(rule.points) == {"chemistry": 3}
    assert len(rule.all) == 2
    editing.remove_rule(d, rule_id)
    assert rule_id not in {r.id for r in editing.check(editing.dump(d)).rules}


def test_a_rule_named_once_the_last_rule_is_gone_is_refused_with_its_reason():
    """A stale page posts for a rule after the draft's last one was removed (the draft
    then has no `rules` key at all): found by the form fuzzing as a KeyError (500)."""
    d = data()
    for rule_id in [r["id"] for r in d["rules"]]:
        editing.remove_rule(d, rule_id)
    assert "rules" not in d
    first = editing.load(SHIPPED)["rules"][0]["id"]
    with pytest.raises(editing.EditError, match=f"no rule '{first}'"):
        editing.remove_rule(d, first)
    with pytest.raises(editing.EditError, match=f"no rule '{first}'"):
        editing.set_rule(d, first, {"id": first, "label": "x", "fit": 1})


def test_apply_point_changes():
    text = editing.apply_point_changes(
        SHIPPED,
        [("engagement", "ongoing", "fit", 12), ("engagement", "tasks", "fit", 0)],
    )
    question = editing.check(text).question("engagement")
    assert question.choice("ongoing").points["fit"] == 12
    assert "fit" not in question.choice("tasks").points
    with pytest.raises(editing.EditError, match="no choice 'nope'"):
        editing.apply_point_changes(SHIPPED, [("engagement", "nope", "fit", 1)])
    with pytest.raises(editing.EditError, match="from -20 to 20"):
        editing.apply_point_changes(SHIPPED, [("engagement", "ongoing", "fit", 40)])


def test_next_version_is_todays_date_not_yet_taken():
    today = dt.date(2027, 3, 4)
    assert editing.next_version("2027.02", today) == "2027.03.04"
    assert editing.next_version("2027.03.04", today, {"2027.03.04-2"}) == "2027.03.04-3"


def test_split_values():
    assert editing.split_values(" ongoing, not_sure  tasks,") == [
        "ongoing",
        "not_sure",
        "tasks",
    ]


def test_the_samples_move_when_their_answers_are_worth_less():
    before = parse_questionnaire(SHIPPED, source="file")
    worse = editing.check(
        editing.apply_point_changes(
            SHIPPED,
            [
                ("engagement", "ongoing", "fit", -20),
                ("stance", "collaborator", "chemistry", -20),
            ],
        )
    )
    moves = comparison.moves(before, worse, samples.PERSONAS)
    assert len(moves) == len(samples.PERSONAS)
    strategic = next(m for m in moves if m.name == "strategic_collaborator")
    assert strategic.overall_after < strategic.overall_before
    assert moves[0].verdict_moved  # verdict changes are listed first
    same = comparison.moves(before, before, samples.PERSONAS)
    assert not any(m.verdict_moved or m.delta for m in same)


def test_a_sample_whose_answer_the_draft_would_refuse_is_scored_without_it():
    before = parse_questionnaire(SHIPPED, source="file")
    d = data()
    step, i = editing.find_question(d, "needs_summary")
    step["questions"][i] = {  # the text answer is no number
        "id": "needs_summary",
        "type": "number",
        "label": "How many people work with you?",
        "min": 0,
        "max": 10,
        "bands": [{"below": 5, "fit": -5}, {"fit": 5}],
    }
    changed = editing.check(editing.dump(d))
    moves = comparison.moves(before, changed, samples.PERSONAS)
    assert len(moves) == len(samples.PERSONAS)
