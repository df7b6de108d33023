"""Small functions: none in intake/ longer than 60 lines (ruff's C901 bounds their
McCabe complexity at 10, see pyproject.toml). Long functions are where a list of rules
wants to be a tuple of small functions. Migrations are left out: Alembic writes them and
an applied one is never edited."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 60


def long_functions(source: str, where: str) -> list[str]:
    """'where:line name (n lines)' for each function over MAX_LINES, from `def` to its
    last line (nested functions count in their parent and on their own)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_LINES:
                found.append(f"{where}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_in_intake_is_longer_than_60_lines():
    found = []
    for path in sorted((ROOT / "intake").rglob("*.py")):
        if "migrations" not in path.relative_to(ROOT).parts:
            source = path.read_text(encoding="utf-8")
            found += long_functions(source, str(path.relative_to(ROOT)))
    assert found == []


def test_the_measure_counts_from_def_to_the_last_line():
    body = "".join(f"    x{i} = {i}\n" for i in range(59))
    assert long_functions(f"def f():\n{body}", "m.py") == []
    assert long_functions(f"@dec\ndef f():\n{body}    return 1\n", "m.py") == [
        "m.py:2 f (61 lines)"
    ]
    nested = "class A:\n    def g(self):\n" + body.replace("    ", "        ") * 2
    assert long_functions(nested, "m.py") == ["m.py:2 g (119 lines)"]
