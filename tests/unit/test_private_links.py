"""Hiding private links in a text: the token goes, the kind of link stays readable."""

from __future__ import annotations

import re

import pytest

from intake.private_links import (
    HIDDEN,
    PRIVATE_PATH_PATTERNS,
    PRIVATE_PATH_PREFIXES,
    redact,
)

TOKEN = "AbC-123_xyz.Sig"


@pytest.mark.parametrize("prefix", PRIVATE_PATH_PREFIXES)
def test_each_private_path_loses_its_token_in_a_url_a_log_line_and_html(prefix):
    url = f"https://intake.example{prefix}{TOKEN}"
    assert redact(url) == f"https://intake.example{prefix}{HIDDEN}"
    line = f'"GET {prefix}{TOKEN}/accept?x=1 HTTP/1.1" 200'
    assert redact(line) == f'"GET {prefix}{HIDDEN}/accept?x=1 HTTP/1.1" 200'
    html = f'<a href="{url}">{url}</a>'
    assert TOKEN not in redact(html)
    assert redact(html).count(HIDDEN) == 2


def test_every_pattern_matches_its_path_and_keeps_the_prefix_in_its_group():
    for prefix, pattern in zip(
        PRIVATE_PATH_PREFIXES, PRIVATE_PATH_PATTERNS, strict=True
    ):
        match = re.search(pattern, f"x {prefix}{TOKEN} y")
        assert (match[0], match[1]) == (prefix + TOKEN, prefix)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "/workspace/submissions/12/proposal.pdf",
        "/workspace/submissions/12/proposal",
        "/start/step/3",
        "/workspace/outbox/4",
        "https://intake.example/workspace/",
    ],
)
def test_other_paths_are_left_alone(text):
    assert redact(text) == text


def test_redacting_twice_changes_nothing_more():
    once = redact(f"/proposal/{TOKEN} and /start/resume/{TOKEN}")
    assert redact(once) == once
    assert once == f"/proposal/{HIDDEN} and /start/resume/{HIDDEN}"
