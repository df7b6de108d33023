"""The lock files, the ranges in pyproject.toml, and the steps that use them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)(?: ;[^\\]*)? \\$")


def pins(name: str) -> dict[str, str]:
    """package -> pinned version, checking that every pin carries its hashes."""
    text = (ROOT / "requirements" / name).read_text()
    found = {}
    for block in re.split(r"\n(?=\S)", text):
        first = block.splitlines()[0]
        if first.startswith("#"):
            continue
        match = PIN.match(first)
        assert match, f"{name}: not an exact pin with hashes: {first}"
        assert "--hash=sha256:" in block, f"{name}: {first} has no hash"
        found[canonicalize_name(match[1])] = match[2]
    return found


@pytest.mark.parametrize(
    "lock,requirements",
    [
        ("lock.txt", PYPROJECT["project"]["dependencies"]),
        (
            "dev-lock.txt",
            PYPROJECT["project"]["dependencies"]
            + PYPROJECT["project"]["optional-dependencies"]["dev"],
        ),
    ],
)
def test_each_range_is_tight_and_holds_the_locked_release(lock, requirements):
    locked = pins(lock)
    for line in requirements:
        requirement = Requirement(line)
        operators = {spec.operator for spec in requirement.specifier}
        assert operators & {"~=", "<", "=="}, f"{line}: no upper bound"
        version = locked[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version), f"{line} but {version} locked"


def test_the_dev_lock_pins_the_apps_packages_at_the_same_releases():
    runtime, dev = pins("lock.txt"), pins("dev-lock.txt")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_setup_installs_from_the_lock_and_ci_audits_it_and_checks_the_wheel():
    makefile = (ROOT / "Makefile").read_text()
    assert (
        "pip install --quiet --require-hashes -r requirements/dev-lock.txt" in makefile
    )
    assert "pip install --quiet --no-deps -e ." in makefile
    assert "\nlock: " in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert ".ci/audit.py --lock requirements/dev-lock.txt" in ci
    assert "\n.ci/wheel-check\n" in ci
