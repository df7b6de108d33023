"""Audit the locked (or the installed) packages for known vulnerabilities with pip-audit.

`.venv/bin/python .ci/audit.py --lock requirements/dev-lock.txt` runs pip-audit on the
lock file (every pinned release, hash-checked, nothing resolved again: what `make setup`
installs and, in requirements/lock.txt, what a wheel install uses); without `--lock` it
audits the virtualenv. It exits 1 when a package has a known vulnerability that is not in
the allow-list (.ci/pip-audit-allow.txt: one `ID  reason` per line, the reason
required). `--report FILE` reads a pip-audit JSON report instead of running it.

pip-audit asks PyPI about each installed release (/pypi/NAME/VERSION/json). Where that
endpoint does not answer (some networks only let the project endpoint through), a package
that is at its latest release is checked against the project endpoint
(/pypi/NAME/json), whose `vulnerabilities` are those of the latest release; the packages
that could be checked neither way are listed as not audited.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALLOW = HERE / "pip-audit-allow.txt"


def read_allow_list(path: Path) -> dict[str, str]:
    """Vulnerability id -> why it does not apply; exits 2 on an entry without a reason."""
    allowed = {}
    if not path.exists():
        return allowed
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{path}:{number}: {vuln_id} needs a reason why it does not apply")
        allowed[vuln_id] = reason.strip()
    return allowed


def run_pip_audit(lock: Path | None = None) -> dict:
    command = [str(Path(sys.executable).parent / "pip-audit")]
    command += ["--format", "json", "--progress-spinner", "off", "--skip-editable"]
    if lock:  # the pinned, hashed releases as they are: no resolver, no pip
        command += ["--requirement", str(lock), "--require-hashes", "--disable-pip"]
    result = subprocess.run(command, capture_output=True, text=True)
    if not result.stdout.strip():
        sys.exit(f"pip-audit gave no report:\n{result.stderr}")
    return json.loads(result.stdout)


def latest_release_vulns(dep: dict) -> dict | None:
    """The dependency with its vulns from PyPI's project endpoint, when it is the latest."""
    try:
        version = dep.get("version") or importlib.metadata.version(dep["name"])
    except importlib.metadata.PackageNotFoundError:
        return None
    dep = {**dep, "version": version}
    url = f"https://pypi.org/pypi/{dep['name']}/json"
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            project = json.load(response)
    except (OSError, ValueError):
        return None
    if project.get("info", {}).get("version") != dep["version"]:
        return None
    vulns = [
        {
            "id": v["id"],
            "aliases": v.get("aliases", []),
            "fix_versions": v.get("fixed_in", []),
        }
        for v in project.get("vulnerabilities", [])
    ]
    return {"name": dep["name"], "version": dep["version"], "vulns": vulns}


def fill_skipped(report: dict) -> dict:
    """The report with skipped packages checked against the project endpoint."""
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if "skip_reason" in d and not _is_own(d)]
    with ThreadPoolExecutor(8) as pool:
        checked = pool.map(latest_release_vulns, skipped)
        found = dict(zip(map(id, skipped), checked, strict=True))
    return {**report, "dependencies": [found.get(id(d)) or d for d in deps]}


def _is_own(dep: dict) -> bool:
    """This project itself, installed editable: its own code, not a dependency."""
    return "editable" in dep.get("skip_reason", "")


def judge(report: dict, allowed: dict[str, str]) -> int:
    """Print the findings; 1 when one is not allowed, else 0."""
    dependencies = [d for d in report.get("dependencies", []) if not _is_own(d)]
    audited = [d for d in dependencies if "skip_reason" not in d]
    failing, used = [], set()
    for dep in audited:
        for vuln in dep.get("vulns", []):
            names = {vuln["id"], *vuln.get("aliases", [])}
            match = sorted(names & allowed.keys())
            if match:
                used.update(match)
                print(
                    f"allowed: {dep['name']} {dep['version']} {vuln['id']}: "
                    f"{allowed[match[0]]}"
                )
            else:
                fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
                failing.append(
                    f"{dep['name']} {dep['version']} {vuln['id']} (fixed in: {fixes})"
                )
    for stale in sorted(allowed.keys() - used):
        print(f"note: allow-list entry {stale} matched nothing; remove it if obsolete")
    skipped = [
        f"{d['name']} {d.get('version', '')}".strip()
        for d in dependencies
        if "skip_reason" in d
    ]
    print(f"audited {len(audited)} of {len(dependencies)} packages")
    if skipped:
        print(
            f"NOT AUDITED ({len(skipped)}: no vulnerability data reachable for these "
            f"releases): {', '.join(skipped)}"
        )
    for line in failing:
        print(f"VULNERABLE: {line}")
    return 1 if failing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="a pip-audit JSON report to judge")
    parser.add_argument("--allow", type=Path, default=ALLOW, help="the allow-list")
    parser.add_argument("--lock", type=Path, help="a hashed lock file to audit")
    args = parser.parse_args()
    allowed = read_allow_list(args.allow)
    report = (
        json.loads(args.report.read_text())
        if args.report
        else fill_skipped(run_pip_audit(args.lock))
    )
    sys.exit(judge(report, allowed))


if __name__ == "__main__":
    main()
