"""A submission's derived columns stay in step with the domain (intake.submissions)."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from intake.models import Submission
from intake.practice_store import current_practice, save_practice
from tests.conftest import sign_in
from tests.personas import PERSONAS


def _rename_packages(db, suffix: str) -> None:
    """Change the practice's packages as the settings page does: store new ones."""
    practice = current_practice()
    packages = tuple(
        dataclasses.replace(p, name=f"{p.name} {suffix}") for p in practice.packages
    )
    save_practice(dataclasses.replace(practice, packages=packages))
    db.session.commit()


def _csv_package(client) -> str:
    rows = list(csv.reader(io.StringIO(client.get("/workspace/export.csv").text)))
    return rows[1][rows[0].index("package")]


def test_rescore_after_changing_packages_shows_the_new_package_everywhere(
    wizard, runner, db, client, consultant
):
    wizard.complete(PERSONAS["strategic_collaborator"])
    submission = db.session.scalars(db.select(Submission)).one()
    old = submission.package_name
    assert old in {p.name for p in current_practice().packages}
    _rename_packages(db, "2027")
    new = f"{old} 2027"
    sign_in(client)
    assert _csv_package(client) == old  # stored when submitted, until re-scored

    result = runner.invoke(args=["rescore"])

    assert result.output == "Re-scored 1 submissions; 1 changed.\n"
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).package_name == new
    listing = client.get("/workspace/").text
    assert f'<td class="c-package">{new}</td>' in listing
    assert f"{old}</td>" not in listing
    detail = client.get(f"/workspace/submissions/{submission.id}").text
    assert f"We recommend <strong>{new}</strong>" in detail
    assert _csv_package(client) == new


def test_rescore_without_changes_changes_nothing(wizard, runner, db):
    wizard.complete(PERSONAS["strategic_collaborator"])
    result = runner.invoke(args=["rescore"])
    assert result.output == "Re-scored 1 submissions; 0 changed.\n"


def test_a_submission_scored_on_submit_equals_one_rescored(wizard, runner, db):
    """submit and rescore write the same columns with the same values."""
    wizard.complete(PERSONAS["strategic_collaborator"])
    submission = db.session.scalars(db.select(Submission)).one()
    columns = ("fit", "chemistry", "boundaries", "overall", "verdict", "flag_count")
    submitted = {c: getattr(submission, c) for c in columns}
    submitted["package_name"] = submission.package_name
    for column in columns:
        setattr(submission, column, 0 if column == "flag_count" else None)
    submission.package_name = None
    db.session.commit()
    assert runner.invoke(args=["rescore"]).output.endswith("; 1 changed.\n")
    db.session.expire_all()
    again = db.session.get(Submission, submission.id)
    assert {c: getattr(again, c) for c in submitted} == submitted
    assert submitted["package_name"] and submitted["flag_count"] == 0
    assert submitted["verdict"] == "strong fit"


def _scored_one_by_one(questionnaire, answers, practice) -> dict:
    """The columns the first rescore wrote, spelled out as it computed them: the
    reference scoring (`assess`), the whole recommendation for its package; the
    explanation no longer stored (issue 27), the knock-outs' reasons for the list."""
    from intake.proposal.recommendation import recommend
    from intake.questionnaire.scoring import assess

    a = assess(questionnaire, answers)
    package = recommend(
        questionnaire=questionnaire, answers=answers, assessment=a, practice=practice
    ).package
    return {
        "fit": a.scores["fit"],
        "chemistry": a.scores["chemistry"],
        "boundaries": a.scores["boundaries"],
        "overall": a.overall,
        "verdict": a.verdict,
        "flag_count": len(a.flags),
        "knockouts": [f.reason for f in a.flags if f.knockout] or None,
        "assessment": None,
        "package_name": package.name if package else None,
    }


