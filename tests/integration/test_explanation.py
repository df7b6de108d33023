"""The explanation of a submission's scores is no longer stored (issue 27): computed
when a page shows it, from the answers and the submission's own questionnaire version,
it is byte for byte what was stored before (submissions.explanation_of).

- tests/data/explanations-2027.01.json holds what the code before issue 27 stored
  (`assess(...).to_dict()` at main c7d1669) for every persona under the previous
  version, tests/data/questionnaire-2027.01.toml;
- under the active version and versions made with the editor's operations, what the
  code before wrote (`assess(...).to_dict()` through the column's JSON type) is read
  back as the database's text and compared with the explanation computed now;
- a row whose explanation was stored before shows it until `flask rescore` empties it,
  and its page's "Scores and why" is the same before and after.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake import registry, submissions
from intake.models import Submission
from intake.practice_store import current_practice
from intake.questionnaire import editing
from intake.questionnaire.schema import Questionnaire, load_questionnaire
from intake.questionnaire.scoring import assess
from tests.factories import make_submission
from tests.personas import PERSONAS

DATA = Path(__file__).resolve().parents[1] / "data"
BEFORE = json.loads((DATA / "explanations-2027.01.json").read_text(encoding="utf-8"))


def _under(db, questionnaire: Questionnaire, persona: str, **stored) -> Submission:
    """A submission of the persona answered (and scored) under `questionnaire`, its
    text stored as the registry stores every version a submission was answered under."""
    registry.ensure_stored(questionnaire)
    s = make_submission(persona=persona)
    s.questionnaire_digest = questionnaire.digest
    s.questionnaire_version = questionnaire.version
    submissions.score(s, questionnaire, current_practice())
    for column, value in stored.items():
        setattr(s, column, value)
    db.session.commit()
    return s


def _stored_text(db, submission_id: int) -> str | None:
    return db.session.scalar(
        sa.select(sa.cast(Submission.assessment, sa.Text)).where(
            Submission.id == submission_id
        )
    )


def _edited_versions() -> dict[str, Questionnaire]:
    """Versions a consultant could publish from the editor (its own operations)."""
    shipped = registry.shipped().source

    def knockout_choice(text: str) -> str:
        data = editing.load(text)
        step, i = editing.find_question(data, "engagement")
        q = step["questions"][i]
        fields = {k: q.get(k) for k in editing.QUESTION_FIELDS}
        fields["choices"] = [{**c, "_was": c["value"]} for c in q["choices"]]
        fields["choices"].append(
            {
                "_was": "",
                "value": "retainer",
                "label": "A small retainer",
                "fit": 5,
                "flag": "Wants a retainer; we do not work on retainer",
                "knockout": True,
            }
        )
        return editing.edited(text, editing.set_question, "engagement", fields)

    def rule_removed(text: str) -> str:
        return editing.edited(
            text, editing.remove_rule, editing.load(text)["rules"][0]["id"]
        )

    return {
        "a knock-out choice": editing.check(knockout_choice(shipped)),
        "a rule removed": editing.check(rule_removed(shipped)),
    }


def test_under_the_previous_version_every_persona_is_explained_as_stored_before(db):
    previous = load_questionnaire(DATA / "questionnaire-2027.01.toml")
    assert previous.digest == BEFORE["digest"]
    for name, stored_before in BEFORE["explanations"].items():
        s = _under(db, previous, name)
        assert _stored_text(db, s.id) is None  # nothing stored now
        db.session.expire_all()
        again = db.session.get(Submission, s.id)
        assert json.dumps(submissions.explanation_of(again)) == json.dumps(
            stored_before
        ), name
        assert (again.overall, again.verdict) == (
            stored_before["overall"],
            stored_before["verdict"],
        )


@pytest.mark.parametrize("version", ["active", "a knock-out choice", "a rule removed"])
def test_every_persona_is_explained_as_the_code_before_stored_it(db, version):
    """What the code before wrote (its explanation through the JSON column), read
    back as the database's text, is the computed explanation's JSON, byte for byte."""
    questionnaire = (
        registry.active() if version == "active" else _edited_versions()[version]
    )
    for name, answers in PERSONAS.items():
        s = _under(db, questionnaire, name)
        computed = submissions.explanation_of(s)
        legacy = _under(
            db, questionnaire, name, assessment=assess(questionnaire, answers).to_dict()
        )
        assert json.dumps(computed) == _stored_text(db, legacy.id), name
        assert submissions.explanation_of(legacy) == computed
        assert submissions.assessment_of(s) == submissions.assessment_of(legacy)


def _scores_section(page: str) -> str:
    found = re.search(r'<section class="panel" id="scores".*?</section>', page, re.S)
    assert found, "no Scores and why section"
    return found.group(0)


@pytest.mark.parametrize("persona", ["strategic_collaborator", "one_off_project"])
def test_a_stored_explanation_shows_the_same_after_rescore_empties_it(
    db, signed_in, runner, persona
):
    previous = load_questionnaire(DATA / "questionnaire-2027.01.toml")
    stored = BEFORE["explanations"][persona]
    s = _under(db, previous, persona, assessment=stored)
    page = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert stored["reasons"][0]["question"] in _scores_section(page)

    result = runner.invoke(args=["rescore"])

    assert result.output == "Re-scored 1 submissions; 1 changed.\n"
    assert _stored_text(db, s.id) is None
    again = signed_in.get(f"/workspace/submissions/{s.id}").get_data(as_text=True)
    assert _scores_section(again) == _scores_section(page)
    assert runner.invoke(args=["rescore"]).output.endswith("; 0 changed.\n")


def test_rescore_under_another_version_stores_that_explanation(db, runner):
    """`rescore --current` scores a row of the previous version under the active one:
    its own version could not explain those scores, so the explanation is stored."""
    previous = load_questionnaire(DATA / "questionnaire-2027.01.toml")
    s = _under(db, previous, "needy_always_on")
    assert runner.invoke(args=["rescore", "--current"]).exit_code == 0
    db.session.expire_all()
    again = db.session.get(Submission, s.id)
    expected = assess(registry.active(), again.answers).to_dict()
    assert again.assessment == expected
    assert submissions.explanation_of(again) == expected
    assert expected["version"] != previous.version
    # scored under its own version again: the stored one is emptied
    assert runner.invoke(args=["rescore"]).output.endswith("; 1 changed.\n")
    assert _stored_text(db, s.id) is None


def test_a_submissions_page_and_its_proposal_score_the_answers_once(
    db, signed_in, monkeypatch
):
    """The page, its recommendation and the proposal preview each ask for the
    assessment: the answers are scored once per request, and again only when they
    are replaced."""
    s = make_submission(persona="strategic_collaborator")
    db.session.commit()
    submission_id = s.id
    calls = []

    def counted(questionnaire, answers):
        calls.append(answers)
        return assess(questionnaire, answers)

    monkeypatch.setattr(submissions, "assess", counted)
    for path in ("", "/proposal"):
        db.session.expire_all()  # each request reads its own row, as in production
        calls.clear()
        page = signed_in.get(f"/workspace/submissions/{submission_id}{path}")
        assert page.status_code == 200 and len(calls) == 1, path
    db.session.expire_all()
    s = db.session.get(Submission, submission_id)
    calls.clear()
    first = submissions.assessment_of(s)
    assert submissions.assessment_of(s) is first and len(calls) == 1
    s.answers = {**s.answers, "engagement": "tasks"}  # replaced: scored again
    again = submissions.assessment_of(s)
    assert len(calls) == 2 and again is not first
    assert submissions.explanation_of(s) == again.to_dict() and len(calls) == 2
