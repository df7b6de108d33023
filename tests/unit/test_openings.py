"""Which requests for a proposal page count as a person opening it."""

from __future__ import annotations

import pytest

from intake.offers.openings import is_a_persons_view

CHROME = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36"
)
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize("agent", [CHROME, SAFARI, "Mozilla/5.0 Firefox/133.0"])
def test_a_browser_opening_the_link_counts(agent):
    assert is_a_persons_view("GET", {"User-Agent": agent}, {}) is True


@pytest.mark.parametrize(
    ("method", "headers", "args"),
    [
        ("HEAD", {"User-Agent": CHROME}, {}),
        ("GET", {"User-Agent": CHROME, "Sec-Purpose": "prefetch;prerender"}, {}),
        ("GET", {"User-Agent": CHROME, "X-Moz": "prefetch"}, {}),
        ("GET", {"User-Agent": CHROME}, {"after": "1"}),
        ("GET", {}, {}),
        ("GET", {"User-Agent": "Mozilla/5.0 (compatible; bingbot/2.0)"}, {}),
        ("GET", {"User-Agent": "Microsoft Office Existence Discovery"}, {}),
        ("GET", {"User-Agent": "facebookexternalhit/1.1"}, {}),
        ("GET", {"User-Agent": "WhatsApp/2.23.20.0"}, {}),
        ("GET", {"User-Agent": "curl/8.5.0"}, {}),
        ("GET", {"User-Agent": "Mozilla/5.0 HeadlessChrome/131.0"}, {}),
    ],
)
def test_scanners_previews_prefetches_and_own_redirects_do_not(method, headers, args):
    assert is_a_persons_view(method, headers, args) is False
