"""The domain code stays free of the web and the database.

The questionnaire, the wizard's rules, the practice's standards, the package
recommendation, the gap analysis and the proposal's content are plain Python, so they
can be tested and reused without an app (the PDF, the stored copies and the logo, which
need WeasyPrint, the database or Pillow, are in intake/documents/). This test
reads their imports with `ast` (nothing is imported) and checks each against an
allow-list: the standard library, plus what PURE lists for that module (modules of
intake, or a third-party package). Anything else fails, at module level or inside a
function, and so does a listed module that does not exist or a file of a pure package
that is not listed.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "intake"

# module -> what it may import besides the standard library
PURE: dict[str, frozenset[str]] = {
    "intake.dates": frozenset(),
    "intake.practice": frozenset({"intake.words"}),
    "intake.words": frozenset(),
    "intake.private_links": frozenset(),
    "intake.text": frozenset(),
    "intake.mail.words": frozenset(),
    "intake.questionnaire": frozenset(),
    "intake.questionnaire.errors": frozenset(),
    "intake.questionnaire.model": frozenset({"intake.practice"}),
    "intake.questionnaire.loader": frozenset(
        {"intake.questionnaire.errors", "intake.questionnaire.model"}
    ),
    "intake.questionnaire.schema": frozenset(
        {"intake.questionnaire.loader", "intake.questionnaire.model"}
    ),
    "intake.questionnaire.answers": frozenset(
        {
            "email_validator",
            "intake.questionnaire.errors",
            "intake.questionnaire.schema",
            "intake.text",
        }
    ),
    "intake.questionnaire.scoring": frozenset(
        {"intake.questionnaire.answers", "intake.questionnaire.schema"}
    ),
    "intake.questionnaire.compiled": frozenset(
        {"intake.questionnaire.schema", "intake.questionnaire.scoring"}
    ),
    "intake.questionnaire.gaps": frozenset(
        {
            "intake.practice",
            "intake.questionnaire.answers",
            "intake.questionnaire.schema",
        }
    ),
    "intake.questionnaire.cues": frozenset(
        {"intake.questionnaire.answers", "intake.questionnaire.schema"}
    ),
    "intake.questionnaire.wizard": frozenset(
        {"intake.questionnaire.answers", "intake.questionnaire.schema"}
    ),
    "intake.questionnaire.samples": frozenset(),
    "intake.questionnaire.editing": frozenset(
        {"tomli_w", "intake.questionnaire.errors", "intake.questionnaire.schema"}
    ),
    "intake.questionnaire.comparison": frozenset(
        {
            "intake.questionnaire.answers",
            "intake.questionnaire.errors",
            "intake.questionnaire.schema",
            "intake.questionnaire.scoring",
        }
    ),
    "intake.proposal": frozenset(),
    "intake.proposal.content": frozenset(
        {
            "intake.dates",
            "intake.practice",
            "intake.proposal.recommendation",
            "intake.proposal.schedule",
            "intake.questionnaire.scoring",
        }
    ),
    "intake.proposal.schedule": frozenset({"intake.practice"}),
    "intake.outcomes": frozenset(),
    "intake.outcomes.stats": frozenset(),
    "intake.outcomes.due": frozenset({"intake.outcomes.report"}),
    "intake.outcomes.report": frozenset(
        {"intake.outcomes.stats", "intake.questionnaire.schema"}
    ),
    "intake.outcomes.suggest": frozenset(
        {"intake.outcomes.report", "intake.questionnaire.schema"}
    ),
    "intake.consultation.slots": frozenset({"intake.practice"}),
    "intake.consultation.invite": frozenset({"icalendar"}),
    "intake.consultation.agreement": frozenset(
        {
            "intake.dates",
            "intake.practice",
            "intake.proposal.recommendation",
            "intake.questionnaire.schema",
        }
    ),
    "intake.offers.calendar": frozenset(
        {"icalendar", "intake.practice", "intake.proposal.schedule", "intake.text"}
    ),
    "intake.proposal.plan": frozenset({"intake.practice", "intake.questionnaire.gaps"}),
    "intake.proposal.facts": frozenset(
        {
            "intake.dates",
            "intake.practice",
            "intake.questionnaire.answers",
            "intake.questionnaire.schema",
        }
    ),
    "intake.proposal.decision": frozenset(
        {
            "intake.practice",
            "intake.proposal.facts",
            "intake.questionnaire.answers",
            "intake.questionnaire.compiled",
            "intake.questionnaire.schema",
            "intake.questionnaire.scoring",
        }
    ),
    "intake.proposal.wording": frozenset(
        {
            "intake.practice",
            "intake.proposal.decision",
            "intake.proposal.facts",
            "intake.proposal.plan",
        }
    ),
    "intake.proposal.referral": frozenset(
        {
            "intake.proposal.facts",
            "intake.proposal.plan",
            "intake.questionnaire.gaps",
            "intake.questionnaire.schema",
            "intake.questionnaire.scoring",
        }
    ),
    "intake.proposal.project": frozenset(
        {
            "intake.dates",
            "intake.proposal.facts",
            "intake.proposal.plan",
            "intake.questionnaire.answers",
            "intake.questionnaire.schema",
        }
    ),
    "intake.proposal.recommendation": frozenset(
        {
            "intake.practice",
            "intake.proposal.decision",
            "intake.proposal.facts",
            "intake.proposal.plan",
            "intake.proposal.project",
            "intake.proposal.referral",
            "intake.proposal.wording",
            "intake.questionnaire.answers",
            "intake.questionnaire.gaps",
            "intake.questionnaire.schema",
            "intake.questionnaire.scoring",
        }
    ),
}
# every module in these packages is pure, so each must be listed above
PURE_PACKAGES = ("intake/questionnaire", "intake/proposal")


def path_of(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False):
    """(line, absolute name) of every import in `source`, the text of `module`; for
    `from x import y` the name is `x.y` when x is a package of intake (y may be a
    module), else `x`."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            name = _absolute(node, package)
            if name == "__future__":
                continue
            if name == "intake" or (name.startswith("intake.") and _is_package(name)):
                found += [(node.lineno, f"{name}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, name))
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (node.level - 1)])
    return f"{base}.{node.module}" if node.module else base


