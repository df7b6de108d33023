"""JSON text decoded as `json.loads` decodes it, 2-3x faster. Pure code.

The engine decodes every JSON column with `loads` (`json_deserializer`, config.py) and
`flask rescore` decodes each row's answers with it: orjson where it gives the same
value, the standard library where it might not. orjson refuses what json accepts
beyond strict JSON (NaN, Infinity, numbers past a double's range, lone surrogates:
`\\ud800`): those go to `json.loads`. And it reads an integer past 64 bits as a float
without a word, where json keeps the int: any text with 19 digits in a row (every such
integer has them; so may a string, a phone number, which then only costs the slower
decoder) goes to `json.loads` as well. An error is json's own, as before
(tests/unit/test_jsonload.py holds the two equal).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# every byte to "." but the ASCII digits, to "0": a run of 19 digits becomes LONG
_DIGITS = bytes(48 if 48 <= i <= 57 else 46 for i in range(256))
LONG = b"0" * 19  # 2**63 has 19 digits: orjson keeps shorter integers exact


def loads(text: str | bytes | bytearray) -> Any:
    """The value `json.loads(text)` gives, or its error."""
    try:
        raw = text.encode() if isinstance(text, str) else bytes(text)
        if LONG not in raw.translate(_DIGITS):
            return orjson.loads(raw)
    except (orjson.JSONDecodeError, UnicodeEncodeError):
        pass  # json's verdict: a value it accepts, or its own error
    return json.loads(text)
