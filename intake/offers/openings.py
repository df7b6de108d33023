"""Whether a request for the proposal page is a person reading it (pure: no Flask).

The consultant is told how often and when a proposal was opened. Mail security
scanners and link previewers fetch every link in a message before anyone reads it, a
browser may prefetch it, a HEAD request reads nothing, and the page the prospect lands
on after accepting, declining or asking is the same visit, not a new opening. One
proposal counted 22 "opens" this way; these are not counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

# Substrings of User-Agent headers sent by link checkers, previewers and crawlers
# (lower case). A person's browser never sends these.
AUTOMATED_AGENTS = (
    "bot",
    "crawler",
    "spider",
    "preview",
    "facebookexternalhit",
    "slack",
    "whatsapp",
    "telegram",
    "discord",
    "skypeuripreview",
    "microsoft office",
    "ms-office",
    "outlook",
    "safelinks",
    "proofpoint",
    "mimecast",
    "barracuda",
    "symantec",
    "trendmicro",
    "forcepoint",
    "python-requests",
    "python-urllib",
    "curl/",
    "wget/",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "httpclient",
    "headlesschrome",
)
PREFETCH_HEADERS = ("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz")
# the query the page's own redirects after a POST carry: the same visit
AFTER_ACTION = "after"


class Headers(Protocol):
    """What is read of the request's headers (werkzeug's Headers, or a dict)."""

    def get(self, key: str) -> str | None: ...


def is_a_persons_view(method: str, headers: Headers, args: Mapping[str, str]) -> bool:
    """True when the request looks like a person opening the proposal."""
    if method != "GET" or AFTER_ACTION in args:
        return False
    if any("prefetch" in (headers.get(h) or "").lower() for h in PREFETCH_HEADERS):
        return False
    agent = (headers.get("User-Agent") or "").lower()
    if not agent:
        return False
    return not any(marker in agent for marker in AUTOMATED_AGENTS)
