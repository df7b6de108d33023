""".ci/audit.py: which pip-audit reports fail CI, and the allow-list's rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# a pip-audit JSON report as pip-audit 2.x writes it, with one real advisory
REPORT = {
    "dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {
            "name": "jinja2",
            "version": "2.10",
            "vulns": [
                {
                    "id": "PYSEC-2019-217",
                    "fix_versions": ["2.10.1"],
                    "aliases": ["CVE-2019-10906", "GHSA-462w-v97r-4m45"],
                    "description": "sandbox escape via str.format_map",
                }
            ],
        },
        {"name": "intake", "skip_reason": "distribution marked as editable"},
        {"name": "wrapt", "skip_reason": "Dependency not found on PyPI"},
    ],
    "fixes": [],
}


def audit(tmp_path, report=REPORT, allow: str = "") -> tuple[int, str]:
    (tmp_path / "report.json").write_text(json.dumps(report))
    (tmp_path / "allow.txt").write_text(allow)
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "audit.py")]
        + ["--report", str(tmp_path / "report.json")]
        + ["--allow", str(tmp_path / "allow.txt")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout + result.stderr


def test_a_known_vulnerability_fails_the_audit(tmp_path):
    code, out = audit(tmp_path)
    assert code == 1
    assert out.splitlines() == [
        "audited 2 of 3 packages",
        "NOT AUDITED (1: no vulnerability data reachable for these releases): wrapt",
        "VULNERABLE: jinja2 2.10 PYSEC-2019-217 (fixed in: 2.10.1)",
    ]


def test_an_allow_listed_finding_passes_with_its_reason_shown(tmp_path):
    allow = "# comment\nCVE-2019-10906  we never render untrusted templates\n"
    code, out = audit(tmp_path, allow=allow)
    assert code == 0
    assert out.splitlines()[0] == (
        "allowed: jinja2 2.10 PYSEC-2019-217: we never render untrusted templates"
    )


def test_an_allow_list_entry_without_a_reason_is_refused(tmp_path):
    code, out = audit(tmp_path, allow="PYSEC-2019-217\n")
    assert code == 1
    assert "allow.txt:1: PYSEC-2019-217 needs a reason why it does not apply" in out


def test_a_stale_allow_list_entry_is_reported(tmp_path):
    clean = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []}]}
    code, out = audit(tmp_path, report=clean, allow="GHSA-xxxx old finding\n")
    assert code == 0
    assert out.splitlines() == [
        "note: allow-list entry GHSA-xxxx matched nothing; remove it if obsolete",
        "audited 1 of 1 packages",
    ]


def test_ci_runs_the_audit_and_the_allow_list_is_valid():
    assert ".venv/bin/python .ci/audit.py" in (ROOT / ".ci" / "run").read_text()
    code, out = audit_allow_list_only()
    assert code == 0, out


def audit_allow_list_only() -> tuple[int, str]:
    """The repository's own allow-list against an empty report."""
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "audit.py"), "--report", "/dev/stdin"],
        input=json.dumps({"dependencies": []}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout + result.stderr


def test_weasyprint_has_the_fetcher_and_ssrf_fixes():
    # SECURITY.md: before 70.0, stylesheets= and redirects bypassed the url_fetcher; held
    # here as well because the audit cannot see every release's advisories on every network
    from importlib.metadata import version

    major = int(version("weasyprint").split(".")[0])
    assert major >= 70