def _is_package(name: str) -> bool:
    return ROOT.joinpath(*name.split(".")).is_dir()


def not_allowed(module: str, imported: str) -> bool:
    """True when `module` may not import `imported` (a name found by imported_modules)."""
    top = imported.split(".")[0]
    if top in sys.stdlib_module_names and top != "intake":
        return False
    allowed = PURE.get(module, frozenset())
    return not any(
        imported == name or imported.startswith(name + ".") for name in allowed
    )


@pytest.mark.parametrize("module", sorted(PURE))
def test_a_listed_module_exists(module):
    assert path_of(module).is_file(), f"{module} is listed in PURE but does not exist"


@pytest.mark.parametrize("folder", PURE_PACKAGES)
def test_every_module_of_a_pure_package_is_listed(folder):
    found = {module_name(p) for p in (ROOT / folder).rglob("*.py")}
    assert found - set(PURE) == set()


@pytest.mark.parametrize("module", sorted(PURE))
def test_a_pure_module_imports_only_what_it_is_allowed(module):
    path = path_of(module)
    found = imported_modules(
        path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py"
    )
    bad = [f"line {line}: {name}" for line, name in found if not_allowed(module, name)]
    assert bad == [], f"{module} imports what PURE does not allow: {bad}"


@pytest.mark.parametrize(
    "source,module,expected",
    [
        ("import flask\n", "intake.questionnaire.scoring", True),
        ("from flask import current_app\n", "intake.questionnaire.scoring", True),
        ("import flask_sqlalchemy as fs\n", "intake.practice", True),
        ("from sqlalchemy.orm import Session\n", "intake.practice", True),
        ("import werkzeug.exceptions\n", "intake.practice", True),
        ("from intake.models import Submission\n", "intake.practice", True),
        ("from intake import models\n", "intake.practice", True),
        ("from .models import Submission\n", "intake.practice", True),
        ("from ..models import Submission\n", "intake.questionnaire.scoring", True),
        ("from .. import models\n", "intake.proposal.recommendation", True),
        ("def f():\n    import flask\n", "intake.practice", True),
        ("import email_validator\n", "intake.questionnaire.schema", True),
        ("from ..practice import Practice\n", "intake.questionnaire.scoring", True),
        ("import flaskish\n", "intake.practice", True),
        ("from .schema import Question\n", "intake.questionnaire.scoring", False),
        ("from ..practice import Standards\n", "intake.questionnaire.gaps", False),
        ("from . import schema\n", "intake.questionnaire.scoring", False),
        ("import email_validator\n", "intake.questionnaire.answers", False),
        (
            "import tomllib\nfrom dataclasses import dataclass\n",
            "intake.practice",
            False,
        ),
        ("from __future__ import annotations\n", "intake.practice", False),
    ],
)
def test_the_checker_itself(source, module, expected):
    found = imported_modules(source, module)
    assert any(not_allowed(module, name) for _, name in found) is expected, found


def test_relative_imports_in_a_package_init():
    found = imported_modules(
        "from .schema import Question\nfrom . import errors\n",
        "intake.questionnaire",
        is_package=True,
    )
    assert found == [
        (1, "intake.questionnaire.schema"),
        (2, "intake.questionnaire.errors"),
    ]


# the web's areas import the consultation's domain downward, never the other way: the
# workspace's call pages live in intake/workspace (calls.py, call_notes.py)
BELOW_THE_WORKSPACE = ("intake/consultation",)


@pytest.mark.parametrize("folder", BELOW_THE_WORKSPACE)
def test_a_package_below_the_workspace_never_imports_it(folder):
    bad = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        module = module_name(path)
        found = imported_modules(
            path.read_text(encoding="utf-8"),
            module,
            is_package=path.name == "__init__.py",
        )
        bad += [
            f"{module} line {line}: {name}"
            for line, name in found
            if name == "intake.workspace" or name.startswith("intake.workspace.")
        ]
    assert bad == []
