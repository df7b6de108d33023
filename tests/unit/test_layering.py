"""The domain code stays free of the web and the database.

The questionnaire, the practice's standards, the package recommendation and the gap
analysis are plain Python, so they can be tested and reused without an app. This test
reads their imports with `ast` (nothing is imported) and fails on any import of Flask,
a Flask extension, SQLAlchemy, Werkzeug or intake.models, at module level or inside a
function. Files that do not exist yet are skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "intake"

DOMAIN_FILES = sorted(
    {
        *(PACKAGE / "questionnaire").rglob("*.py"),
        PACKAGE / "practice.py",
        PACKAGE / "proposal" / "recommendation.py",
        PACKAGE / "proposal" / "content.py",
        PACKAGE / "questionnaire" / "gaps.py",
    }
)

FORBIDDEN_TOP = {"flask", "sqlalchemy", "werkzeug"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False):
    """(line, absolute module name) of every import in `source`, the text of `module`;
    for `from x import y` both `x` and `x.y` are listed, since y may be a module."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                if node.level > 1:
                    base_parts = base_parts[: -(node.level - 1)]
                base = ".".join(base_parts)
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def file_imports(path: Path) -> list[tuple[int, str]]:
    return imported_modules(
        path.read_text(encoding="utf-8"),
        module_name(path),
        is_package=path.name == "__init__.py",
    )


def is_forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return (
        top in FORBIDDEN_TOP
        or top.startswith("flask_")
        or module == "intake.models"
        or module.startswith("intake.models.")
    )


def test_there_are_domain_files_to_check():
    existing = [p for p in DOMAIN_FILES if p.exists()]
    assert PACKAGE / "questionnaire" / "schema.py" in existing
    assert len(existing) >= 4


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_module_does_not_import_web_or_database_code(path):
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} does not exist yet")
    bad = [
        f"line {line}: {module}"
        for line, module in file_imports(path)
        if is_forbidden(module)
    ]
    assert bad == [], f"{path.relative_to(ROOT)} imports web or database code: {bad}"


@pytest.mark.parametrize(
    "source,module_path,expected",
    [
        ("import flask\n", "intake/questionnaire/x.py", True),
        ("from flask import current_app\n", "intake/questionnaire/x.py", True),
        ("import flask_sqlalchemy as fs\n", "intake/practice.py", True),
        ("from sqlalchemy.orm import Session\n", "intake/practice.py", True),
        ("import werkzeug.exceptions\n", "intake/practice.py", True),
        ("from intake.models import Submission\n", "intake/practice.py", True),
        ("from intake import models\n", "intake/practice.py", True),
        ("from .models import Submission\n", "intake/practice.py", True),
        ("from ..models import Submission\n", "intake/questionnaire/x.py", True),
        ("from .. import models\n", "intake/proposal/recommendation.py", True),
        ("def f():\n    import flask\n", "intake/practice.py", True),
        ("from .schema import Question\n", "intake/questionnaire/x.py", False),
        ("from ..practice import Standards\n", "intake/questionnaire/x.py", False),
        (
            "import tomllib\nfrom dataclasses import dataclass\n",
            "intake/practice.py",
            False,
        ),
        ("import flaskish\n", "intake/practice.py", False),
        ("from intake.modelsx import y\n", "intake/practice.py", False),
    ],
)
def test_the_checker_itself(source, module_path, expected):
    module = module_name(ROOT / module_path)
    found = imported_modules(source, module)
    assert any(is_forbidden(m) for _, m in found) is expected, found


def test_relative_imports_in_a_package_init():
    found = imported_modules(
        "from .schema import Question\n", "intake.questionnaire", is_package=True
    )
    assert (1, "intake.questionnaire.schema") in found
