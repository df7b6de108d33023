"""What the commands print: stdout is the command's output only (logs go to stderr),
and the commands that sign nothing run on a fresh clone without a secret key.

Each is checked twice: through click's CliRunner with the app built inside the command
(as `flask` builds it), and as a real `flask` process started from another folder with
nothing of intake's configured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask.cli import FlaskGroup

from intake import create_app
from intake.extensions import db
from tests.factories import make_submission
from tests.personas import PERSONAS

BIN = Path(sys.executable).parent


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A database with one submission, answers in a file, and an environment with
    nothing of intake's set but the instance folder and that database."""
    url = f"sqlite:///{tmp_path / 'intake.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": tmp_path})
    with app.app_context():
        db.create_all()
        make_submission(persona="strategic_collaborator")
        db.session.commit()
        db.engine.dispose()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(PERSONAS["strategic_collaborator"]))
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "FLASK_"))
    }
    env |= {"INTAKE_INSTANCE_PATH": str(tmp_path), "INTAKE_DATABASE_URL": url}
    # FlaskGroup sets FLASK_RUN_FROM_CLI for the process; monkeypatch puts it back
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")
    for key, value in env.items():
        if key.startswith("INTAKE_"):
            monkeypatch.setenv(key, value)
    return tmp_path, answers, env


def flask(env, cwd, *args):
    """A real `flask --app intake` process, started in `cwd`."""
    return subprocess.run(
        [str(BIN / "flask"), "--app", "intake", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def in_process(*args):
    """`flask --app intake ARGS` through CliRunner: the app (and its logging) is built
    inside the command, on the runner's streams, as the real command builds it."""
    group = FlaskGroup(create_app=lambda: create_app({"LOG_LEVEL": "DEBUG"}))
    from click.testing import CliRunner

    return CliRunner().invoke(group, list(args), catch_exceptions=False)


@pytest.mark.parametrize("how", ["runner", "process"])
def test_score_json_is_pure_json_on_stdout(fresh, how):
    folder, answers, env = fresh
    if how == "runner":
        result = in_process("score", "--json", str(answers))
        stdout, code = result.stdout, result.exit_code
    else:
        done = flask(env, folder, "score", "--json", str(answers))
        stdout, code = done.stdout, done.returncode
        assert "starting mode=development" in done.stderr  # the log line, on stderr
    assert code == 0, stdout
    assert json.loads(stdout)["verdict"] == "strong fit"


@pytest.mark.parametrize("how", ["runner", "process"])
def test_submissions_json_is_one_json_object_per_line(fresh, how):
    folder, _answers, env = fresh
    if how == "runner":
        result = in_process("submissions", "--json")
        stdout, code = result.stdout, result.exit_code
    else:
        done = flask(env, folder, "submissions", "--json")
        stdout, code = done.stdout, done.returncode
    assert code == 0, stdout
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert [row["verdict"] for row in rows] == ["strong fit"]


@pytest.mark.parametrize(
    "args",
    [
        ["score", "ANSWERS"],
        ["check-questionnaire"],
        ["proposal", "--answers", "ANSWERS", "-o", "OUT"],
        ["submissions"],
    ],
    ids=["score", "check-questionnaire", "proposal", "submissions"],
)
def test_commands_that_sign_nothing_run_without_a_secret_key(fresh, args):
    folder, answers, env = fresh
    out = folder / "out.pdf"
    args = [{"ANSWERS": str(answers), "OUT": str(out)}.get(arg, arg) for arg in args]
    done = flask(env, folder, *args)
    assert done.returncode == 0, done.stderr
    assert "INTAKE_SECRET_KEY" not in done.stderr
    if "proposal" in args:
        assert out.read_bytes().startswith(b"%PDF")


def test_deliver_mail_signs_links_so_it_needs_the_key(fresh):
    folder, _answers, env = fresh
    done = flask(env, folder, "deliver-mail")
    assert done.returncode == 1
    assert "INTAKE_SECRET_KEY must be set to a random value" in done.stderr
    env = {**env, "INTAKE_SECRET_KEY": "k" * 40}
    done = flask(env, folder, "deliver-mail")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Delivered to .eml files in ")


def test_flask_run_serves_nothing_without_the_key(tmp_path, monkeypatch):
    """Under the `flask` command the key is checked before the first request."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tmp_path})
    response = app.test_client().get("/start/")
    assert response.status_code == 503
    assert b"INTAKE_SECRET_KEY must be set" in response.data
    keyed = create_app(
        {"DATABASE_URL": url, "INSTANCE_PATH": tmp_path, "SECRET_KEY": "k" * 40}
    )
    assert keyed.test_client().get("/robots.txt").status_code == 200
