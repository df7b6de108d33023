"""A submission's derived columns stay in step with the domain (intake.submissions)."""

from __future__ import annotations

import csv
import dataclasses
import io

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
