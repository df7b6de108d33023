"""The wheel carries what the app needs, and the installed package finds it.

Built as a release is (`uv build`: the source distribution, then the wheel from it),
unpacked, and asked from / where its templates and its instance folder are. The full
run of the installed app (migrate, serve, render, mail, back up) is .ci/wheel-check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).parent / "uv"


def test_the_wheel_carries_templates_static_files_and_the_questionnaire(tmp_path):
    subprocess.run(
        [str(UV), "build", "--quiet", "--out-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = (tmp_path / "dist").glob("intake-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {
        f"intake/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
        for p in (ROOT / "templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert templates and templates <= names
    static = {f"intake/static/{p.name}" for p in (ROOT / "intake/static").iterdir()}
    assert static <= names
    assert "intake/questionnaire/default.toml" in names
    assert "intake/migrations/alembic.ini" in names
    assert not [n for n in names if n.startswith("templates/")]

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env |= {"PYTHONPATH": str(unpacked), "XDG_DATA_HOME": str(tmp_path / "data")}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "from intake import paths; print(paths.TEMPLATES_DIR);"
            "print(paths.default_instance_path())",
        ],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where == [
        str(unpacked / "intake" / "templates"),
        str(tmp_path / "data" / "intake"),
    ]
