"""Private links: URLs whose token opens something (a draft, an account, a proposal).

A private link is a password: it is shown to no one but its recipient (the Outbox shows
it hidden) and written to no log. `redact` is the one way to hide them in a text; the
patterns are here so that every other redaction (the log filter, the nginx map) hides
exactly the same paths. Pure: no Flask, no database.
"""

from __future__ import annotations

import re

# the path before each private token (every route with a `<token>` has one here:
# tests/integration/test_workspace_guard.py checks the url_map against this list)
PRIVATE_PATH_PREFIXES: tuple[str, ...] = (
    "/start/resume/",  # a prospect's draft
    "/proposal/",  # a sent proposal: read, accept, decline, ask
    "/workspace/join/",  # a team invitation
    "/workspace/reset-password/",  # a password reset
    "/mail/unsubscribe/",  # stopping reminders to an address
)
# a token runs to the next path, query or fragment separator, space, quote or bracket
TOKEN = r"[^/?#\s\"'<>\\]+"
# each private path with its token: the prefix is the pattern's one group
PRIVATE_PATH_PATTERNS: tuple[str, ...] = tuple(
    f"({re.escape(prefix)}){TOKEN}" for prefix in PRIVATE_PATH_PREFIXES
)
# what a token becomes: no space, so a log line's fields stay where they were
HIDDEN = "[hidden]"

_ANY = re.compile(
    "(" + "|".join(re.escape(p) for p in PRIVATE_PATH_PREFIXES) + ")" + TOKEN
)


def redact(text: str) -> str:
    """The text with the token of every private link replaced by HIDDEN.

    `https://x.example/proposal/AbC/accept` becomes `https://x.example/proposal/[hidden]/accept`:
    what kind of link it was stays readable, the part that opens it does not.
    """
    if not text:
        return text
    return _ANY.sub(lambda m: m.group(1) + HIDDEN, text)