def _varied_submissions(db) -> None:
    """Every persona, also with few or many hours, each stored in another state: as scored,
    with stale scores, never scored, with another package, with the explanation stored
    as before issue 27 (or an edited one), with lost knock-out reasons."""
    from intake import registry
    from intake.questionnaire.scoring import assess
    from tests.factories import make_submission

    states = [
        {},
        {"overall": 3, "verdict": "strong fit"},
        {"fit": None, "flag_count": 0},
        {"package_name": "Gone"},
        {"chemistry": 1},
        {"assessment": "as stored before"},
        {"knockouts": None},
    ]
    n = 0
    small = {
        "monthly_hours": 4,
        "service_areas": ["inbox_calendar"],
        "work_mix": "mostly_routine",
    }
    for name in PERSONAS:
        for extra in ({}, {"monthly_hours": 90}, small):
            s = make_submission(persona=name, **extra)
            db.session.flush()
            state = states[n % len(states)]
            n += 1
            for column, value in state.items():
                if value == "as stored before":
                    value = assess(registry.active(), s.answers).to_dict()
                    if n % 3 == 0:  # one reason's points changed
                        value["reasons"] = [{**value["reasons"][0], "points": 99}]
                setattr(s, column, value)
    db.session.commit()


def test_rescore_writes_what_scoring_each_submission_alone_wrote(runner, db):
    """The batched re-score (plain rows, UPDATE of the changed ones) leaves every row as
    scoring its object did, and counts the same changes."""
    from intake import registry

    _varied_submissions(db)
    questionnaire, practice = registry.active(), current_practice()
    rows = db.session.scalars(db.select(Submission).order_by(Submission.id)).all()
    expected, changed = {}, 0
    for s in rows:
        expected[s.id] = _scored_one_by_one(questionnaire, s.answers, practice)
        changed += any(getattr(s, c) != v for c, v in expected[s.id].items())
    assert 0 < changed < len(rows)

    result = runner.invoke(args=["rescore"])

    assert result.output == f"Re-scored {len(rows)} submissions; {changed} changed.\n"
    db.session.expire_all()
    for s in db.session.scalars(db.select(Submission)):
        assert {c: getattr(s, c) for c in expected[s.id]} == expected[s.id], s.id
    assert {e["package_name"] for e in expected.values()} >= {
        p.name for p in practice.packages
    } | {None}
    assert len({e["verdict"] for e in expected.values()}) == 3


def test_changes_finds_the_rows_rescored_finds_changed(db):
    """A re-score that writes compares each row as it comes (`changes`: no Rescored
    for a row that stays) and finds what comparing every Rescored finds: under the
    row's own version, under another one (the explanation then stored), with the
    knock-outs stored in another spelling of the same JSON (no change) or of other
    reasons, and with no stored version at all (skipped)."""
    import sqlalchemy as sa

    from intake import registry, submissions
    from intake.questionnaire.schema import load_questionnaire

    _varied_submissions(db)
    questionnaire = registry.active()
    knocked_out = [
        (s.id, s.knockouts)
        for s in db.session.scalars(db.select(Submission).order_by(Submission.id))
        if s.knockouts
    ]
    assert len(knocked_out) >= 2
    as_json = "CAST(:k AS json)" if db.engine.dialect.name == "postgresql" else ":k"
    update = sa.text(f"UPDATE submission SET knockouts = {as_json} WHERE id = :id")
    (same_id, same), (other_id, _) = knocked_out[:2]
    spelled = (
        "["
        + ",".join(
            '"' + "".join(f"\\u{ord(c):04x}" for c in reason) + '"' for reason in same
        )
        + "]"
    )  # the same reasons, every character escaped and no spaces
    db.session.execute(update, {"k": spelled, "id": same_id})
    db.session.execute(update, {"k": '["another reason"]', "id": other_id})
    db.session.commit()
    previous = load_questionnaire(
        Path(__file__).parents[1] / "data" / "questionnaire-2027.01.toml"
    )
    practice = current_practice()
    for questionnaire_for in (
        registry.for_digest,
        lambda _digest: questionnaire,
        lambda _digest: previous,
        lambda _digest: None,
    ):
        expected = {
            r.id
            for batch in submissions.rescored(questionnaire_for, practice)
            for r in batch
            if r.after is None or r.changed
        }
        found = list(submissions.changes(questionnaire_for, practice))
        assert {r.id for _, batch in found for r in batch} == expected
        assert sum(count for count, _ in found) == submissions.count_submitted()
        if questionnaire_for is registry.for_digest:
            assert same_id not in expected and other_id in expected
            assert 0 < len(expected) < sum(count for count, _ in found)
    db.session.rollback()
