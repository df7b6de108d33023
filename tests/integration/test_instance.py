"""The instance folder: one explicit setting, a clear default, used from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from intake import create_app, paths
from intake.config import ConfigError

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_a_checkout_keeps_its_instance_folder_next_to_the_package():
    assert paths.CHECKOUT_DIR == ROOT
    assert paths.TEMPLATES_DIR == ROOT / "templates"
    assert paths.default_instance_path({}) == ROOT / "instance"


def test_an_installed_package_uses_the_setting_else_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "CHECKOUT_DIR", None)
    home = Path.home()
    assert paths.default_instance_path({}) == home / ".local/share/intake"
    xdg = {"XDG_DATA_HOME": str(tmp_path)}
    assert paths.default_instance_path(xdg) == tmp_path / "intake"
    explicit = {**xdg, "INTAKE_INSTANCE_PATH": str(tmp_path / "srv")}
    assert paths.default_instance_path(explicit) == tmp_path / "srv"


def test_the_setting_wins_and_the_folder_is_made(monkeypatch, tmp_path):
    monkeypatch.setenv("INTAKE_INSTANCE_PATH", str(tmp_path / "var" / "intake"))
    app = create_app({"TESTING": True})
    assert app.instance_path == str(tmp_path / "var" / "intake")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        f"sqlite:///{tmp_path / 'var' / 'intake'}/"
    )


def test_a_folder_that_cannot_be_made_is_a_clear_error(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("INTAKE_INSTANCE_PATH", str(blocker / "instance"))
    with pytest.raises(ConfigError, match="INTAKE_INSTANCE_PATH") as error:
        create_app({"TESTING": True})
    assert f"the instance folder {blocker / 'instance'} cannot be used" in str(
        error.value
    )


def test_commands_use_the_instance_folder_from_any_working_directory(tmp_path):
    """Backup and the mail worker write into the instance folder, never the cwd or the
    virtualenv, wherever they are started."""
    instance, elsewhere = tmp_path / "instance", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "FLASK_"))
    }
    env |= {"INTAKE_INSTANCE_PATH": str(instance), "INTAKE_SECRET_KEY": "k" * 40}
    for args in (["db", "upgrade"], ["deliver-mail"], ["backup"]):
        done = subprocess.run(
            [str(BIN / "flask"), "--app", "intake", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert (instance / "intake.sqlite3").is_file()
    assert len(list((instance / "backups").glob("intake-*.sqlite3"))) == 1
    assert list(elsewhere.iterdir()) == []
    assert not list(Path(sys.prefix).glob("var/intake-instance*"))
