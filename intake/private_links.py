"""The paths that carry a private link's token, and the one redaction of them for logs.

A private link is a key: whoever holds it reads a prospect's answers (resume), accepts
a proposal, sets a consultant's password (reset), joins the team (invitation),
stops a prospect's reminders (unsubscribe), books a call (call invitation), moves or
cancels it (booking) or reads the practice's calendar of calls (calendar). The token is
the path segment after the prefix.

Pure (standard library only), so that every log can use the same patterns: the app's
log filter (intake/log.py), gunicorn's access and error logs (intake/log.py, named in
gunicorn.conf.py), and nginx, whose `map` in deploy/nginx/intake-http.conf is
`nginx_map()`'s text (tests/integration/test_private_links.py checks it is).
"""

from __future__ import annotations

import re

MASK = "[token]"
# the same mark where a person reads it (the workspace's Outbox)
HIDDEN = MASK
# the path before the token, one per kind of private link; `/+` also catches `//`
PRIVATE_PREFIXES = (
    "start/+resume",
    "proposal",
    "workspace/+reset-password",
    "workspace/+join",
    "mail/+unsubscribe",
    "booking",
    "calendar",
    "call/+invite",
)
# the same paths as written by url_for (tests/integration/test_workspace_guard.py
# checks every route with a `<token>` lies under one of them)
PRIVATE_PATH_PREFIXES: tuple[str, ...] = tuple(
    "/" + prefix.replace("/+", "/") + "/" for prefix in PRIVATE_PREFIXES
)
# a path segment: up to the next slash, query, fragment, space, quote, bracket or tag
TOKEN = r"""[^/?#\s"'\[\]<>\\]+"""
PRIVATE_PATH_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(rf"(?i)(/+{prefix}/+){TOKEN}") for prefix in PRIVATE_PREFIXES
)


def redact(text: str) -> str:
    """`text` with every private link's token replaced by [token]; idempotent."""
    if not isinstance(text, str) or "/" not in text:
        return text
    for pattern in PRIVATE_PATH_PATTERNS:
        text = pattern.sub(rf"\g<1>{MASK}", text)
    return text


def is_private_path(path: str) -> bool:
    """Whether a request path is (or lies under) a private link."""
    return any(pattern.match(path) for pattern in PRIVATE_PATH_PATTERNS)


def nginx_location_regex() -> str:
    """The `location ~*` regex of every private link, for deploy/nginx/intake-proxy.conf."""
    return "^/+(?:" + "|".join(PRIVATE_PREFIXES) + ")/"


def nginx_map() -> str:
    """The `map` of deploy/nginx/intake-http.conf: $uri (decoded, without the query)
    with the token masked, as $intake_logged_path."""
    lines = ["map $uri $intake_logged_path {"]
    for prefix in PRIVATE_PREFIXES:
        regex = f"~*^(?<intake_before>/+{prefix}/+)[^/]+(?<intake_after>.*)$"
        lines.append(f"    {regex} $intake_before{MASK}$intake_after;")
    lines.append("    default $uri;")
    lines.append("}")
    return "\n".join(lines) + "\n"
