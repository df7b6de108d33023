"""The command-line tools."""

from __future__ import annotations

import json

from intake.models import Submission
from tests.personas import EXPECTED_VERDICT, PERSONAS


def test_check_questionnaire_ok(runner):
    result = runner.invoke(args=["check-questionnaire"])
    assert result.exit_code == 0
    assert result.output.endswith(": OK\n")


def test_check_questionnaire_names_file_question_and_problem(runner, tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text(
        'version = "1"\ntitle = "T"\n[scoring]\nweights = { fit = 1, chemistry = 1, '
        'boundaries = 1 }\nstrong_fit = 70\npossible_fit = 40\n[[steps]]\nid = "a"\n'
        'title = "A"\n[[steps.questions]]\nid = "q1"\ntype = "dropdown"\nlabel = "Q"\n'
    )
    result = runner.invoke(args=["check-questionnaire", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: question 'q1': 'type' must be one of" in result.output
    assert "Traceback" not in result.output


def test_score_prints_verdict_flags_and_reasons(runner, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(PERSONAS["needy_always_on"]))
    result = runner.invoke(args=["score", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Verdict: {EXPECTED_VERDICT['needy_always_on']}")
    assert "Red flags (" in result.output and "Why:" in result.output


def test_score_json(runner, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(PERSONAS["strategic_collaborator"]))
    result = runner.invoke(args=["score", "--json", str(path)])
    data = json.loads(result.output)
    assert data["verdict"] == "strong fit"
    assert set(data["scores"]) == {"fit", "chemistry", "boundaries"}
    assert data["flags"] == []


def test_score_reports_unknown_ids_and_bad_answers(runner, tmp_path):
    path = tmp_path / "answers.json"
    answers = {
        **PERSONAS["strategic_collaborator"],
        "shoe_size": 9,
        "monthly_hours": "lots",
    }
    path.write_text(json.dumps(answers))
    result = runner.invoke(args=["score", str(path)])
    assert result.exit_code == 1
    assert "shoe_size: is not a question of this questionnaire" in result.output
    assert "monthly_hours: Please enter a whole number, such as 20." in result.output


def test_score_rejects_non_json(runner, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("{nope")
    result = runner.invoke(args=["score", str(path)])
    assert result.exit_code == 1
    assert "is not valid JSON" in result.output


def test_submissions_lists_scores(wizard, runner):
    wizard.complete(PERSONAS["strategic_collaborator"])
    result = runner.invoke(args=["submissions"])
    assert result.exit_code == 0
    [header, row] = result.output.strip().splitlines()
    assert "Hannah Lindqvist" in row and row.endswith("strong fit")
    data = json.loads(runner.invoke(args=["submissions", "--json"]).output)
    assert (data["name"], data["verdict"]) == ("Hannah Lindqvist", "strong fit")


def test_rescore_restores_scores(wizard, runner, db):
    wizard.complete(PERSONAS["strategic_collaborator"])
    s = db.session.scalars(db.select(Submission)).one()
    original = s.overall
    s.overall, s.verdict = 1, "not a fit"
    db.session.commit()
    result = runner.invoke(args=["rescore"])
    assert (
        result.output == "Re-scored 1 submissions; 0 changed.\n"
        or "1 changed" in result.output
    )
    db.session.expire_all()
    s = db.session.scalars(db.select(Submission)).one()
    assert (s.overall, s.verdict) == (original, "strong fit")


def _stale(db, **by_persona):
    """Submissions whose stored overall and verdict are out of date (as after an
    edit of the questionnaire): persona -> (overall, verdict) stored now."""
    from tests.factories import make_submission

    rows = {}
    for name, (overall, verdict) in by_persona.items():
        s = make_submission(persona=name, full_name=name.replace("_", " ").title())
        db.session.flush()
        rows[name] = (s.id, s.overall, s.verdict)
        s.overall, s.verdict = overall, verdict
    db.session.commit()
    return rows


def test_rescore_dry_run_prints_the_changes_and_writes_nothing(runner, db):
    rows = _stale(
        db,
        one_off_project=(73, "not a fit"),  # a knock-out above the line, as before
        hands_off_executive=(77, "strong fit"),  # abdication scored as trust
        strategic_collaborator=(98, "strong fit"),  # unchanged
        solid_but_cautious=(60, "possible fit"),
    )
    result = runner.invoke(args=["rescore", "--current", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Dry run under questionnaire 2027.02: nothing written."
    assert lines[1] == (
        "4 submissions: 3 overall scores and 1 verdicts would change; "
        "2 would move in the list sorted by overall."
    )
    assert "  strong fit         2      1" in lines
    assert "  not a fit          1      2" in lines
    assert "  strong fit → not a fit: 1" in lines
    exec_id, exec_overall, _ = rows["hands_off_executive"]
    largest = lines[lines.index("The 3 largest moves:") + 1 :]
    assert [line.split()[0] for line in largest] == [
        f"#{rows[n][0]}"
        for n in ("hands_off_executive", "one_off_project", "solid_but_cautious")
    ]
    assert largest[0].startswith(f"  #{exec_id:<6} Hands Off Executive")
    assert f"77 strong fit    → {exec_overall:>3} not a fit" in largest[0]
    assert largest[0].endswith(f"({exec_overall - 77:+d}; place 2 → 4)")
    # nothing was written
    db.session.expire_all()
    stored = {
        s.id: (s.overall, s.verdict) for s in db.session.scalars(db.select(Submission))
    }
    assert stored[exec_id] == (77, "strong fit")
    assert stored[rows["one_off_project"][0]] == (73, "not a fit")
    # and the real run writes what the dry run announced
    assert "4 changed" not in runner.invoke(args=["rescore", "--current"]).output
    db.session.expire_all()
    assert db.session.get(Submission, exec_id).overall == exec_overall


def test_rescore_dry_run_with_nothing_to_score(runner, db):
    result = runner.invoke(args=["rescore", "--dry-run"])
    assert result.output == "Dry run: no submissions to re-score; nothing written.\n"


def test_purge_drafts_deletes_only_expired_drafts(runner, db):
    import datetime as dt

    from tests.factories import make_submission

    old = make_submission(status="draft")
    old.token_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    live = make_submission(status="draft")
    sent = make_submission()
    sent.token_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    db.session.commit()
    ids = (old.id, live.id, sent.id)
    result = runner.invoke(args=["purge-drafts"])
    assert result.output == "Deleted 1 expired drafts.\n"
    db.session.expire_all()
    assert [db.session.get(Submission, i) is not None for i in ids] == [
        False,
        True,
        True,
    ]


def test_privacy_notice_is_linked_from_every_page(client):
    page = client.get("/start/").get_data(as_text=True)
    assert 'href="/privacy"' in page
    notice = client.get("/privacy").get_data(as_text=True)
    assert "deleted whenever you ask" in notice and "30 days" in notice


def test_the_progress_bar_draws_on_a_terminal_and_nothing_elsewhere(monkeypatch):
    import io
    import os
    import sys

    from intake.cli import progress

    def draw(stream) -> None:
        monkeypatch.setattr(sys, "stderr", stream)
        with progress(10, "Re-scoring") as bar:
            bar.update(10)

    piped = io.StringIO()
    draw(piped)
    assert piped.getvalue() == ""  # scripts and tests read the same output as before
    main, side = os.openpty()
    with open(side, "w") as terminal:
        draw(terminal)
    drawn = b""
    while True:  # the bar arrives in several writes; the side is closed: read them all
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: nothing more once the other side is closed (Linux)
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)
    text = drawn.decode()
    assert "Re-scoring" in text and "100%" in text
