"""Free text as people type it, made safe to store and show: the one normalisation.

Every form's text fields (intake.forms) and the questionnaire's text answers
(intake.questionnaire.answers) go through `clean_text`. Pure code.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (PostgreSQL refuses NUL in text),
# bidi embeddings, overrides and isolates (they reverse a name on a signed copy), and
# lone surrogates (not encodable)
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# line ends of every platform, and Unicode's line and paragraph separators
_LINE_ENDS = re.compile("\r\n|[\r\u2028\u2029]")
# the direction marks: harmless in prose, invisible clutter in a name or a subject
_MARKS = re.compile("[\u200e\u200f\u061c]")

# a greeting never carries a link (a scheme, www., an address, a domain-like word),
# digits or symbols: such a "name" is not greeted
_ODD = re.compile(
    r"://|\bwww\.|@|[^\W_]\.[^\W\d_]{2,}\b|\d|[/\\<>{}\[\]|=+*#%&~^$]",
    re.IGNORECASE,
)
# a first name: letters, with apostrophes, full stops and hyphens after the first
_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.\-])*")
MAX_GREETING_NAME = 40


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text without control, bidi-override or unpaired characters, trimmed.

    Multi-line text keeps its newlines (as \\n) and tabs; single-line text has every
    run of white space, newlines included, made one space. Idempotent.
    """
    text = _UNSAFE.sub("", _LINE_ENDS.sub("\n", value))
    if multiline:
        return text.strip()
    return " ".join(_MARKS.sub("", text).split())


def greeting_name(full_name: str | None) -> str:
    """The first name to greet someone by, or "" when the name looks like anything
    but a name (a link, a domain, an address, digits, symbols): "Hello," then."""
    name = clean_text(full_name or "")
    if not name or _ODD.search(name):
        return ""
    first = name.split(" ")[0]
    if len(first) > MAX_GREETING_NAME or not _NAME.fullmatch(first):
        return ""
    return first
